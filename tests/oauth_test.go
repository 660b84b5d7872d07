package tests

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	gjwt "github.com/golang-jwt/jwt/v5"
)

// ---- oauth: API clients, client credentials tokens, rate limits ----

type apiClientJSON struct {
	ClientID     string   `json:"client_id"`
	Scopes       []string `json:"scopes"`
	Status       string   `json:"status"`
	ClientSecret string   `json:"client_secret"`
}

func (e *env) createClient(t *testing.T, admin string, body any) apiClientJSON {
	t.Helper()
	b, _ := json.Marshal(body)
	r := e.do(t, "POST", "/v1/api-clients", admin, map[string]string{"Idempotency-Key": "k-" + randHex(8)}, b)
	if r.status != 201 {
		t.Fatalf("create client: %d %s", r.status, r.body)
	}
	var c apiClientJSON
	r.json(t, &c)
	return c
}

// tokenCall posts a form to /oauth/token, with HTTP Basic if id != "".
func (e *env) tokenCall(t *testing.T, id, secret string, form url.Values) reply {
	t.Helper()
	req, _ := http.NewRequest("POST", e.api+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	e.checkSpec(t, req, []byte(form.Encode()), resp, rb)
	return reply{resp.StatusCode, resp.Header, rb}
}

type tokenJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
}

func claimsOf(t *testing.T, tok string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	var h, c map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(hb, &h) != nil || json.Unmarshal(cb, &c) != nil {
		t.Fatal("unreadable JWT")
	}
	return h, c
}

// Must-show 1: a client credentials token from POST /oauth/token is
// accepted by the local gateway's JWT authorizer, which verifies it with
// the keys the API publishes (discovery -> JWKS), as API Gateway does; a
// revoked client gets no new token; its old one lives 15 minutes at most.
func TestOAuthClientCredentialsThroughTheGateway(t *testing.T) {
	e := stack(t)
	ten := tenant()
	admin := e.token(t, ten, "clients:write", "clients:read", "wallets:read", "wallets:write")
	c := e.createClient(t, admin, map[string]any{"name": "backend", "scopes": []string{"wallets:read"}})
	if c.ClientSecret == "" || c.Status != "active" {
		t.Fatalf("created %+v", c)
	}

	// The discovery document and JWKS the gateway reads.
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	r := e.do(t, "GET", "/.well-known/openid-configuration", "", nil, nil)
	r.json(t, &disc)
	if r.status != 200 || disc.Issuer != e.issuer.URL || disc.JWKSURI != e.issuer.URL+"/.well-known/jwks.json" {
		t.Fatalf("discovery %d %s", r.status, r.body)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	e.do(t, "GET", "/.well-known/jwks.json", "", nil, nil).json(t, &jwks)
	if len(jwks.Keys) != 1 || jwks.Keys[0]["alg"] != "ES256" || jwks.Keys[0]["kid"] == "" {
		t.Fatalf("jwks %+v", jwks)
	}

	var tok tokenJSON
	r = e.tokenCall(t, c.ClientID, c.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
	r.json(t, &tok)
	if r.status != 200 || tok.TokenType != "Bearer" || tok.ExpiresIn != 900 || tok.Scope != "wallets:read" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	h, cl := claimsOf(t, tok.AccessToken)
	if h["alg"] != "ES256" || h["kid"] != jwks.Keys[0]["kid"] || cl["tenant"] != ten || cl["client_id"] != c.ClientID || cl["iss"] != e.issuer.URL || cl["jti"] == "" {
		t.Fatalf("header %v claims %v", h, cl)
	}
	exp, iat := cl["exp"].(float64), cl["iat"].(float64)
	if exp-iat != 900 {
		t.Fatalf("token lives %v s; want 900", exp-iat)
	}

	t.Run("the gateway accepts it on a route of its scope", func(t *testing.T) {
		if r := e.do(t, "GET", "/v1/wallets", tok.AccessToken, nil, nil); r.status != 200 {
			t.Fatalf("GET /v1/wallets with the client's token: %d %s", r.status, r.body)
		}
	})
	t.Run("and refuses it on a route of another scope", func(t *testing.T) {
		r := e.do(t, "POST", "/v1/wallets", tok.AccessToken, map[string]string{"Idempotency-Key": randHex(8)}, []byte(`{}`))
		if r.status != 403 {
			t.Fatalf("POST /v1/wallets needs wallets:write: %d %s", r.status, r.body)
		}
	})
	t.Run("the issuance is journaled by jti", func(t *testing.T) {
		out, err := e.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &e.table, Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "TENANT#" + ten}, "SK": &types.AttributeValueMemberS{Value: "TOKEN#" + cl["jti"].(string)}}})
		if err != nil || out.Item == nil {
			t.Fatalf("no journal entry for the token's jti: %v", err)
		}
		if v := out.Item["client"].(*types.AttributeValueMemberS).Value; v != c.ClientID {
			t.Fatalf("journal names client %s", v)
		}
	})
	t.Run("a scope the client lacks is invalid_scope", func(t *testing.T) {
		var bad tokenJSON
		r := e.tokenCall(t, c.ClientID, c.ClientSecret, url.Values{"grant_type": {"client_credentials"}, "scope": {"wallets:write"}})
		r.json(t, &bad)
		if r.status != 400 || bad.Error != "invalid_scope" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a wrong secret is invalid_client", func(t *testing.T) {
		r := e.tokenCall(t, c.ClientID, c.ClientSecret+"x", url.Values{"grant_type": {"client_credentials"}})
		if r.status != 401 || !strings.Contains(string(r.body), "invalid_client") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("another tenant does not see the client", func(t *testing.T) {
		other := e.token(t, tenant(), "clients:read")
		if r := e.do(t, "GET", "/v1/api-clients/"+url.PathEscape(c.ClientID), other, nil, nil); r.status != 404 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a client cannot get scopes its creator lacks", func(t *testing.T) {
		b, _ := json.Marshal(map[string]any{"name": "x", "scopes": []string{"withdrawals:write"}})
		r := e.do(t, "POST", "/v1/api-clients", admin, map[string]string{"Idempotency-Key": randHex(8)}, b)
		if r.status != 403 || r.errCode() != "scope_not_held" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("revoked: no new token; the issued one stays valid until it expires", func(t *testing.T) {
		r := e.do(t, "POST", "/v1/api-clients/"+url.PathEscape(c.ClientID)+"/revoke", admin, nil, nil)
		if r.status != 200 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		var again tokenJSON
		r = e.tokenCall(t, c.ClientID, c.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
		r.json(t, &again)
		if r.status != 401 || again.Error != "invalid_client" || again.AccessToken != "" {
			t.Fatalf("a revoked client's token request: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/v1/wallets", tok.AccessToken, nil, nil); r.status != 200 {
			t.Fatalf("the token issued before the revocation: %d", r.status)
		}
	})
}

// A client that registered a public key authenticates with a signed
// assertion (private_key_jwt) instead of a secret; an assertion is good once.
func TestOAuthPrivateKeyJWT(t *testing.T) {
	e := stack(t)
	ten := tenant()
	admin := e.token(t, ten, "clients:write", "wallets:read")
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	enc := base64.RawURLEncoding.EncodeToString
	pub, _ := k.PublicKey.Bytes() // 0x04 || X || Y
	jwk := map[string]string{"kty": "EC", "crv": "P-256", "x": enc(pub[1:33]), "y": enc(pub[33:65])}
	c := e.createClient(t, admin, map[string]any{"name": "signed", "scopes": []string{"wallets:read"}, "public_jwk": jwk})
	assertion, err := gjwt.NewWithClaims(gjwt.SigningMethodES256, gjwt.MapClaims{"iss": c.ClientID, "sub": c.ClientID,
		"aud": e.issuer.URL + "/oauth/token", "jti": randHex(8), "exp": time.Now().Add(2 * time.Minute).Unix()}).SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}}
	var tok tokenJSON
	r := e.tokenCall(t, "", "", form)
	r.json(t, &tok)
	if r.status != 200 {
		t.Fatalf("private_key_jwt: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/wallets", tok.AccessToken, nil, nil); r.status != 200 {
		t.Fatalf("the token at the gateway: %d %s", r.status, r.body)
	}
	if r := e.tokenCall(t, "", "", form); r.status != 401 {
		t.Fatalf("a replayed assertion: %d %s", r.status, r.body)
	}
}

// setLimit sets a tenant's rate limit through the platform route.
func (e *env) setLimit(t *testing.T, ten string, rate float64, burst int) {
	t.Helper()
	plat := e.token(t, tenant(), "platform:admin")
	b, _ := json.Marshal(map[string]any{"rate": rate, "burst": burst})
	if r := e.do(t, "PUT", "/v1/platform/rate-limits/"+ten, plat, nil, b); r.status != 200 {
		t.Fatalf("set limit: %d %s", r.status, r.body)
	}
}

// Must-show 2: a tenant over its limit gets 429 with Retry-After and the
// RateLimit fields while another tenant, at the same moment, is served.
func TestRateLimitPerTenant(t *testing.T) {
	e := stack(t)
	noisy, calm := tenant(), tenant()
	e.setLimit(t, noisy, 0.2, 3) // 3 at once, then one per 5 s
	nt, ct := e.token(t, noisy, "wallets:read"), e.token(t, calm, "wallets:read")
	var limited *reply
	for i := 0; i < 6 && limited == nil; i++ {
		r := e.do(t, "GET", "/v1/wallets", nt, nil, nil)
		switch r.status {
		case 200:
			if !strings.HasPrefix(r.header.Get("RateLimit-Policy"), `"tenant";q=3;w=15`) || !strings.HasPrefix(r.header.Get("RateLimit"), `"tenant";r=`) {
				t.Fatalf("an allowed answer's fields: RateLimit %q, RateLimit-Policy %q", r.header.Get("RateLimit"), r.header.Get("RateLimit-Policy"))
			}
		case 429:
			limited = &r
		default:
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	if limited == nil {
		t.Fatal("6 requests against a burst of 3 at 0.2/s: none was refused")
	}
	ra, err := strconv.Atoi(limited.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 5 {
		t.Fatalf("Retry-After %q; want 1 to 5 seconds", limited.header.Get("Retry-After"))
	}
	if limited.errCode() != "rate_limited" || !strings.Contains(limited.header.Get("RateLimit"), "r=0") {
		t.Fatalf("429: %s, RateLimit %q", limited.body, limited.header.Get("RateLimit"))
	}
	if r := e.do(t, "GET", "/v1/wallets", ct, nil, nil); r.status != 200 {
		t.Fatalf("the other tenant, at the same moment: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/wallets", nt, nil, nil); r.status != 429 {
		t.Fatalf("the noisy tenant again within Retry-After: %d", r.status)
	}
}

// A bounded loopback load test: workers call one tenant's route faster
// than its limit for a few seconds (OAUTH_LOAD_SECONDS, `make
// ratelimit-load` runs longer). Never more is allowed than the bucket
// admits over the run (burst + rate x duration), and no fewer than an
// ideal bucket admits given the requests as they arrived: a stack that
// stalls (a busy CI machine) lets the bucket refill past its burst, and
// that refill is lost by design, so the lower bound replays the observed
// send and answer times through a perfect GCRA and takes the lesser.
func TestRateLimitHeldUnderLoad(t *testing.T) {
	e := stack(t)
	secs := 4.0
	if v, err := strconv.ParseFloat(os.Getenv("OAUTH_LOAD_SECONDS"), 64); err == nil && v > 0 {
		secs = v
	}
	const rate, burst = 20.0, 10
	ten := tenant()
	e.setLimit(t, ten, rate, burst)
	tok := e.token(t, ten, "wallets:read")
	type call struct {
		sent, answered time.Time
		status         int
	}
	var mu sync.Mutex
	var calls []call
	start := time.Now()
	stop := start.Add(time.Duration(secs * float64(time.Second)))
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				req, _ := http.NewRequest("GET", e.api+"/v1/wallets", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				c := call{sent: time.Now()}
				resp, err := e.client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body) // drained so the connection is reused
					resp.Body.Close()
					c.status = resp.StatusCode
				}
				c.answered = time.Now()
				mu.Lock()
				calls = append(calls, c)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	var allowed, refused, other int
	sent, answered := make([]time.Time, len(calls)), make([]time.Time, len(calls))
	for i, c := range calls {
		switch c.status {
		case 200:
			allowed++
		case 429:
			refused++
		default:
			other++
		}
		sent[i], answered[i] = c.sent, c.answered
	}
	ceiling := float64(burst) + rate*elapsed
	floor := min(idealBucket(sent, rate, burst), idealBucket(answered, rate, burst))
	t.Logf("%.1f s: %d allowed, %d refused (%d other); the bucket admits at most %.0f, an ideal one on these arrivals at least %d",
		elapsed, allowed, refused, other, ceiling, floor)
	if other > 0 {
		t.Fatalf("%d requests failed otherwise", other)
	}
	if refused == 0 {
		t.Fatal("the load never exceeded the limit: the test shows nothing")
	}
	if got := float64(allowed); got > ceiling*1.05 {
		t.Fatalf("allowed %d requests; the limit admits %.0f: more than 5%% over", allowed, ceiling)
	}
	if got := float64(allowed); got < float64(floor)*0.95-1 {
		t.Fatalf("allowed %d requests; an ideal bucket on the same arrivals admits %d: more than 5%% under", allowed, floor)
	}
}

// idealBucket is how many of requests arriving at times a perfect GCRA of
// rate and burst admits.
func idealBucket(times []time.Time, rate float64, burst int) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	emission := time.Duration(float64(time.Second) / rate)
	tau := emission * time.Duration(burst)
	var tat time.Time
	n := 0
	for _, at := range ts {
		if tat.Before(at) {
			tat = at
		}
		if tat.Add(emission).Sub(at) <= tau {
			n++
			tat = tat.Add(emission)
		}
	}
	return n
}

// The guide's samples run green against the stack (curl: create, token,
// call, rotate, revoke; Go: a cached token source that honours Retry-After).
func TestAPIClientSamplesRun(t *testing.T) {
	e := stack(t)
	ten := tenant()
	admin := e.token(t, ten, "clients:write", "wallets:read")
	run := func(name string, env []string, want []string, args ...string) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), env...)
		cmd.WaitDelay = time.Minute
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s sample: %v\n%s", name, err, out)
		}
		for _, w := range want {
			if !strings.Contains(string(out), w) {
				t.Fatalf("%s sample printed no %q:\n%s", name, w, out)
			}
		}
		if strings.Contains(string(out), admin) {
			t.Fatalf("%s sample printed the token", name)
		}
	}
	run("curl", []string{"API=" + e.api, "TOKEN=" + admin},
		[]string{"created client ac_", "got a token", `: "tenant";r=`, "the old secret is refused: invalid_client", "a new token is refused: invalid_client"},
		"bash", "../portal/samples/api-clients.sh")
	c := e.createClient(t, admin, map[string]any{"name": "go-sample", "scopes": []string{"wallets:read"}})
	run("go", []string{"API=" + e.api, "CLIENT_ID=" + c.ClientID, "CLIENT_SECRET=" + c.ClientSecret},
		[]string{"GET /v1/wallets: 200", `RateLimit-Policy: "tenant";q=`, "the cached token is reused"},
		"go", "run", "../portal/samples/go/apiclients")
}
