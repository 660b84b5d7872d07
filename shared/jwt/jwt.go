// Package jwt verifies bearer tokens as API Gateway's JWT authorizer does:
// an RS256 signature by a key from the issuer's JWKS (found through OpenID
// discovery), iss equal to the issuer, aud containing the audience, exp in
// the future and nbf, if present, in the past. The WebSocket $connect
// function uses it, since WebSocket APIs have no JWT authorizer; the local
// gateway uses it for HTTP routes. Errors never carry the token.
package jwt

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultRefetchInterval is how often at most a Verifier fetches the
// issuer's keys again for a token whose key id it does not know.
const DefaultRefetchInterval = time.Minute

// failedFetchRetry is how soon a Verifier may try again after a fetch that
// failed (the issuer was down), if RefetchInterval is longer.
const failedFetchRetry = 5 * time.Second

// Verifier checks tokens for one issuer and audience.
//
// Keys are fetched once, and again when a token names a key id the
// Verifier does not know (the issuer rotated its keys), but at most once
// per RefetchInterval: a token with an unknown key id in between is refused
// without a fetch, so a flood of such tokens costs the issuer one request
// per interval, not one per token.
type Verifier struct {
	Issuer   string
	Audience string
	Client   *http.Client
	Now      func() time.Time
	// RefetchInterval bounds key set fetches (DefaultRefetchInterval if 0).
	RefetchInterval time.Duration

	fetchMu   sync.Mutex // one fetch at a time
	mu        sync.Mutex // guards keys, fetched and lastError
	keys      map[string]*rsa.PublicKey
	fetched   time.Time // the last fetch attempt
	lastError bool      // the last fetch attempt failed
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
	if err := decodeClaims(parts[1], &claims); err != nil {
		return nil, ErrTokenMalformed
	}
	t := v.now().Unix()
	if claims["iss"] != v.Issuer || !hasAudience(claims["aud"], v.Audience) {
		return nil, ErrTokenClaims
	}
	exp, ok := unixClaim(claims["exp"])
	if !ok || exp <= t {
		return nil, ErrTokenClaims
	}
	if nbf, ok := unixClaim(claims["nbf"]); ok && nbf > t {
		return nil, ErrTokenClaims
	}
	return claims, nil
}

// decodeClaims reads the claims with numbers kept as json.Number.
func decodeClaims(s string, dst *map[string]any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(dst)
}

// unixClaim reads a NumericDate claim in whole seconds.
func unixClaim(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := strconv.ParseInt(strings.SplitN(n.String(), ".", 2)[0], 10, 64)
		return f, ferr == nil
	}
	return i, true
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

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// cached returns the key of kid if known, and whether a fetch may be made
// now (none was, or the last is older than the interval).
func (v *Verifier) cached(kid string) (*rsa.PublicKey, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, false
	}
	if v.fetched.IsZero() {
		return nil, true
	}
	wait := v.RefetchInterval
	if wait <= 0 {
		wait = DefaultRefetchInterval
	}
	if v.lastError && wait > failedFetchRetry {
		wait = failedFetchRetry
	}
	return nil, !v.now().Before(v.fetched.Add(wait))
}

func (v *Verifier) key(kid string) (*rsa.PublicKey, error) {
	k, may := v.cached(kid)
	if k != nil {
		return k, nil
	}
	if !may {
		return nil, ErrTokenSignature
	}
	// Unknown kid: refresh the key set (keys rotate), one fetch at a time;
	// whoever waited for another's fetch looks again before fetching.
	v.fetchMu.Lock()
	defer v.fetchMu.Unlock()
	if k, may = v.cached(kid); k != nil {
		return k, nil
	} else if !may {
		return nil, ErrTokenSignature
	}
	keys, err := v.fetch()
	v.mu.Lock()
	v.fetched, v.lastError = v.now(), err != nil
	if err == nil {
		v.keys = keys
	}
	v.mu.Unlock()
	if err != nil {
		return nil, err
	}
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

// Scopes returns a token's scopes from its scope (space separated) or scp claim.
func Scopes(claims map[string]any) []string {
	for _, name := range []string{"scope", "scp"} {
		switch v := claims[name].(type) {
		case string:
			return strings.Fields(v)
		case []any:
			var out []string
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, str)
				}
			}
			return out
		}
	}
	return nil
}
