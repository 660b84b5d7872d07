// Package oauthapi serves API clients (/v1/api-clients), the token
// endpoint (POST /oauth/token), the issuer's key set and discovery
// document, and the platform's per-tenant rate limits, in the shapes of
// infra/openapi.yaml. The rules live in shared/oauth.
package oauthapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/oauth"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Scopes of the routes. Creating a client hands out scopes, so it is a
// tenant admin's act: it needs clients:write, and a client can only get
// scopes the caller holds itself.
const (
	ScopeWrite         = "clients:write"
	ScopeRead          = "clients:read"
	ScopePlatformAdmin = "platform:admin"
)

// Handlers serve the routes.
type Handlers struct {
	Svc    *oauth.Service
	Limits sg.RateLimitConfigs
}

// Client is an API client as the API shows it (never its secret or hash).
type Client struct {
	ClientID     string          `json:"client_id"`
	Name         string          `json:"name"`
	Scopes       []string        `json:"scopes"`
	IPAllow      []string        `json:"ip_allow"`
	ExpiresAt    *string         `json:"expires_at,omitempty"`
	PublicJWK    json.RawMessage `json:"public_jwk,omitempty"`
	Status       string          `json:"status"`
	CreatedBy    string          `json:"created_by"`
	CreatedAt    string          `json:"created_at"`
	RotatedAt    *string         `json:"rotated_at,omitempty"`
	RevokedAt    *string         `json:"revoked_at,omitempty"`
	ClientSecret string          `json:"client_secret,omitempty"`
}

func ts(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func view(c sg.APIClient) Client {
	v := Client{ClientID: c.ID, Name: c.Name, Scopes: c.Scopes, IPAllow: c.IPAllow, ExpiresAt: ts(c.ExpiresAt), PublicJWK: c.PublicJWK,
		Status: string(c.Status), CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), RotatedAt: ts(c.RotatedAt),
		RevokedAt: ts(c.RevokedAt)}
	if v.Scopes == nil {
		v.Scopes = []string{}
	}
	if v.IPAllow == nil {
		v.IPAllow = []string{}
	}
	return v
}

// CreateRequest is the body of POST /v1/api-clients.
type CreateRequest struct {
	Name      string          `json:"name" validate:"required,max=100"`
	Scopes    []string        `json:"scopes" validate:"required,min=1,max=50"`
	IPAllow   []string        `json:"ip_allow,omitempty" validate:"max=20"`
	ExpiresAt *time.Time      `json:"expires_at,omitempty"`
	PublicJWK json.RawMessage `json:"public_jwk,omitempty"`
}

// Serve dispatches on the route (one function serves every route).
func (h Handlers) Serve(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	switch req.RouteKey {
	case "POST /v1/api-clients":
		return h.Create(ctx, req)
	case "GET /v1/api-clients":
		return h.List(ctx, req)
	case "GET /v1/api-clients/{client_id}":
		return h.Get(ctx, req)
	case "POST /v1/api-clients/{client_id}/rotate":
		return h.Rotate(ctx, req)
	case "POST /v1/api-clients/{client_id}/revoke":
		return h.Revoke(ctx, req)
	case "PUT /v1/platform/rate-limits/{tenant}":
		return h.PutRateLimit(ctx, req)
	case "POST /oauth/token":
		return h.Token(ctx, req), nil
	case "GET /.well-known/jwks.json":
		return h.JWKS(ctx, req)
	case "GET /.well-known/openid-configuration":
		return h.Discovery(ctx, req)
	}
	return httpapi.Response{}, sg.ErrNotFound
}

func principal(req httpapi.Request, scope string) (httpapi.Principal, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return p, err
	}
	if !p.Has(scope) {
		return p, sg.ErrForbidden
	}
	return p, nil
}

// Create makes a client and shows its secret once. A replay of the same
// Idempotency-Key answers the first answer without the secret (it is
// stored nowhere); a client that lost it rotates the secret.
func (h Handlers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !p.Has(ScopeWrite) {
		return httpapi.Response{}, sg.ErrForbidden
	}
	in := oauth.CreateInput{TenantID: p.TenantID, Creator: p.Subject, CreatorScopes: p.Scopes, Name: body.Name, Scopes: body.Scopes,
		IPAllow: body.IPAllow, ExpiresAt: body.ExpiresAt, PublicJWK: body.PublicJWK, IdemKey: key,
		RequestHash: httpapi.RequestHash(oauth.OpCreateClient, body)}
	out, err := h.Svc.Create(ctx, in, func(c sg.APIClient) (int, []byte) {
		b, _ := json.Marshal(view(c))
		return 201, b
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	if out.Replay != nil {
		return httpapi.Replay(*out.Replay), nil
	}
	v := view(out.Client)
	v.ClientSecret = out.Secret
	return httpapi.JSON(201, v), nil
}

// List lists the tenant's clients.
func (h Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := principal(req, ScopeRead)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, err := h.Svc.List(ctx, p.TenantID, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := make([]Client, len(cs))
	for i, c := range cs {
		out[i] = view(c)
	}
	return httpapi.JSON(200, map[string]any{"data": out}), nil
}

// clientID reads the path's client id; another tenant's is not found.
func clientID(req httpapi.Request, p httpapi.Principal) (string, error) {
	id := req.PathParameters["client_id"]
	if sg.APIClientTenant(id) != p.TenantID {
		return "", sg.ErrAPIClientNotFound
	}
	return id, nil
}

// clientRoute reads the principal (with scope) and the path's client id.
func clientRoute(req httpapi.Request, scope string) (httpapi.Principal, string, error) {
	p, err := principal(req, scope)
	if err != nil {
		return p, "", err
	}
	id, err := clientID(req, p)
	return p, id, err
}

// Get reads one client.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := clientRoute(req, ScopeRead)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Get(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(200, view(c)), nil
}

// Rotate gives the client a new secret, shown once; the old one stops working.
func (h Handlers) Rotate(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := clientRoute(req, ScopeWrite)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, secret, err := h.Svc.Rotate(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	v := view(c)
	v.ClientSecret = secret
	return httpapi.JSON(200, v), nil
}

// Revoke revokes the client (no new tokens; issued ones expire within 15 minutes).
func (h Handlers) Revoke(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := clientRoute(req, ScopeWrite)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Revoke(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(200, view(c)), nil
}

// RateLimitRequest is the body of PUT /v1/platform/rate-limits/{tenant}.
type RateLimitRequest struct {
	Rate  json.Number `json:"rate" validate:"required"`
	Burst int         `json:"burst" validate:"required,min=1,max=100000"`
}

// PutRateLimit sets a tenant's rate limit (platform admins only). It
// applies to each of the tenant's callers (each API client, and the
// tenant's user tokens together) within a minute (functions cache it).
func (h Handlers) PutRateLimit(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, err := principal(req, ScopePlatformAdmin); err != nil {
		return httpapi.Response{}, err
	}
	tenant := req.PathParameters["tenant"]
	if !httpapi.ValidTenant(tenant) {
		return httpapi.Response{}, sg.ErrValidation.WithParam("tenant").WithMessage("not a tenant name")
	}
	var body RateLimitRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	r, err := strconv.ParseFloat(body.Rate.String(), 64)
	if err != nil || r < 0.001 || r > 100000 || math.IsNaN(r) {
		return httpapi.Response{}, sg.ErrValidation.WithParam("rate").WithMessage("rate is requests per second, 0.001 to 100000")
	}
	if err := h.Limits.PutTenantRateLimit(ctx, tenant, sg.RateLimit{Rate: r, Burst: body.Burst}); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(200, map[string]any{"tenant": tenant, "rate": body.Rate, "burst": body.Burst}), nil
}

// Token is POST /oauth/token: RFC 6749's token endpoint for the client
// credentials grant. It answers in RFC 6749's shapes, never the API's
// error body: {"access_token","token_type","expires_in","scope"} or
// {"error","error_description"}, with Cache-Control: no-store.
func (h Handlers) Token(ctx context.Context, req httpapi.Request) httpapi.Response {
	if ct, _ := httpapi.Header(req, "content-type"); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/x-www-form-urlencoded") {
		return oauthError(&oauth.Error{Code: "invalid_request", Description: "the body must be application/x-www-form-urlencoded", Status: 400}, false)
	}
	body := req.Body
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return oauthError(&oauth.Error{Code: "invalid_request", Description: "unreadable body", Status: 400}, false)
		}
		body = string(b)
	}
	if len(body) > 64<<10 {
		return oauthError(&oauth.Error{Code: "invalid_request", Description: "the body is too large", Status: 400}, false)
	}
	form, err := url.ParseQuery(body)
	if err != nil {
		return oauthError(&oauth.Error{Code: "invalid_request", Description: "the body is not a form", Status: 400}, false)
	}
	for k, v := range form { // RFC 6749 section 3.2: parameters must not repeat
		if len(v) > 1 {
			return oauthError(&oauth.Error{Code: "invalid_request", Description: "parameter " + k + " is repeated", Status: 400}, false)
		}
	}
	tr := oauth.TokenRequest{GrantType: form.Get("grant_type"), Scope: form.Get("scope"), SourceIP: req.RequestContext.HTTP.SourceIP}
	auth, hasBasic := httpapi.Header(req, "authorization")
	hasBasic = hasBasic && len(auth) > 6 && strings.EqualFold(auth[:6], "basic ")
	methods := 0
	if hasBasic {
		methods++
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(auth[6:]))
		id, secret, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok {
			return oauthError(&oauth.Error{Code: "invalid_client", Description: "malformed Basic credentials", Status: 401}, true)
		}
		// RFC 6749 section 2.3.1: both parts are form-encoded first.
		if tr.ClientID, err = url.QueryUnescape(id); err != nil {
			return oauthError(&oauth.Error{Code: "invalid_client", Description: "malformed Basic credentials", Status: 401}, true)
		}
		if tr.Secret, err = url.QueryUnescape(secret); err != nil {
			return oauthError(&oauth.Error{Code: "invalid_client", Description: "malformed Basic credentials", Status: 401}, true)
		}
		tr.Method = oauth.AuthSecretBasic
	}
	if form.Has("client_secret") {
		methods++
		tr.ClientID, tr.Secret, tr.Method = form.Get("client_id"), form.Get("client_secret"), oauth.AuthSecretPost
	}
	if form.Has("client_assertion") {
		methods++
		if form.Get("client_assertion_type") != oauth.AssertionType {
			return oauthError(&oauth.Error{Code: "invalid_request", Description: "client_assertion_type must be " + oauth.AssertionType, Status: 400}, false)
		}
		tr.Assertion, tr.Method = form.Get("client_assertion"), oauth.AuthPrivateKeyJWT
		tr.ClientID = form.Get("client_id")
		if tr.ClientID == "" {
			tr.ClientID = assertionSubject(tr.Assertion)
		}
	}
	if methods != 1 {
		return oauthError(&oauth.Error{Code: "invalid_client", Description: "authenticate the client with exactly one method", Status: 401}, hasBasic)
	}
	if hasBasic && form.Has("client_id") && form.Get("client_id") != tr.ClientID {
		return oauthError(&oauth.Error{Code: "invalid_request", Description: "client_id differs from the Basic credentials", Status: 400}, false)
	}
	tok, err := h.Svc.Issue(ctx, tr)
	var oe *oauth.Error
	if errors.As(err, &oe) {
		return oauthError(oe, hasBasic)
	}
	if err != nil {
		// A fault of ours: the API's error body, logged, without detail.
		return httpapi.Fail(ctx, req, err)
	}
	httpapi.Logger(ctx).Info("token issued", "client_id", tr.ClientID, "jti", tok.JTI, "auth", tr.Method)
	r := httpapi.JSON(200, map[string]any{"access_token": tok.AccessToken, "token_type": "Bearer", "expires_in": tok.ExpiresIn, "scope": tok.Scope})
	r.Headers["pragma"] = "no-cache"
	return r
}

// assertionSubject reads an unverified assertion's sub, only to find the
// client whose key then verifies it.
func assertionSubject(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(b, &c) // an unreadable assertion fails verification later
	return c.Sub
}

func oauthError(e *oauth.Error, basic bool) httpapi.Response {
	r := httpapi.JSON(e.Status, map[string]string{"error": e.Code, "error_description": e.Description})
	r.Headers["pragma"] = "no-cache"
	if e.Status == 401 {
		// RFC 6749 section 5.2: a client that tried Basic is told so.
		if basic {
			r.Headers["www-authenticate"] = `Basic realm="stablegate"`
		} else {
			r.Headers["www-authenticate"] = `Bearer realm="stablegate"`
		}
	}
	return r
}

// JWKS publishes the issuer's public key set.
func (h Handlers) JWKS(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	set, err := h.Svc.JWKS(ctx)
	if err != nil {
		return httpapi.Response{}, sg.ErrUnavailable.Because("oauthapi.JWKS", err)
	}
	r := httpapi.JSON(200, set)
	r.Headers["cache-control"] = "public, max-age=300"
	return r, nil
}

// Discovery publishes the OpenID Provider metadata.
func (h Handlers) Discovery(_ context.Context, _ httpapi.Request) (httpapi.Response, error) {
	r := httpapi.JSON(200, h.Svc.Discovery())
	r.Headers["cache-control"] = "public, max-age=300"
	return r, nil
}
