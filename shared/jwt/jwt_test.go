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

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Tokens with unknown key ids make the verifier fetch the issuer's keys at
// most once per RefetchInterval; one with the key the issuer rotated to is
// accepted after the interval.
func TestFinding12_UnknownKidRefetchIsRateLimited(t *testing.T) {
	is := newIssuer(t)
	k1 := is.addKey(t, "k1", true)
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	v := &Verifier{Issuer: is.srv.URL, Audience: "api", Now: clk.now, RefetchInterval: 30 * time.Second}
	claims := func() map[string]any {
		return map[string]any{"iss": is.srv.URL, "aud": "api", "tenant": "acme", "exp": clk.now().Add(time.Hour).Unix()}
	}
	if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
		t.Fatalf("a token of a published key: %v", err)
	}
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("first token: %d key set fetches; want 1", n)
	}

	stranger := is.addKey(t, "", false)
	t.Run("unknown kids within the interval cost no fetch", func(t *testing.T) {
		for i := 0; i < 200; i++ {
			if _, err := v.Verify(mint(t, stranger, "unknown-"+string(rune('a'+i%26)), claims())); !errors.Is(err, ErrTokenSignature) {
				t.Fatalf("token %d with an unknown kid: %v", i, err)
			}
		}
		if n := is.fetches.Load(); n != 1 {
			t.Fatalf("200 tokens with unknown kids: %d key set fetches; want still 1", n)
		}
	})

	t.Run("concurrent unknown kids after the interval cost one fetch", func(t *testing.T) {
		clk.advance(31 * time.Second)
		tok := mint(t, stranger, "unknown-x", claims())
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := v.Verify(tok); err == nil {
					t.Error("a token of an unknown key verified")
				}
			}()
		}
		wg.Wait()
		if n := is.fetches.Load(); n != 2 {
			t.Fatalf("50 concurrent tokens after the interval: %d key set fetches in all; want 2", n)
		}
	})

	t.Run("a rotated key is picked up after the interval", func(t *testing.T) {
		k2 := is.addKey(t, "k2", false)
		is.publish("k2", k2)
		tok := mint(t, k2, "k2", claims())
		if _, err := v.Verify(tok); !errors.Is(err, ErrTokenSignature) {
			t.Fatalf("the new key within the interval: %v; want refused without a fetch", err)
		}
		if n := is.fetches.Load(); n != 2 {
			t.Fatalf("%d fetches; want 2", n)
		}
		clk.advance(30 * time.Second)
		if _, err := v.Verify(mint(t, k2, "k2", claims())); err != nil {
			t.Fatalf("the new key after the interval: %v", err)
		}
		if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
			t.Fatalf("the old key, still published: %v", err)
		}
		if n := is.fetches.Load(); n != 3 {
			t.Fatalf("%d fetches; want 3", n)
		}
	})

	t.Run("a failed fetch is retried after a short wait, not per token", func(t *testing.T) {
		is.down.Store(true)
		clk.advance(time.Minute)
		for i := 0; i < 20; i++ {
			if _, err := v.Verify(mint(t, stranger, "unknown-y", claims())); err == nil {
				t.Fatal("accepted a token of an unknown key")
			}
		}
		if n := is.fetches.Load(); n != 4 {
			t.Fatalf("%d fetches with the issuer down; want 4", n)
		}
		// Known keys still verify while the issuer is down.
		if _, err := v.Verify(mint(t, k1, "k1", claims())); err != nil {
			t.Fatalf("a known key while the issuer is down: %v", err)
		}
		clk.advance(failedFetchRetry)
		if _, err := v.Verify(mint(t, stranger, "unknown-y", claims())); err == nil {
			t.Fatal("a token of an unknown key verified")
		}
		if n := is.fetches.Load(); n != 5 {
			t.Fatalf("%d fetches after the retry wait; want 5", n)
		}
	})
}
