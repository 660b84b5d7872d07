package tests

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
)

// Must-show 4: the portal's Go sample verifies a certificate offline with
// the published key set, and refuses it once any byte changes, under
// another key, or after its expiry (a certificate issued a year and a day
// ago).
func TestCertificateSampleVerifiesOffline(t *testing.T) {
	ctx := context.Background()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := courses.LocalSigner{Key: key}
	issue := func(at time.Time) string {
		c := courses.Certificate{ID: "cert_sample", Tenant: "t1", Name: "Grace Hopper", Course: "kyc-aml", CourseTitle: "KYC and AML duties",
			Band: "merit", IssuedAt: at, ExpiresAt: at.Add(courses.DefaultValidity)}
		tok, err := signer.Sign(ctx, courses.Claims(c))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	dir := t.TempDir()
	writeKeys := func(name string, s courses.LocalSigner) string {
		jwk, _ := s.JWK(ctx)
		b, _ := json.Marshal(map[string]any{"keys": []map[string]string{jwk}})
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keys := writeKeys("keys.json", signer)
	bin := filepath.Join(dir, "certverify")
	if out, err := exec.Command("go", "build", "-o", bin, "../portal/samples/go/certverify").CombinedOutput(); err != nil {
		t.Fatalf("building the sample: %v %s", err, out)
	}
	run := func(keys, tok string) (string, bool) {
		out, err := exec.Command(bin, "-keys", keys, "-certificate", tok).CombinedOutput()
		return string(out), err == nil
	}
	tok := issue(time.Now().Add(-time.Hour).Truncate(time.Second))
	if out, ok := run(keys, tok); !ok || !strings.Contains(out, "Grace Hopper") || !strings.Contains(out, "merit") {
		t.Fatalf("a valid certificate: %s", out)
	}
	// One changed character in each part (header, claims, signature's
	// first and last character).
	dots := []int{strings.IndexByte(tok, '.'), strings.LastIndexByte(tok, '.')}
	for _, i := range []int{3, dots[0] + 5, dots[1] + 1, len(tok) - 1} {
		ch := byte('A')
		if tok[i] == 'A' {
			ch = 'B'
		}
		if out, ok := run(keys, tok[:i]+string(ch)+tok[i+1:]); ok {
			t.Fatalf("byte %d changed still verifies: %s", i, out)
		}
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if out, ok := run(writeKeys("other.json", courses.LocalSigner{Key: other}), tok); ok {
		t.Fatalf("verifies under another key: %s", out)
	}
	if out, ok := run(keys, issue(time.Now().Add(-courses.DefaultValidity-24*time.Hour))); ok || !strings.Contains(out, "expired") {
		t.Fatalf("an expired certificate: %s", out)
	}
}
