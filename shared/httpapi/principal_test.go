package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// unsignedToken is a token with the given claims (the authorizer verified
// the signature; PrincipalOf reads only the claims).
func unsignedToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
}

// authorized is a request as API Gateway passes it: claims as strings, and
// the Authorization header the authorizer verified.
func authorized(passed map[string]string, claims string) Request {
	req := Request{Headers: map[string]string{"authorization": "Bearer " + unsignedToken(claims)}}
	req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: passed, Scopes: []string{"wallets:write"}}}
	return req
}

// A tenant claim that is not a string naming a tenant is refused, though
// the authorizer passes it on as one ("tenant": null as "null").
func TestFinding10_PrincipalRefusesClaimsOfTheWrongType(t *testing.T) {
	for _, c := range []struct {
		name   string
		passed map[string]string
		claims string
	}{
		{"tenant null", map[string]string{"tenant": "null", "sub": "u"}, `{"tenant":null,"sub":"u"}`},
		{"tenant number", map[string]string{"tenant": "5", "sub": "u"}, `{"tenant":5,"sub":"u"}`},
		{"tenant true", map[string]string{"tenant": "true", "sub": "u"}, `{"tenant":true,"sub":"u"}`},
		{"tenant array", map[string]string{"tenant": "acme", "sub": "u"}, `{"tenant":["acme"],"sub":"u"}`},
		{"tenant object", map[string]string{"tenant": "acme", "sub": "u"}, `{"tenant":{"id":"acme"},"sub":"u"}`},
		{"tenant with #", map[string]string{"tenant": "acme#x", "sub": "u"}, `{"tenant":"acme#x","sub":"u"}`},
		{"platform tenant", map[string]string{"tenant": "~platform", "sub": "u"}, `{"tenant":"~platform","sub":"u"}`},
		{"no tenant", map[string]string{"sub": "u"}, `{"sub":"u"}`},
		{"sub null", map[string]string{"tenant": "acme", "sub": "null"}, `{"tenant":"acme","sub":null}`},
		{"sub number", map[string]string{"tenant": "acme", "sub": "7"}, `{"tenant":"acme","sub":7}`},
		{"scope array", map[string]string{"tenant": "acme", "sub": "u", "scope": "[a b]"}, `{"tenant":"acme","sub":"u","scope":["a","b"]}`},
		{"scp of numbers", map[string]string{"tenant": "acme", "sub": "u"}, `{"tenant":"acme","sub":"u","scp":[1,2]}`},
		{"token disagrees with the claims passed", map[string]string{"tenant": "acme", "sub": "u"}, `{"tenant":"other","sub":"u"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := PrincipalOf(authorized(c.passed, c.claims))
			if !errors.Is(err, sg.ErrUnauthenticated) {
				t.Fatalf("PrincipalOf = %+v, %v; want unauthenticated", p, err)
			}
		})
	}
	t.Run("accepts a string tenant", func(t *testing.T) {
		p, err := PrincipalOf(authorized(map[string]string{"tenant": "acme", "sub": "u"}, `{"tenant":"acme","sub":"u","scope":"wallets:write","iat":1700000000}`))
		if err != nil || p.TenantID != "acme" || p.Subject != "u" {
			t.Fatalf("PrincipalOf = %+v, %v", p, err)
		}
	})
}

// CheckClaims is the one check of a verified token's claims the gateway,
// the WebSocket $connect and the functions share.
func TestFinding10_CheckClaims(t *testing.T) {
	for claims, ok := range map[string]bool{
		`{"tenant":"acme","sub":"u","scope":"a b"}`:    true,
		`{"tenant":"acme","scp":["a","b"]}`:            true,
		`{"tenant":"null"}`:                            true,
		`{"tenant":null}`:                              false,
		`{"tenant":12}`:                                false,
		`{"tenant":""}`:                                false,
		`{"tenant":"acme#x"}`:                          false,
		`{"tenant":"~platform"}`:                       false,
		`{"tenant":"acme","sub":["u"]}`:                false,
		`{"tenant":"acme","scope":{"a":1}}`:            false,
		`{"tenant":"acme","iat":"yesterday"}`:          false,
		`{"tenant":"` + strings.Repeat("a", 65) + `"}`: false,
	} {
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(claims))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("%s: %v", claims, err)
		}
		if err := CheckClaims(m); (err == nil) != ok {
			t.Errorf("CheckClaims(%s) = %v; want ok %v", claims, err, ok)
		}
	}
}
