package httpapi

import (
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
	if !validTenant(p.TenantID) {
		return Principal{}, sg.ErrUnauthenticated
	}
	return p, nil
}

func validTenant(s string) bool {
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
