package jwt

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// issuer is an OpenID issuer on httptest that counts its key set fetches.
type issuer struct {
	srv     *httptest.Server
	fetches atomic.Int32
	mu      sync.Mutex
	keys    map[string]*rsa.PrivateKey
	down    atomic.Bool
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	is := &issuer{keys: map[string]*rsa.PrivateKey{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		if is.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		is.mu.Lock()
		defer is.mu.Unlock()
		var keys []map[string]string
		for kid, k := range is.keys {
			keys = append(keys, map[string]string{"kty": "RSA", "kid": kid,
				"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

// addKey makes a key under kid; published says whether the JWKS shows it.
func (is *issuer) addKey(t *testing.T, kid string, published bool) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if published {
		is.mu.Lock()
		is.keys[kid] = k
		is.mu.Unlock()
	}
	return k
}

func (is *issuer) publish(kid string, k *rsa.PrivateKey) {
	is.mu.Lock()
	is.keys[kid] = k
	is.mu.Unlock()
}

func mint(t *testing.T, k *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	body, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// Tokens with unknown key ids make the verifier fetch the issuer's keys at
// most once per RefetchInterval (keyfunc's limiter, which runs on the wall
// clock: the interval here is short and the bounds count fetches, never
// time); one with the key the issuer rotated to is accepted once an interval
// has passed.
func TestFinding12_UnknownKidRefetchIsRateLimited(t *testing.T) {
	is := newIssuer(t)
	k1 := is.addKey(t, "k1", true)
	const interval = 300 * time.Millisecond
	v := &Verifier{Issuer: is.srv.URL, Audience: "api", RefetchInterval: interval}
	defer v.Close()
	claims := func() map[string]any {
		return map[string]any{"iss": is.srv.URL, "aud": "api", "tenant": "acme", "exp": time.Now().Add(time.Hour).Unix()}
	}
	if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
		t.Fatalf("a token of a published key: %v", err)
	}
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("first token: %d key set fetches; want 1", n)
	}

	stranger := is.addKey(t, "", false)
	t.Run("a flood of unknown kids costs at most one fetch per interval", func(t *testing.T) {
		start := time.Now()
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					if _, err := v.Verify(mint(t, stranger, "unknown-"+string(rune('a'+i%26)), claims())); !errors.Is(err, ErrTokenSignature) {
						t.Errorf("token %d with an unknown kid: %v", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		allowed := int32(1 + 1 + time.Since(start)/interval + 1)
		if n := is.fetches.Load(); n > allowed {
			t.Fatalf("400 tokens with unknown kids over %v: %d key set fetches; want at most %d", time.Since(start), n, allowed)
		}
	})

	t.Run("a rotated key is picked up after the interval", func(t *testing.T) {
		k2 := is.addKey(t, "k2", false)
		is.publish("k2", k2)
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := v.Verify(mint(t, k2, "k2", claims()))
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the rotated key is still refused: %v", err)
			}
			time.Sleep(interval / 4)
		}
		if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
			t.Fatalf("the old key, still published: %v", err)
		}
	})

	t.Run("known keys verify while the issuer is down", func(t *testing.T) {
		is.down.Store(true)
		for i := 0; i < 20; i++ {
			if _, err := v.Verify(mint(t, stranger, "unknown-y", claims())); err == nil {
				t.Fatal("accepted a token of an unknown key")
			}
		}
		if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
			t.Fatalf("a known key while the issuer is down: %v", err)
		}
	})
}

// The claims API Gateway checks are checked: issuer, audience, expiry,
// not-before, and the algorithm (none is refused).
func TestVerifyChecksClaims(t *testing.T) {
	is := newIssuer(t)
	k := is.addKey(t, "k", true)
	v := &Verifier{Issuer: is.srv.URL, Audience: "api"}
	defer v.Close()
	now := time.Now()
	base := func() map[string]any {
		return map[string]any{"iss": is.srv.URL, "aud": "api", "tenant": "acme", "exp": now.Add(time.Hour).Unix()}
	}
	for _, c := range []struct {
		name string
		edit func(map[string]any)
		want error
	}{
		{"accepts a good token", func(map[string]any) {}, nil},
		{"accepts aud as an array", func(c map[string]any) { c["aud"] = []string{"x", "api"} }, nil},
		{"refuses another issuer", func(c map[string]any) { c["iss"] = "https://evil" }, ErrTokenClaims},
		{"refuses another audience", func(c map[string]any) { c["aud"] = "other" }, ErrTokenClaims},
		{"refuses an expired token", func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() }, ErrTokenClaims},
		{"refuses a token without exp", func(c map[string]any) { delete(c, "exp") }, ErrTokenClaims},
		{"refuses a token not yet valid", func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() }, ErrTokenClaims},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := base()
			c.edit(cl)
			_, err := v.Verify(mint(t, k, "k", cl))
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v; want %v", err, c.want)
			}
		})
	}
	t.Run("refuses alg none", func(t *testing.T) {
		body, _ := json.Marshal(base())
		tok := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(body) + "."
		if _, err := v.Verify(tok); err == nil {
			t.Fatal("accepted an unsigned token")
		}
	})
}
