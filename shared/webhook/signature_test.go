package webhook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	secretA = []byte("whsec_current_0123456789abcdef")
	secretB = []byte("whsec_previous_0123456789abcde")
	body    = []byte(`{"id":"evt_1","type":"invoice.paid","created":1700000000,"api_version":"2026-12-01","data":{}}`)
	at      = time.Unix(1700000000, 0)
)

// A known vector: HMAC-SHA256("whsec_test", "1700000000.{}"), as openssl computes it.
func TestSignVector(t *testing.T) {
	got := Sign([][]byte{[]byte("whsec_test")}, at, []byte("{}"))
	want := "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91" // openssl dgst -sha256 -hmac whsec_test
	if got != want {
		t.Fatalf("Sign = %s; want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	both := Sign([][]byte{secretA, secretB}, at, body)
	cases := []struct {
		name   string
		header string
		body   []byte
		secret []byte
		now    time.Time
		want   error
	}{
		{"accepts a delivery signed with the secret", Sign([][]byte{secretA}, at, body), body, secretA, at, nil},
		{"accepts within the tolerance either way", Sign([][]byte{secretA}, at, body), body, secretA, at.Add(-5 * time.Minute), nil},
		{"during a rotation the new secret verifies", both, body, secretA, at, nil},
		{"during a rotation the old secret verifies", both, body, secretB, at, nil},
		{"ignores unknown schemes", "v0=zz," + Sign([][]byte{secretA}, at, body) + ",v9=abc", body, secretA, at, nil},
		{"tolerates spaces around elements", strings.ReplaceAll(both, ",", " , "), body, secretA, at, nil},
		{"refuses another secret (forged)", Sign([][]byte{[]byte("whsec_attacker")}, at, body), body, secretA, at, ErrSignatureMismatch},
		{"refuses an altered body", Sign([][]byte{secretA}, at, body), append([]byte(nil), append(body[:len(body)-1:len(body)-1], ' ', '}')...), secretA, at, ErrSignatureMismatch},
		{"refuses a timestamp moved by the sender", strings.Replace(Sign([][]byte{secretA}, at, body), "t=1700000000", "t=1700000100", 1), body, secretA, at, ErrSignatureMismatch},
		{"refuses a stale delivery", Sign([][]byte{secretA}, at, body), body, secretA, at.Add(5*time.Minute + time.Second), ErrTimestampOutsideTolerance},
		{"refuses one from the future", Sign([][]byte{secretA}, at, body), body, secretA, at.Add(-6 * time.Minute), ErrTimestampOutsideTolerance},
		{"refuses no header", "", body, secretA, at, ErrNoSignature},
		{"refuses a header without v1", "t=1700000000,v0=abcd", body, secretA, at, ErrNoSignature},
		{"refuses a header without t", "v1=" + strings.Repeat("a", 64), body, secretA, at, ErrMalformedHeader},
		{"refuses two timestamps", "t=1,t=2,v1=" + strings.Repeat("a", 64), body, secretA, at, ErrMalformedHeader},
		{"refuses a signed timestamp", "t=-1,v1=" + strings.Repeat("a", 64), body, secretA, at, ErrMalformedHeader},
		{"refuses a short signature", "t=1,v1=abcd", body, secretA, at, ErrMalformedHeader},
		{"refuses an element without =", "t=1,v1", body, secretA, at, ErrMalformedHeader},
		{"refuses too many signatures", "t=1" + strings.Repeat(",v1="+strings.Repeat("a", 64), 9), body, secretA, at, ErrMalformedHeader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.header, c.body, c.secret, c.now, 0)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v; want %v", err, c.want)
			}
			if c.want != nil && Reason(err) == "" {
				t.Fatal("a refusal without a reason")
			}
		})
	}
	t.Run("a longer tolerance is the receiver's choice", func(t *testing.T) {
		if err := Verify(Sign([][]byte{secretA}, at, body), body, secretA, at.Add(time.Hour), 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	})
}

// A replay inside the tolerance passes Verify and is caught by the
// receiver's dedupe by event id.
func TestSeenRefusesAReplayedEvent(t *testing.T) {
	var s Seen
	if err := s.Check("evt_1", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Check("evt_1", at.Add(time.Minute)); !errors.Is(err, ErrReplayed) || Reason(err) != "replayed" {
		t.Fatalf("second sight = %v; want replayed", err)
	}
	if err := s.Check("evt_2", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Check("evt_1", at.Add(73*time.Hour)); err != nil {
		t.Fatalf("after the TTL: %v", err)
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	b, err := MarshalEnvelope("evt_1", "invoice.paid", at, "2026-12-01", []byte(`{"id":"inv_1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"id":"evt_1","type":"invoice.paid","created":1700000000,"api_version":"2026-12-01","data":{"id":"inv_1"}}` {
		t.Fatalf("envelope = %s", b)
	}
	e, err := ParseEnvelope(b)
	if err != nil || e.ID != "evt_1" || e.Created != 1700000000 {
		t.Fatalf("ParseEnvelope = %+v, %v", e, err)
	}
	if _, err := ParseEnvelope([]byte(`{"type":"x"}`)); !errors.Is(err, ErrEnvelope) {
		t.Fatalf("no id: %v", err)
	}
}

// FuzzParseHeader: no header crashes the parser; what it accepts has a
// timestamp and 1 to 8 signatures of 32 bytes, and Verify agrees with it.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{
		Sign([][]byte{secretA}, at, body), Sign([][]byte{secretA, secretB}, at, body), "", "t=", "t=1,v1=", ",,,", "t=1,v1=zz",
		"t=99999999999999999999,v1=" + strings.Repeat("0", 64), "v1=" + strings.Repeat("0", 64) + ",t=1", "t=1 ,v1= " + strings.Repeat("f", 64),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		s, err := ParseHeader(h)
		if err != nil {
			if Reason(err) == "" {
				t.Fatalf("refusal without a reason: %v", err)
			}
			return
		}
		if len(s.V1) == 0 || len(s.V1) > maxSignatures || s.Timestamp < 0 {
			t.Fatalf("accepted %q as %+v", h, s)
		}
		for _, v := range s.V1 {
			if len(v) != 32 {
				t.Fatalf("accepted a %d-byte signature", len(v))
			}
		}
		if err := Verify(h, body, secretA, time.Unix(s.Timestamp, 0), 0); err != nil && !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("Verify of a parsed header: %v", err)
		}
	})
}

// FuzzParseEnvelope: no body crashes the envelope parser; what it accepts
// has an id and a type.
func FuzzParseEnvelope(f *testing.F) {
	f.Add(string(body))
	f.Add(`{"id":"","type":"x"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, b string) {
		e, err := ParseEnvelope([]byte(b))
		if err == nil && (e.ID == "" || e.Type == "") {
			t.Fatalf("accepted %q", b)
		}
	})
}
