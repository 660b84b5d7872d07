package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TenantClaim is the JWT claim that names the tenant (merchant) a token acts for.
const TenantClaim = "tenant"

// Principal is who calls: the tenant, the token's subject and its scopes.
type Principal struct {
	TenantID string
	Subject  string
	Scopes   []string
}

// PrincipalOf reads the principal from the JWT authorizer's context. API
// Gateway has already verified the token's signature, issuer, audience,
// expiry and the route's scopes; a request without claims never came through
// the authorizer and is refused.
//
// The authorizer passes every claim as a string ("tenant": null arrives as
// "null", 5 as "5"), so the types are checked on the token itself: the
// Authorization header the authorizer verified. A tenant, subject or scope
// claim of the wrong type, or one that differs from what the authorizer
// passed, is refused.
func PrincipalOf(req Request) (Principal, error) {
	a := req.RequestContext.Authorizer
	if a == nil || a.JWT == nil || a.JWT.Claims == nil {
		return Principal{}, sg.ErrUnauthenticated
	}
	c := a.JWT.Claims
	p := Principal{TenantID: c[TenantClaim], Subject: c["sub"], Scopes: a.JWT.Scopes}
	if len(p.Scopes) == 0 && c["scope"] != "" {
		p.Scopes = strings.Fields(c["scope"])
	}
	if !ValidTenant(p.TenantID) {
		return Principal{}, sg.ErrUnauthenticated
	}
	if auth, ok := Header(req, "authorization"); ok {
		raw, err := tokenClaims(auth)
		if err != nil || CheckClaims(raw) != nil {
			return Principal{}, sg.ErrUnauthenticated
		}
		if raw[TenantClaim] != p.TenantID || raw["sub"] != nil && raw["sub"] != p.Subject {
			return Principal{}, sg.ErrUnauthenticated
		}
	}
	return p, nil
}

// tokenClaims reads the claims of a bearer token without verifying it (the
// authorizer did).
func tokenClaims(auth string) (map[string]any, error) {
	tok := strings.TrimSpace(auth)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, sg.ErrUnauthenticated
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, sg.ErrUnauthenticated
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var claims map[string]any
	if err := d.Decode(&claims); err != nil || claims == nil {
		return nil, sg.ErrUnauthenticated
	}
	return claims, nil
}

// CheckClaims checks the types of a verified token's claims: tenant must be
// a string naming a tenant (ValidTenant), sub a string if present, scope a
// string and scp a string or an array of strings if present, iat a number
// if present. Other claims are not read. The local gateway, the WebSocket
// $connect and PrincipalOf all refuse a token that fails it, so a tenant
// claim of null, 5 or ["acme"] never becomes the tenant "null", "5" or
// "[acme]".
func CheckClaims(claims map[string]any) error {
	t, ok := claims[TenantClaim].(string)
	if !ok || !ValidTenant(t) {
		return sg.ErrUnauthenticated.WithMessage("the token's tenant claim must be a tenant name")
	}
	if v, ok := claims["sub"]; ok {
		if _, isStr := v.(string); !isStr {
			return sg.ErrUnauthenticated.WithMessage("the token's sub claim must be a string")
		}
	}
	if v, ok := claims["scope"]; ok {
		if _, isStr := v.(string); !isStr {
			return sg.ErrUnauthenticated.WithMessage("the token's scope claim must be a string")
		}
	}
	if v, ok := claims["scp"]; ok {
		switch x := v.(type) {
		case string:
		case []any:
			for _, e := range x {
				if _, isStr := e.(string); !isStr {
					return sg.ErrUnauthenticated.WithMessage("the token's scp claim must hold strings")
				}
			}
		default:
			return sg.ErrUnauthenticated.WithMessage("the token's scp claim must be a string or an array of strings")
		}
	}
	if v, ok := claims["iat"]; ok {
		if _, isNum := v.(json.Number); !isNum {
			if _, isFloat := v.(float64); !isFloat {
				return sg.ErrUnauthenticated.WithMessage("the token's iat claim must be a number")
			}
		}
	}
	return nil
}

// ValidTenant reports whether s is a tenant name: 1 to 64 ASCII letters,
// digits, '-' and '_' (so never the platform's own "~platform", nor a name
// holding the '#' that separates key parts).
func ValidTenant(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Has reports whether the principal holds scope.
func (p Principal) Has(scope string) bool {
	for _, s := range p.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}
