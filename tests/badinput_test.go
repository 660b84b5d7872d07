package tests

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// Each bad request gets its documented status and code and writes nothing.
func TestBadInputMatrix(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	other := tenant()
	otherTok := e.token(t, other)
	// A wallet of another tenant, and one of ours.
	var theirs, ours walletJSON
	e.do(t, "POST", "/v1/wallets", otherTok, idem(), createBody("theirs")).json(t, &theirs)
	e.do(t, "POST", "/v1/wallets", tok, idem(), createBody("ours")).json(t, &ours)

	stranger, err := devstack.LoadIssuer(e.issuer.URL, filepath.Join(t.TempDir(), "other-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := stranger.Token(e.aud, ten, "x", []string{"wallets:write"}, time.Hour)
	expired, _ := e.issuer.Mint(map[string]any{"iss": e.issuer.URL, "aud": e.aud, "tenant": ten, "scope": "wallets:write",
		"exp": time.Now().Add(-time.Minute).Unix(), "iat": time.Now().Add(-time.Hour).Unix()})
	wrongAud, _ := e.issuer.Token("someone-else", ten, "x", []string{"wallets:write"}, time.Hour)
	notYet, _ := e.issuer.Mint(map[string]any{"iss": e.issuer.URL, "aud": e.aud, "tenant": ten, "scope": "wallets:write",
		"nbf": time.Now().Add(time.Hour).Unix(), "exp": time.Now().Add(2 * time.Hour).Unix()})
	wrongIss, _ := e.issuer.Mint(map[string]any{"iss": "https://evil.example", "aud": e.aud, "tenant": ten, "scope": "wallets:write",
		"exp": time.Now().Add(time.Hour).Unix()})
	readOnly := e.token(t, ten, "wallets:read")
	noTenant, _ := e.issuer.Mint(map[string]any{"iss": e.issuer.URL, "aud": e.aud, "scope": "wallets:write", "exp": time.Now().Add(time.Hour).Unix()})

	type tc struct {
		name   string
		method string
		path   string
		token  string
		hdr    map[string]string
		body   string
		status int
		code   string
		param  string
	}
	post := func(name, body string, status int, code, param string) tc {
		return tc{name, "POST", "/v1/wallets", tok, idem(), body, status, code, param}
	}
	big := `{"customer_ref":"x","label":"` + strings.Repeat("a", 70<<10) + `"}`
	meta := `{"customer_ref":"x","metadata":{` + strings.TrimSuffix(strings.Repeat(`"k":"v",`, 1), ",")
	for i := 0; i < 21; i++ {
		meta += `,"k` + string(rune('a'+i)) + `":"v"`
	}
	meta += `}}`
	cases := []tc{
		post("malformed JSON", `{"customer_ref":`, 400, "invalid_json", ""),
		post("not an object", `["customer_ref"]`, 400, "invalid_json", ""),
		post("trailing data", `{"customer_ref":"a"} {}`, 400, "invalid_json", ""),
		post("unknown field", `{"customer_ref":"a","amount":"5"}`, 400, "unknown_field", "amount"),
		post("duplicate field", `{"customer_ref":"a","customer_ref":"b"}`, 400, "duplicate_field", "customer_ref"),
		post("missing required field", `{"label":"x"}`, 400, "validation_failed", "customer_ref"),
		post("wrong type", `{"customer_ref":5}`, 400, "validation_failed", "customer_ref"),
		post("field too long", `{"customer_ref":"`+strings.Repeat("c", 129)+`"}`, 400, "validation_failed", "customer_ref"),
		post("non-ASCII reference", `{"customer_ref":"caf\u00e9"}`, 400, "validation_failed", "customer_ref"),
		post("too many metadata keys", meta, 400, "validation_failed", "metadata"),
		post("oversize body", big, 413, "body_too_large", ""),
		{"wrong content type", "POST", "/v1/wallets", tok, map[string]string{"Idempotency-Key": "ct-1", "Content-Type": "text/plain"}, `{"customer_ref":"a"}`, 415, "unsupported_media_type", "Content-Type"},
		{"missing Idempotency-Key", "POST", "/v1/wallets", tok, nil, `{"customer_ref":"a"}`, 400, "idempotency_key_missing", "Idempotency-Key"},
		{"Idempotency-Key with a space", "POST", "/v1/wallets", tok, map[string]string{"Idempotency-Key": "a b"}, `{"customer_ref":"a"}`, 400, "idempotency_key_invalid", "Idempotency-Key"},
		{"no token", "POST", "/v1/wallets", "", idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"token signed by another key", "POST", "/v1/wallets", forged, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"expired token", "POST", "/v1/wallets", expired, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"wrong audience", "POST", "/v1/wallets", wrongAud, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"wrong issuer", "POST", "/v1/wallets", wrongIss, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"token not yet valid", "POST", "/v1/wallets", notYet, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"garbage token", "POST", "/v1/wallets", "abc.def.ghi", idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"token without the write scope", "POST", "/v1/wallets", readOnly, idem(), `{"customer_ref":"a"}`, 403, "Forbidden", ""},
		// The local gateway refuses a token whose claims are not typed as
		// the API needs (finding 10); on AWS the function does, with
		// unauthenticated (shared/httpapi's tests).
		{"token without a tenant", "POST", "/v1/wallets", noTenant, idem(), `{"customer_ref":"a"}`, 401, "Unauthorized", ""},
		{"another tenant's wallet", "GET", "/v1/wallets/" + theirs.ID, tok, nil, "", 404, "not_found", "wallet_id"},
		{"another tenant's balances", "GET", "/v1/wallets/" + theirs.ID + "/balances", tok, nil, "", 404, "not_found", "wallet_id"},
		{"malformed wallet id", "GET", "/v1/wallets/wal_nope", tok, nil, "", 404, "not_found", "wallet_id"},
		{"limit out of range", "GET", "/v1/wallets?limit=1000", tok, nil, "", 400, "validation_failed", "limit"},
		{"limit not a number", "GET", "/v1/wallets?limit=ten", tok, nil, "", 400, "validation_failed", "limit"},
		{"forged cursor", "GET", "/v1/wallets?cursor=VEVOQU5UI290aGVy", tok, nil, "", 400, "invalid_cursor", "cursor"},
		{"unknown route", "GET", "/v1/nothing", tok, nil, "", 404, "Not Found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, beforeOther := e.footprint(t, ten), e.footprint(t, other)
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
			}
			r := e.do(t, c.method, c.path, c.token, c.hdr, body)
			if r.status != c.status || r.errCode() != c.code || r.errParam() != c.param {
				t.Fatalf("got %d %s (param %q); want %d %s (param %q)", r.status, r.body, r.errParam(), c.status, c.code, c.param)
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "application/json" {
				t.Errorf("error content type %q", r.header.Get("Content-Type"))
			}
			if strings.Contains(string(r.body), c.token) && c.token != "" {
				t.Error("response echoes the token")
			}
			if after := e.footprint(t, ten); after != before {
				t.Errorf("refused request wrote: %s -> %s", before, after)
			}
			if after := e.footprint(t, other); after != beforeOther {
				t.Errorf("refused request wrote to the other tenant: %s -> %s", beforeOther, after)
			}
		})
	}
	// The other tenant's wallet is still there for its owner.
	if r := e.do(t, "GET", "/v1/wallets/"+theirs.ID, otherTok, nil, nil); r.status != http.StatusOK {
		t.Fatalf("owner cannot read its wallet: %d", r.status)
	}
}
