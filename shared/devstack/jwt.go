package devstack

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Issuer is the dev identity provider: an RSA key kept under the dev state
// folder, an OpenID discovery document and a JWKS, and a minting function.
// It stands in for Cognito, Auth0 or any OIDC provider; nothing of it ships.
type Issuer struct {
	URL string
	key *rsa.PrivateKey
	kid string
}

// LoadIssuer reads the key at keyPath or makes one there.
func LoadIssuer(url, keyPath string) (*Issuer, error) {
	var key *rsa.PrivateKey
	if raw, err := os.ReadFile(keyPath); err == nil {
		blk, _ := pem.Decode(raw)
		if blk == nil {
			return nil, fmt.Errorf("devstack: %s is not PEM", keyPath)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		var ok bool
		if key, ok = k.(*rsa.PrivateKey); !ok {
			return nil, fmt.Errorf("devstack: %s is not an RSA key", keyPath)
		}
	} else {
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(key.PublicKey.N.Bytes())
	return &Issuer{URL: strings.TrimRight(url, "/"), key: key, kid: b64(sum[:8])}, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Mint signs claims with RS256. Callers set iss, aud, exp and the rest.
func (i *Issuer) Mint(claims map[string]any) (string, error) {
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": i.kid})
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64(hdr) + "." + b64(body)
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, h[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
}

// Token mints a token for a tenant with scopes, valid for ttl.
func (i *Issuer) Token(audience, tenant, subject string, scopes []string, ttl time.Duration) (string, error) {
	now := time.Now()
	return i.Mint(map[string]any{
		"iss": i.URL, "aud": audience, "sub": subject, "tenant": tenant,
		"scope": strings.Join(scopes, " "), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	})
}

// JWKS is the key set document.
func (i *Issuer) JWKS() map[string]any {
	pub := i.key.PublicKey
	return map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": i.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// Handler serves {issuer}/.well-known/openid-configuration and the JWKS.
// The issuer URL's path is the prefix it serves under.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": i.URL, "jwks_uri": i.URL + "/.well-known/jwks.json",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, i.JWKS()) })
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Verifier checks tokens as API Gateway's JWT authorizer does: RS256
// signature by a key from the issuer's JWKS (found through OpenID discovery),
// iss equal to the issuer, aud containing the audience, exp in the future
// and nbf, if present, in the past.
type Verifier struct {
	Issuer   string
	Audience string
	Client   *http.Client
	Now      func() time.Time

	mu   sync.Mutex
	keys map[string]*rsa.PublicKey
}

// Verification errors (never carry the token).
var (
	ErrTokenMalformed = errors.New("jwt: malformed token")
	ErrTokenSignature = errors.New("jwt: bad signature or unknown key")
	ErrTokenClaims    = errors.New("jwt: issuer, audience or time claims do not match")
)

// Verify returns the token's claims.
func (v *Verifier) Verify(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrTokenMalformed
	}
	var hdr struct{ Alg, Kid string }
	if err := decodeSeg(parts[0], &hdr); err != nil || hdr.Alg != "RS256" {
		return nil, ErrTokenMalformed
	}
	key, err := v.key(hdr.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, ErrTokenMalformed
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, h[:], sig) != nil {
		return nil, ErrTokenSignature
	}
	var claims map[string]any
	if err := decodeSeg(parts[1], &claims); err != nil {
		return nil, ErrTokenMalformed
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	t := now().Unix()
	if claims["iss"] != v.Issuer || !hasAudience(claims["aud"], v.Audience) {
		return nil, ErrTokenClaims
	}
	exp, ok := claims["exp"].(float64)
	if !ok || int64(exp) <= t {
		return nil, ErrTokenClaims
	}
	if nbf, ok := claims["nbf"].(float64); ok && int64(nbf) > t {
		return nil, ErrTokenClaims
	}
	return claims, nil
}

func decodeSeg(s string, dst any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if x == want {
				return true
			}
		}
	}
	return false
}

func (v *Verifier) key(kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	// Unknown kid: refresh the key set once (keys rotate).
	keys, err := v.fetch()
	if err != nil {
		return nil, err
	}
	v.keys = keys
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, ErrTokenSignature
}

func (v *Verifier) fetch() (map[string]*rsa.PublicKey, error) {
	c := v.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(c, v.Issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := getJSON(c, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	out := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		out[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return out, nil
}

func getJSON(c *http.Client, url string, dst any) error {
	resp, err := c.Get(url)
	if err != nil {
		return fmt.Errorf("jwt: fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("jwt: fetch %s: status %d", url, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(dst)
}
