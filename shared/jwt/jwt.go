// Package jwt verifies bearer tokens as API Gateway's JWT authorizer does:
// a signature by a key from the issuer's JWKS (found through OpenID
// discovery), iss equal to the issuer, aud containing the audience, exp in
// the future and nbf, if present, in the past. The WebSocket $connect
// function uses it, since WebSocket APIs have no JWT authorizer; the local
// gateway uses it for HTTP routes. Errors never carry the token.
//
// Parsing and checking are golang-jwt/jwt/v5's; the key set is fetched,
// cached and refreshed by MicahParks/keyfunc/v3 (jwkset). What is written
// here is only the discovery step, the rate of refreshes and the error kinds.
package jwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	gjwt "github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// DefaultRefetchInterval is how often at most a Verifier fetches the
// issuer's keys again for a token whose key id it does not know.
const DefaultRefetchInterval = time.Minute

// failedFetchRetry is how soon a Verifier may try discovery again after it
// failed (the issuer was down).
const failedFetchRetry = 5 * time.Second

// Algorithms are the signature algorithms accepted (what API Gateway's JWT
// authorizer accepts from an OIDC issuer: RSA and ECDSA).
var Algorithms = []string{"RS256", "ES256"}

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

	mu      sync.Mutex
	kf      keyfunc.Keyfunc
	failed  time.Time // the last discovery attempt that failed
	stopCtx context.CancelFunc
}

// Verification errors (never carry the token).
var (
	ErrTokenMalformed = errors.New("jwt: malformed token")
	ErrTokenSignature = errors.New("jwt: bad signature or unknown key")
	ErrTokenClaims    = errors.New("jwt: issuer, audience or time claims do not match")
)

// Verify returns the token's claims (numbers as json.Number).
func (v *Verifier) Verify(token string) (map[string]any, error) {
	kf, err := v.keys()
	if err != nil {
		return nil, err
	}
	p := gjwt.NewParser(gjwt.WithValidMethods(Algorithms), gjwt.WithIssuer(v.Issuer), gjwt.WithAudience(v.Audience),
		gjwt.WithExpirationRequired(), gjwt.WithJSONNumber(), gjwt.WithTimeFunc(v.now))
	claims := gjwt.MapClaims{}
	if _, err := p.ParseWithClaims(token, claims, kf.Keyfunc); err != nil {
		switch {
		case errors.Is(err, gjwt.ErrTokenMalformed), errors.Is(err, gjwt.ErrTokenUnverifiable) && !errors.Is(err, keyfunc.ErrKeyfunc):
			return nil, ErrTokenMalformed
		case errors.Is(err, gjwt.ErrTokenSignatureInvalid), errors.Is(err, gjwt.ErrTokenUnverifiable):
			return nil, ErrTokenSignature
		default:
			return nil, ErrTokenClaims
		}
	}
	return claims, nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// keys returns the key function, reading the discovery document first if
// it was not read yet (at most once per failedFetchRetry while it fails).
func (v *Verifier) keys() (keyfunc.Keyfunc, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.kf != nil {
		return v.kf, nil
	}
	if !v.failed.IsZero() && time.Since(v.failed) < failedFetchRetry {
		return nil, ErrTokenSignature
	}
	c := v.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(c, strings.TrimRight(v.Issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil || disc.JWKSURI == "" {
		v.failed = time.Now()
		if err == nil {
			err = errors.New("jwt: discovery names no jwks_uri")
		}
		return nil, err
	}
	every := v.RefetchInterval
	if every <= 0 {
		every = DefaultRefetchInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{disc.JWKSURI}, keyfunc.Override{
		Client: c, HTTPTimeout: 5 * time.Second, RefreshInterval: time.Hour,
		// An unknown kid refreshes at most once per interval; a request
		// does not wait for the limiter (a flood is refused, not queued).
		RefreshUnknownKID: rate.NewLimiter(rate.Every(every), 1), RateLimitWaitMax: time.Millisecond,
		RefreshErrorHandlerFunc: func(string) func(context.Context, error) { return func(context.Context, error) {} },
	})
	if err != nil {
		cancel()
		v.failed = time.Now()
		return nil, err
	}
	v.kf, v.stopCtx = kf, cancel
	return kf, nil
}

// Close stops the background refresh of the key set.
func (v *Verifier) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.stopCtx != nil {
		v.stopCtx()
	}
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
