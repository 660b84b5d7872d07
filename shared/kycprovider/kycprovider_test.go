package kycprovider_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/kycprovider"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var (
	secret = []byte("whsec_test")
	t0     = time.Unix(1_780_000_000, 0).UTC()
	cusID  = "cus_01JZZZZZZZZZZZZZZZZZZZZZZZ"
)

func body(status string) []byte {
	b, _ := json.Marshal(kycprovider.Callback{Reference: "t1/" + cusID, ProviderRef: "ref-1", Status: status, OccurredAt: t0.Format(time.RFC3339)})
	return b
}

// The scheme's signature is HMAC-SHA256 over "<t>.<body>", hex: a fixed
// vector so another implementation can check itself against it.
func TestSignVector(t *testing.T) {
	got := kycprovider.Sign([]byte("secret"), time.Unix(1700000000, 0), []byte(`{"a":1}`))
	want := "t=1700000000,v1=" + "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686" // python3: hmac.new(b"secret", b'1700000000.{"a":1}', sha256)
	if got != want {
		t.Fatalf("Sign = %q", got)
	}
	if err := kycprovider.Verify([][]byte{[]byte("secret")}, got, []byte(`{"a":1}`), time.Unix(1700000000, 0), 0); err != nil {
		t.Fatal(err)
	}
}

func TestVerify(t *testing.T) {
	b := body("verified")
	good := kycprovider.Sign(secret, t0, b)
	cases := []struct {
		name    string
		secrets [][]byte
		header  string
		body    []byte
		now     time.Time
		ok      bool
	}{
		{"genuine", [][]byte{secret}, good, b, t0, true},
		{"genuine, within tolerance", [][]byte{secret}, good, b, t0.Add(4 * time.Minute), true},
		{"rotating: the old secret still listed", [][]byte{[]byte("new"), secret}, good, b, t0, true},
		{"two signatures, one matches", [][]byte{secret}, good + ",v1=" + strings.Repeat("00", 32), b, t0, true},
		{"another secret", [][]byte{[]byte("other")}, good, b, t0, false},
		{"body altered", [][]byte{secret}, good, body("rejected"), t0, false},
		{"stale", [][]byte{secret}, good, b, t0.Add(6 * time.Minute), false},
		{"from the future", [][]byte{secret}, good, b, t0.Add(-6 * time.Minute), false},
		{"empty header", [][]byte{secret}, "", b, t0, false},
		{"two timestamps", [][]byte{secret}, "t=1," + good, b, t0, false},
		{"short signature", [][]byte{secret}, good[:len(good)-2], b, t0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := kycprovider.Verify(c.secrets, c.header, c.body, c.now, 0)
			if c.ok != (err == nil) {
				t.Fatalf("Verify = %v; want ok %v", err, c.ok)
			}
			if err != nil && !errors.Is(err, sg.ErrKYCCallbackInvalid) {
				t.Fatalf("error %v; want kyc_callback_invalid", err)
			}
		})
	}
}

func TestParse(t *testing.T) {
	cb, err := kycprovider.Parse(body("review"))
	if err != nil || cb.TenantID != "t1" || cb.CustomerID != cusID || cb.Status != sg.KYCPending || !cb.At.Equal(t0) {
		t.Fatalf("Parse = %+v, %v", cb, err)
	}
	for name, b := range map[string]string{
		"unknown status": `{"reference":"t1/` + cusID + `","provider_ref":"r","status":"maybe","occurred_at":"2026-01-01T00:00:00Z"}`,
		"no customer id": `{"reference":"t1/bob","provider_ref":"r","status":"verified","occurred_at":"2026-01-01T00:00:00Z"}`,
		"no time":        `{"reference":"t1/` + cusID + `","provider_ref":"r","status":"verified"}`,
		"two objects":    string(body("verified")) + "{}",
	} {
		if _, err := kycprovider.Parse([]byte(b)); !errors.Is(err, sg.ErrKYCCallbackInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The adapter starts a verification over HTTP with its API key and no PII.
func TestClientStart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.URL.Path != "/verifications" || r.Header.Get("Authorization") != "Bearer k" || in["reference"] != "t1/"+cusID || in["tier"] != "basic" || len(in) != 2 {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"ver_9","url":"https://kyc.example/ver_9"}`))
	}))
	defer srv.Close()
	c := &kycprovider.Client{ProviderName: "x", BaseURL: srv.URL, APIKey: "k", HTTP: srv.Client()}
	st, err := c.Start(context.Background(), "t1", cusID, "basic")
	if err != nil || st.ProviderRef != "ver_9" || st.URL != "https://kyc.example/ver_9" {
		t.Fatalf("Start = %+v, %v", st, err)
	}
	down := &kycprovider.Client{BaseURL: "http://127.0.0.1:1", HTTP: srv.Client()}
	if _, err := down.Start(context.Background(), "t1", cusID, ""); sg.KindOf(err) != sg.KindUnavailable {
		t.Fatalf("provider down: %v; want unavailable", err)
	}
}

// Outside input: the signature header and the body never panic and
// anything not signed with the secret is refused.
func FuzzVerifyCallback(f *testing.F) {
	b := body("verified")
	f.Add(kycprovider.Sign(secret, t0, b), b)
	f.Add("t=1,v1=00", []byte("{}"))
	f.Add("", []byte(nil))
	f.Add("t=,v1=,v1=", []byte(`{"reference":"/"}`))
	c := &kycprovider.Client{Secrets: [][]byte{secret}}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		cb, err := c.VerifyCallback(context.Background(), header, body, t0)
		if err != nil && !errors.Is(err, sg.ErrKYCCallbackInvalid) {
			t.Fatalf("refusal %v; want kyc_callback_invalid", err)
		}
		if err == nil && (cb.CustomerID == "" || cb.TenantID == "" || kycprovider.Verify([][]byte{[]byte("other")}, header, body, t0, 0) == nil) {
			t.Fatalf("accepted %q: %+v", header, cb)
		}
	})
}

// Outside input: a callback body never panics the parser, and one it
// accepts names a tenant, a customer id and a known status.
func FuzzParse(f *testing.F) {
	f.Add(body("verified"))
	f.Add(body("review"))
	f.Add([]byte(`{"reference":"t/cus_x","provider_ref":"r","status":"verified","occurred_at":"2026-01-01T00:00:00Z","expires_at":"x"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cb, err := kycprovider.Parse(b)
		if err != nil {
			if !errors.Is(err, sg.ErrKYCCallbackInvalid) {
				t.Fatalf("refusal %v", err)
			}
			return
		}
		if cb.TenantID == "" || !sg.ValidID(sg.CustomerIDPrefix, cb.CustomerID) || !cb.Status.Valid() || cb.At.IsZero() {
			t.Fatalf("accepted %+v", cb)
		}
	})
}
