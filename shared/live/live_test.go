package live

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/jwt"
)

// testIssuer serves an OpenID discovery document and a one-key JWKS, and
// mints tokens with that key.
type testIssuer struct {
	url string
	key *rsa.PrivateKey
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &testIssuer{key: k}
	enc := base64.RawURLEncoding.EncodeToString
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.url, "jwks_uri": is.url + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1",
			"n": enc(k.N.Bytes()), "e": enc(big.NewInt(int64(k.E)).Bytes())}}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

func (is *testIssuer) mint(t *testing.T, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	claims["iss"], claims["aud"], claims["exp"] = is.url, "api", time.Now().Add(time.Hour).Unix()
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1"})
	body, _ := json.Marshal(claims)
	signing := enc(hdr) + "." + enc(body)
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, is.key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + enc(sig)
}

// noStore fails the test if $connect records a connection.
type noStore struct {
	Store
	t *testing.T
}

func (s noStore) PutConnection(ctx context.Context, id, tenant string) error {
	s.t.Errorf("connection recorded for tenant %q", tenant)
	return nil
}

// $connect refuses a token whose tenant claim is not a tenant name, as the
// HTTP API does: no connection is recorded for "acme#x", "~platform" or a
// tenant that is not a string.
func TestFinding10_ConnectRefusesInvalidTenantClaims(t *testing.T) {
	is := newTestIssuer(t)
	s := &Service{Store: noStore{t: t}, Verifier: &jwt.Verifier{Issuer: is.url, Audience: "api"}}
	for name, tenant := range map[string]any{
		"tenant with #": "acme#x", "platform tenant": "~platform", "empty tenant": "", "tenant null": nil,
		"tenant number": 5, "tenant array": []string{"acme"}, "tenant too long": string(make([]byte, 65)),
	} {
		t.Run(name, func(t *testing.T) {
			tok := is.mint(t, map[string]any{"tenant": tenant, "sub": "u", "scope": "transfers:read"})
			req := Request{QueryStringParameters: map[string]string{"token": tok}}
			req.RequestContext.ConnectionID = "c1"
			resp, err := s.Connect(context.Background(), req)
			if err != nil || resp.StatusCode != 401 {
				t.Fatalf("$connect: %d %s %v; want 401", resp.StatusCode, resp.Body, err)
			}
		})
	}
	t.Run("a subject that is not a string", func(t *testing.T) {
		tok := is.mint(t, map[string]any{"tenant": "acme", "sub": 7, "scope": "transfers:read"})
		resp, _ := s.Connect(context.Background(), Request{QueryStringParameters: map[string]string{"token": tok}})
		if resp.StatusCode != 401 {
			t.Fatalf("$connect: %d; want 401", resp.StatusCode)
		}
	})
}

// A message whose action the API does not serve answers the documented
// error, not {"message":"Forbidden"}; the subscribe function serves the
// $default route too.
func TestFinding14_UnknownWSActionAnswersTheDocumentedError(t *testing.T) {
	s := &Service{}
	for _, body := range []string{`{"action":"unsubscribe","wallet_id":"wal_x"}`, `{"wallet_id":"wal_x"}`, `not json`, `{"action":"$disconnect"}`} {
		resp, err := s.Subscribe(context.Background(), Request{Body: body})
		var m map[string]string
		if uerr := json.Unmarshal([]byte(resp.Body), &m); uerr != nil {
			t.Errorf("message %s: body %q: %v", body, resp.Body, uerr)
		}
		if err != nil || resp.StatusCode != 400 || m["type"] != "error" || m["code"] != "unknown_action" || m["param"] != "action" {
			t.Errorf("message %s: %d %s %v; want 400 unknown_action", body, resp.StatusCode, resp.Body, err)
		}
	}
}

// countStore counts the connections $connect records.
type countStore struct {
	Store
	n int
}

func (s *countStore) PutConnection(ctx context.Context, id, tenant string) error {
	s.n++
	return nil
}

// ---- plat: IP allow lists ----

// $connect applies a client token's ip_allow claim to the connecting
// address (identity.sourceIp): from outside the list it answers 403
// ip_not_allowed and records no connection; from inside, and without the
// claim, it connects.
func TestConnectRefusesATokenFromOutsideItsAllowList(t *testing.T) {
	is := newTestIssuer(t)
	st := &countStore{}
	s := &Service{Store: st, Verifier: &jwt.Verifier{Issuer: is.url, Audience: "api"}}
	for _, c := range []struct {
		name  string
		allow any // nil: no claim
		ip    string
		want  int
	}{
		{"inside", "203.0.113.0/24", "203.0.113.5", 200},
		{"no claim", nil, "192.0.2.1", 200},
		{"an array claim, inside", []string{"10.0.0.0/8"}, "10.9.9.9", 200},
		{"outside", "203.0.113.0/24", "192.0.2.1", 403},
		{"an array claim, outside", []string{"10.0.0.0/8"}, "192.0.2.1", 403},
		{"an empty claim", "", "203.0.113.5", 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			claims := map[string]any{"tenant": "acme", "sub": "ac_1.acme", "scope": "transfers:read"}
			if c.allow != nil {
				claims["ip_allow"] = c.allow
			}
			req := Request{QueryStringParameters: map[string]string{"token": is.mint(t, claims)}}
			req.RequestContext.ConnectionID = "c1"
			req.RequestContext.Identity.SourceIP = c.ip
			before := st.n
			resp, err := s.Connect(context.Background(), req)
			if err != nil || resp.StatusCode != c.want {
				t.Fatalf("$connect: %d %s %v; want %d", resp.StatusCode, resp.Body, err, c.want)
			}
			if c.want == 403 && (st.n != before || !strings.Contains(resp.Body, `"ip_not_allowed"`)) {
				t.Fatalf("refused with %s, connections recorded %d", resp.Body, st.n-before)
			}
		})
	}
}
