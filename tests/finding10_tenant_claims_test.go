package tests

import (
	"testing"
	"time"
)

// A verified token whose tenant claim is not a string naming a tenant is
// refused at the edge, over HTTP and at the WebSocket $connect: null and 5
// used to become the tenants "null" and "5", and $connect accepted
// "acme#x" and the platform's "~platform".
func TestFinding10_TenantClaimsMustBeTenantNames(t *testing.T) {
	e := stack(t)
	mint := func(t *testing.T, tenant any) string {
		t.Helper()
		tok, err := e.issuer.Mint(map[string]any{"iss": e.issuer.URL, "aud": e.aud, "sub": "test-user", "tenant": tenant,
			"scope": "wallets:read wallets:write transfers:read", "exp": time.Now().Add(10 * time.Minute).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The tenant named "null" is a tenant like any other, and has a wallet.
	named := e.token(t, "null", "wallets:read", "wallets:write")
	if r := e.do(t, "POST", "/v1/wallets", named, idem(), createBody("null's")); r.status != 201 {
		t.Fatalf("the tenant \"null\" creates a wallet: %d %s", r.status, r.body)
	}
	for name, tenant := range map[string]any{
		"null": nil, "a number": 5, "a boolean": true, "an array": []string{"acme"}, "an object": map[string]string{"id": "acme"},
		"a name with #": "acme#x", "the platform's": "~platform", "empty": "",
	} {
		t.Run("HTTP refuses a tenant claim that is "+name, func(t *testing.T) {
			tok := mint(t, tenant)
			if r := e.do(t, "GET", "/v1/wallets", tok, nil, nil); r.status != 401 {
				t.Fatalf("list wallets: %d %s; want 401", r.status, r.body)
			}
			if r := e.do(t, "POST", "/v1/wallets", tok, idem(), createBody("x")); r.status != 401 {
				t.Fatalf("create a wallet: %d %s; want 401", r.status, r.body)
			}
		})
		t.Run("WebSocket refuses a tenant claim that is "+name, func(t *testing.T) {
			c, resp, err := dialLive(t, mint(t, tenant))
			if err == nil {
				_ = c.CloseNow()
			}
			if err == nil || resp == nil || resp.StatusCode != 401 {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				t.Fatalf("$connect: status %d, %v; want 401", status, err)
			}
		})
	}
	c, _, err := dialLive(t, mint(t, "null"))
	if err != nil {
		t.Fatalf("$connect for the tenant named \"null\": %v", err)
	}
	_ = c.CloseNow()
}
