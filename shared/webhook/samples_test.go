package webhook

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The portal's verification samples (portal/samples/webhooks: Go, Node,
// bash + openssl) accept genuine deliveries signed by this package and
// refuse forged, stale and replayed ones with the same reasons as Verify
// (issue 14, must-show 1 and 3).
func TestVerificationSamples(t *testing.T) {
	dir := filepath.Join("..", "..", "portal", "samples", "webhooks")
	bin := filepath.Join(t.TempDir(), "verify")
	if out, err := exec.Command("go", "build", "-o", bin, "./"+filepath.Join(dir, "go")).CombinedOutput(); err != nil {
		t.Fatalf("building the Go sample: %v\n%s", err, out)
	}
	samples := []struct {
		name string
		cmd  []string
		need string
	}{
		{"go", []string{bin}, ""},
		{"node", []string{"node", filepath.Join(dir, "verify.mjs")}, "node"},
		{"bash+openssl", []string{"bash", filepath.Join(dir, "verify.sh")}, "openssl"},
	}
	now := time.Unix(1767225600, 0)
	secret := []byte("whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978")
	oldSecret := []byte("whsec_old0000000000000000000000000000000000000000000")
	body := func(id string) []byte {
		b, err := MarshalEnvelope(id, "invoice.paid", now, "2026-12-01", []byte(`{"object":"invoice","id":"inv_1","amount":"12.50"}`))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b1, b2 := body("evt_sample1"), body("evt_sample2")
	cases := []struct {
		name   string
		header string
		body   []byte
		secret []byte
		now    time.Time
		want   string
	}{
		{"a genuine delivery", Sign([][]byte{secret}, now, b1), b1, secret, now, "verified evt_sample1"},
		{"the same delivery replayed", Sign([][]byte{secret}, now, b1), b1, secret, now, "refused: replayed"},
		{"forged with another secret", Sign([][]byte{[]byte("whsec_guess")}, now, b2), b2, secret, now, "refused: signature_mismatch"},
		{"an altered body", Sign([][]byte{secret}, now, b2), bytes.Replace(b2, []byte("12.50"), []byte("1250.00"), 1), secret, now, "refused: signature_mismatch"},
		{"stale: outside the tolerance", Sign([][]byte{secret}, now.Add(-6*time.Minute), b2), b2, secret, now, "refused: timestamp_outside_tolerance"},
		{"from the future", Sign([][]byte{secret}, now.Add(6*time.Minute), b2), b2, secret, now, "refused: timestamp_outside_tolerance"},
		{"no signature", "", b2, secret, now, "refused: no_signature"},
		{"a malformed header", "t=abc,v1=00", b2, secret, now, "refused: malformed_header"},
		{"during a rotation, the old secret verifies", Sign([][]byte{secret, oldSecret}, now, b2), b2, oldSecret, now.Add(4 * time.Minute), "verified evt_sample2"},
	}
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			if s.need != "" {
				if _, err := exec.LookPath(s.need); err != nil {
					t.Skipf("%s is not installed", s.need)
				}
			}
			work := t.TempDir()
			seen := filepath.Join(work, "seen.txt")
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					// The package's own Verify agrees with the sample.
					verr := Verify(c.header, c.body, c.secret, c.now, 0)
					if strings.HasPrefix(c.want, "refused: ") && c.want != "refused: replayed" && Reason(verr) != strings.TrimPrefix(c.want, "refused: ") {
						t.Fatalf("Verify = %v; the sample should say %s", verr, c.want)
					}
					bf := filepath.Join(work, "body"+strconv.Itoa(i)+".json")
					if err := os.WriteFile(bf, c.body, 0o600); err != nil {
						t.Fatal(err)
					}
					cmd := exec.Command(s.cmd[0], append(s.cmd[1:], bf)...)
					cmd.Env = append(os.Environ(), "STABLEGATE_WEBHOOK_SECRET="+string(c.secret), "STABLEGATE_SIGNATURE="+c.header,
						"STABLEGATE_SEEN_FILE="+seen, "STABLEGATE_NOW="+strconv.FormatInt(c.now.Unix(), 10), "STABLEGATE_TOLERANCE=300")
					out, err := cmd.Output()
					got := strings.TrimSpace(string(out))
					if got != c.want {
						var ee *exec.ExitError
						if errors.As(err, &ee) {
							t.Logf("stderr: %s", ee.Stderr)
						}
						t.Fatalf("%s printed %q; want %q", s.name, got, c.want)
					}
					if refusedWant := strings.HasPrefix(c.want, "refused"); refusedWant != (err != nil) {
						t.Fatalf("exit error %v for %q", err, c.want)
					}
				})
			}
		})
	}
}
