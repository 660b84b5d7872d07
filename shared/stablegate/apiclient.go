package stablegate

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// APIClient is a machine identity of a tenant: it trades its credentials at
// POST /oauth/token (OAuth 2.0 client credentials) for a short-lived token
// carrying at most Scopes. Its secret is never stored: SecretHash holds a
// salted SHA-256 of it (see shared/oauth). A client may instead (or as
// well) authenticate with a JWT signed by the key of its PublicJWK
// (private_key_jwt, RFC 7523).
type APIClient struct {
	ID         string
	TenantID   string
	Name       string
	Scopes     []string
	IPAllow    []string   // CIDRs the client and its tokens may be used from (IPAllowClaim); none: any
	ExpiresAt  *time.Time // the client stops working then; nil: never
	SecretSalt []byte
	SecretHash []byte
	PublicJWK  []byte // the registered public JWK for private_key_jwt (JSON), or nil
	Status     APIClientStatus
	CreatedBy  string
	CreatedAt  time.Time
	RotatedAt  *time.Time
	RevokedAt  *time.Time
	Version    int64
}

// APIClientStatus is active or revoked (final).
type APIClientStatus string

// The statuses of an API client.
const (
	APIClientActive  APIClientStatus = "active"
	APIClientRevoked APIClientStatus = "revoked"
)

// APIClientTenant returns the tenant a client id belongs to: ids are
// "ac_<random>.<tenant>", so the token endpoint finds the client with one
// read in its tenant's partition. "" if id is not a client id.
func APIClientTenant(id string) string {
	rest, ok := strings.CutPrefix(id, "ac_")
	if !ok {
		return ""
	}
	_, t, ok := strings.Cut(rest, ".")
	if !ok {
		return ""
	}
	return t
}

// TokenGrant is the audit record of one issued token (its jti).
type TokenGrant struct {
	TenantID  string
	JTI       string
	ClientID  string
	Scopes    []string
	SourceIP  string
	AuthBy    string // client_secret_basic, client_secret_post or private_key_jwt
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// APIClientStore keeps API clients and the journal of issued tokens.
type APIClientStore interface {
	// CreateClient stores a new client with the first answer of its
	// creation request in one write; ErrIdempotencyInProgress if the key is taken.
	CreateClient(ctx context.Context, c APIClient, idem Idempotency) error
	// Client reads a tenant's client; ErrAPIClientNotFound if none.
	Client(ctx context.Context, tenant, id string) (APIClient, error)
	// Clients lists a tenant's clients, newest first, at most limit.
	Clients(ctx context.Context, tenant string, limit int) ([]APIClient, error)
	// UpdateClient writes c if the stored version is c.Version-1;
	// ErrAPIClientChanged otherwise.
	UpdateClient(ctx context.Context, c APIClient) error
	// Idempotency reads a live idempotency record or returns ErrNotFound.
	Idempotency(ctx context.Context, tenant, op, key string) (Idempotency, error)
	// RecordGrant journals an issued token.
	RecordGrant(ctx context.Context, g TokenGrant) error
	// UseAssertion records a client assertion's jti until exp; false if it
	// was used before (a replayed private_key_jwt assertion).
	UseAssertion(ctx context.Context, tenant, clientID, jti string, exp time.Time) (bool, error)
}

// RateLimit is a token bucket's shape: Rate requests per second on average,
// bursts of up to Burst.
type RateLimit struct {
	Rate  float64
	Burst int
}

// RateDecision is the answer of one Take.
type RateDecision struct {
	Allowed   bool
	Limit     int           // the burst (the bucket's size)
	Remaining int           // whole requests left in the bucket after this one
	Reset     time.Duration // until the bucket is full again
	RetryIn   time.Duration // when refused: until one request would be allowed
}

// RateLimiter takes one request from the bucket named key.
type RateLimiter interface {
	Take(ctx context.Context, key string, l RateLimit, now time.Time) (RateDecision, error)
}

// RateLimitConfigs keeps per-tenant rate limits set by the platform.
type RateLimitConfigs interface {
	// TenantRateLimit returns the tenant's limit; ok false if it has none of its own.
	TenantRateLimit(ctx context.Context, tenant string) (RateLimit, bool, error)
	PutTenantRateLimit(ctx context.Context, tenant string, l RateLimit) error
}

// API client and token refusals.
var (
	// ErrAPIClientNotFound: no such client for this tenant.
	ErrAPIClientNotFound = &Error{Kind: KindNotFound, Code: "api_client_not_found", Message: "no such API client"}
	// ErrAPIClientRevoked: the client was revoked; it can no longer be changed.
	ErrAPIClientRevoked = &Error{Kind: KindConflict, Code: "api_client_revoked", Message: "the API client is revoked"}
	// ErrScopeNotHeld: a client may only be given scopes its creator holds.
	ErrScopeNotHeld = &Error{Kind: KindForbidden, Code: "scope_not_held", Message: "a client can only be given scopes the caller holds", Param: "scopes"}
	// ErrAPIClientChanged: the client changed while this request ran; retry.
	ErrAPIClientChanged = &Error{Kind: KindUnavailable, Code: "api_client_changed", Message: "the API client changed meanwhile; retry"}
	// ErrRateLimited: the caller is over its rate limit; retry after Retry-After.
	ErrRateLimited = &Error{Kind: KindTooMany, Code: "rate_limited", Message: "too many requests; retry after the time in Retry-After"}
	// ErrIPNotAllowed: the token's client has an IP allow list, and the
	// request came from outside it (a token used away from its client).
	ErrIPNotAllowed = &Error{Kind: KindForbidden, Code: "ip_not_allowed", Message: "this token may not be used from the network the request came from"}
)

// IPAllowClaim is the claim of an issued token that carries its client's
// IP allow list: the networks in CIDR notation, separated by spaces (a
// string, so API Gateway's JWT authorizer passes it on unchanged). A token
// without it may be used from anywhere.
const IPAllowClaim = "ip_allow"

// IPAllowed reports whether ip is inside one of the networks of allow (CIDR
// notation); an empty list allows every address. An address that does not
// parse, or a list holding an entry that does not, allows nothing: the
// check fails closed.
func IPAllowed(allow []string, ip string) bool {
	if len(allow) == 0 {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	in := false
	for _, p := range allow {
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return false
		}
		in = in || pr.Contains(a)
	}
	return in
}
