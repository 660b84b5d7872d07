package oauth

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Error is a token endpoint refusal in RFC 6749 section 5.2's terms.
type Error struct {
	Code        string // invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope
	Description string // safe to show; never holds a credential
	Status      int    // 400, or 401 for invalid_client
}

func (e *Error) Error() string { return "oauth: " + e.Code + ": " + e.Description }

func refuse(code, desc string) *Error {
	st := 400
	if code == "invalid_client" {
		st = 401
	}
	return &Error{Code: code, Description: desc, Status: st}
}

// The client's authentication methods.
const (
	AuthSecretBasic   = "client_secret_basic"
	AuthSecretPost    = "client_secret_post"
	AuthPrivateKeyJWT = "private_key_jwt"
)

// AssertionType is RFC 7523's client_assertion_type.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// TokenRequest is a client credentials request, as the handler read it.
type TokenRequest struct {
	GrantType string
	Scope     string // space separated; "" asks for all the client's scopes
	Method    string // one of the Auth* methods
	ClientID  string
	Secret    string
	Assertion string // for private_key_jwt
	SourceIP  string
}

// Token is an issued access token.
type Token struct {
	AccessToken string
	ExpiresIn   int
	Scope       string
	JTI         string
}

// clientFailure is the one answer to any client that fails to
// authenticate (unknown id, wrong secret, revoked, expired, wrong
// network): telling them apart would help an attacker, not the client.
var clientFailure = refuse("invalid_client", "client authentication failed")

// Issue runs the client credentials grant. Every refusal is an *Error;
// other errors are faults (the handler answers 500 or 503).
func (s *Service) Issue(ctx context.Context, r TokenRequest) (Token, error) {
	if r.GrantType != "client_credentials" {
		if r.GrantType == "" {
			return Token{}, refuse("invalid_request", "grant_type is required")
		}
		return Token{}, refuse("unsupported_grant_type", "only client_credentials is supported")
	}
	tenant := sg.APIClientTenant(r.ClientID)
	if tenant == "" {
		return Token{}, clientFailure
	}
	c, err := s.Store.Client(ctx, tenant, r.ClientID)
	if errors.Is(err, sg.ErrAPIClientNotFound) {
		return Token{}, clientFailure
	}
	if err != nil {
		return Token{}, err
	}
	now := s.Now()
	if c.Status != sg.APIClientActive || c.ExpiresAt != nil && !now.Before(*c.ExpiresAt) || !sg.IPAllowed(c.IPAllow, r.SourceIP) {
		return Token{}, clientFailure
	}
	switch r.Method {
	case AuthSecretBasic, AuthSecretPost:
		if len(c.SecretHash) == 0 || !hmac.Equal(hashSecret(c.SecretSalt, r.Secret), c.SecretHash) {
			return Token{}, clientFailure
		}
	case AuthPrivateKeyJWT:
		if err := s.checkAssertion(ctx, c, r.Assertion, now); err != nil {
			return Token{}, err
		}
	default:
		return Token{}, clientFailure
	}
	scopes := c.Scopes
	if r.Scope != "" {
		scopes = dedupe(strings.Fields(r.Scope))
		for _, sc := range scopes {
			if !slices.Contains(c.Scopes, sc) {
				return Token{}, refuse("invalid_scope", "the client may not ask for scope "+quoteSafe(sc))
			}
		}
	}
	exp := now.Add(TokenTTL)
	if c.ExpiresAt != nil && c.ExpiresAt.Before(exp) {
		exp = *c.ExpiresAt
	}
	jtiRaw := make([]byte, 16)
	s.read(jtiRaw)
	jti := hex.EncodeToString(jtiRaw)
	scope := strings.Join(scopes, " ")
	claims := map[string]any{
		"iss": s.Issuer, "aud": s.Audience, "sub": c.ID, "client_id": c.ID, "tenant": c.TenantID, "scope": scope,
		"jti": jti, "iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
	}
	// The allow list travels in the token, so every route (httpapi.Wrap)
	// and the WebSocket $connect refuse it from elsewhere: a stolen token
	// is no use outside the client's networks. A list changed later binds
	// new tokens; issued ones keep theirs until they expire (TokenTTL).
	if len(c.IPAllow) > 0 {
		claims[sg.IPAllowClaim] = strings.Join(c.IPAllow, " ")
	}
	tok, err := s.Signer.Sign(ctx, claims)
	if err != nil {
		return Token{}, err
	}
	// The journal is written before the token is handed out: a token the
	// audit trail does not know is never issued.
	if err := s.Store.RecordGrant(ctx, sg.TokenGrant{TenantID: c.TenantID, JTI: jti, ClientID: c.ID, Scopes: scopes, SourceIP: r.SourceIP,
		AuthBy: r.Method, IssuedAt: now, ExpiresAt: exp}); err != nil {
		return Token{}, err
	}
	return Token{AccessToken: tok, ExpiresIn: int(exp.Sub(now) / time.Second), Scope: scope, JTI: jti}, nil
}

// quoteSafe shows at most 64 printable characters of a requested scope.
func quoteSafe(s string) string {
	b := []byte{}
	for i := 0; i < len(s) && len(b) < 64; i++ {
		if s[i] >= 0x21 && s[i] <= 0x7e && s[i] != '"' && s[i] != '\\' {
			b = append(b, s[i])
		}
	}
	return `"` + string(b) + `"`
}

// checkAssertion verifies a private_key_jwt client assertion (RFC 7523
// section 3): signed by the client's registered key, iss and sub the
// client id, aud the token endpoint (or the issuer), exp present and at
// most MaxAssertionTTL ahead, and a jti never used before.
func (s *Service) checkAssertion(ctx context.Context, c sg.APIClient, assertion string, now time.Time) error {
	if len(c.PublicJWK) == 0 || assertion == "" {
		return clientFailure
	}
	key, err := parseJWK(c.PublicJWK)
	if err != nil {
		return clientFailure
	}
	claims := gjwt.MapClaims{}
	p := gjwt.NewParser(gjwt.WithValidMethods([]string{"ES256", "RS256", "PS256"}), gjwt.WithIssuer(c.ID), gjwt.WithSubject(c.ID),
		gjwt.WithExpirationRequired(), gjwt.WithTimeFunc(func() time.Time { return now }), gjwt.WithLeeway(30*time.Second))
	if _, err := p.ParseWithClaims(assertion, claims, func(*gjwt.Token) (any, error) { return key, nil }); err != nil {
		return clientFailure
	}
	aud, _ := claims.GetAudience()
	if !slices.Contains(aud, s.TokenEndpoint()) && !slices.Contains(aud, s.Issuer) {
		return clientFailure
	}
	exp, _ := claims.GetExpirationTime()
	if exp == nil || exp.Sub(now) > MaxAssertionTTL {
		return refuse("invalid_client", "the client assertion must expire within 5 minutes")
	}
	jti, _ := claims["jti"].(string)
	if jti == "" || len(jti) > 200 {
		return refuse("invalid_client", "the client assertion needs a jti")
	}
	fresh, err := s.Store.UseAssertion(ctx, c.TenantID, c.ID, jti, exp.Time)
	if err != nil {
		return err
	}
	if !fresh {
		return refuse("invalid_client", "the client assertion was used before")
	}
	return nil
}

// JWKS is the issuer's key set document.
func (s *Service) JWKS(ctx context.Context) (map[string]any, error) {
	k, err := s.Signer.JWK(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"keys": []map[string]string{k}}, nil
}

// Discovery is the issuer's OpenID Provider metadata (the parts that apply
// to a client credentials issuer).
func (s *Service) Discovery() map[string]any {
	iss := strings.TrimRight(s.Issuer, "/")
	return map[string]any{
		"issuer": s.Issuer, "jwks_uri": iss + "/.well-known/jwks.json", "token_endpoint": s.TokenEndpoint(),
		"grant_types_supported":                            []string{"client_credentials"},
		"token_endpoint_auth_methods_supported":            []string{AuthSecretBasic, AuthSecretPost, AuthPrivateKeyJWT},
		"token_endpoint_auth_signing_alg_values_supported": []string{"ES256", "RS256", "PS256"},
		"id_token_signing_alg_values_supported":            []string{"ES256"},
		"response_types_supported":                         []string{"token"},
		"subject_types_supported":                          []string{"public"},
	}
}
