// Package oauth is the platform's own OAuth 2.0 authorization server for
// machines: tenants' API clients (created, listed, rotated, revoked) and the
// client credentials grant (RFC 6749 section 4.4) that trades a client's
// credentials for a short-lived JWT signed by a KMS key. Clients
// authenticate with their secret (client_secret_basic or client_secret_post)
// or with a JWT signed by their own key (private_key_jwt, RFC 7523 and
// OpenID Connect Core section 9).
//
// Secrets are 256 random bits and are stored only as HMAC-SHA256 under a
// random per-client salt. A slow password hash (bcrypt, scrypt, Argon2)
// protects guessable passwords; a 256-bit random secret cannot be guessed,
// so a slow hash would add nothing but latency (and a lever for denial of
// service) to every token request. The salt keeps equal secrets apart and
// the comparison is in constant time. Neither secrets nor tokens are logged,
// put in errors or stored.
package oauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TokenTTL is how long an issued token is valid. A revoked client's tokens
// stay valid until they expire, so this is also the longest a revocation
// takes to be complete.
const TokenTTL = 15 * time.Minute

// MaxAssertionTTL bounds a private_key_jwt assertion's lifetime (exp - now).
const MaxAssertionTTL = 5 * time.Minute

// Signer signs issued tokens and publishes its public key (kmssign.TokenSigner).
type Signer interface {
	Sign(ctx context.Context, claims map[string]any) (string, error)
	JWK(ctx context.Context) (map[string]string, error)
}

// Service manages API clients and issues tokens.
type Service struct {
	Store    sg.APIClientStore
	Signer   Signer
	Issuer   string // the iss of issued tokens (the JWT authorizer's issuer)
	Audience string // the aud of issued tokens
	Now      func() time.Time
	Rand     func([]byte) (int, error) // crypto/rand.Read if nil
}

func (s *Service) read(b []byte) {
	r := s.Rand
	if r == nil {
		r = rand.Read
	}
	if _, err := r(b); err != nil {
		panic("oauth: no randomness: " + err.Error())
	}
}

// TokenEndpoint is the token endpoint's URL (an assertion's audience).
func (s *Service) TokenEndpoint() string { return strings.TrimRight(s.Issuer, "/") + "/oauth/token" }

// CreateInput is a request to create a client.
type CreateInput struct {
	TenantID      string
	Creator       string
	CreatorScopes []string
	Name          string
	Scopes        []string
	IPAllow       []string
	ExpiresAt     *time.Time
	PublicJWK     json.RawMessage
	IdemKey       string
	RequestHash   string
}

// Created is a new client and its secret (shown once).
type Created struct {
	Client sg.APIClient
	Secret string
	// Replay is the first answer when the Idempotency-Key was used before
	// with this request (it never holds the secret).
	Replay *sg.Idempotency
}

// OpCreateClient is the idempotency operation of client creation.
const OpCreateClient = "api_clients.create"

// Create makes a client. render gives the answer stored for replays (it
// must not hold the secret).
func (s *Service) Create(ctx context.Context, in CreateInput, render func(sg.APIClient) (int, []byte)) (Created, error) {
	if prev, err := s.Store.Idempotency(ctx, in.TenantID, OpCreateClient, in.IdemKey); err == nil {
		if prev.RequestHash != in.RequestHash {
			return Created{}, sg.ErrIdempotencyKeyReused
		}
		return Created{Replay: &prev}, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return Created{}, err
	}
	if err := s.validate(in); err != nil {
		return Created{}, err
	}
	now := s.Now().UTC()
	rnd := make([]byte, 10)
	s.read(rnd)
	c := sg.APIClient{ID: "ac_" + now.Format("20060102150405") + hex.EncodeToString(rnd) + "." + in.TenantID, TenantID: in.TenantID,
		Name: in.Name, Scopes: dedupe(in.Scopes), IPAllow: in.IPAllow, ExpiresAt: in.ExpiresAt, PublicJWK: in.PublicJWK,
		Status: sg.APIClientActive, CreatedBy: in.Creator, CreatedAt: now, Version: 1}
	secret := s.newSecret(&c)
	status, body := render(c)
	idem := sg.Idempotency{TenantID: in.TenantID, Operation: OpCreateClient, Key: in.IdemKey, RequestHash: in.RequestHash, Status: status, Response: body}
	if err := s.Store.CreateClient(ctx, c, idem); err != nil {
		if errors.Is(err, sg.ErrIdempotencyInProgress) {
			if prev, rerr := s.Store.Idempotency(ctx, in.TenantID, OpCreateClient, in.IdemKey); rerr == nil {
				if prev.RequestHash != in.RequestHash {
					return Created{}, sg.ErrIdempotencyKeyReused
				}
				return Created{Replay: &prev}, nil
			}
		}
		return Created{}, err
	}
	return Created{Client: c, Secret: secret}, nil
}

func (s *Service) validate(in CreateInput) error {
	bad := func(param, msg string) error { return sg.ErrValidation.WithParam(param).WithMessage("%s", msg) }
	if n := len(strings.TrimSpace(in.Name)); n == 0 || len(in.Name) > 100 {
		return bad("name", "name must be 1 to 100 characters")
	}
	if len(in.Scopes) == 0 || len(in.Scopes) > 50 {
		return bad("scopes", "give 1 to 50 scopes")
	}
	for _, sc := range in.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\"\\") {
			return bad("scopes", "a scope is a word without spaces or quotes")
		}
		if !slices.Contains(in.CreatorScopes, sc) {
			return sg.ErrScopeNotHeld.WithMessage("the caller does not hold scope %q", sc)
		}
	}
	if len(in.IPAllow) > 20 {
		return bad("ip_allow", "at most 20 networks")
	}
	for _, p := range in.IPAllow {
		if _, err := netip.ParsePrefix(p); err != nil {
			return bad("ip_allow", "each entry is a network in CIDR notation (203.0.113.0/24)")
		}
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.Now()) {
		return bad("expires_at", "expires_at must be in the future")
	}
	if len(in.PublicJWK) > 0 {
		if _, err := parseJWK(in.PublicJWK); err != nil {
			return bad("public_jwk", "public_jwk must be a public EC P-256 or RSA key as a JWK")
		}
	}
	return nil
}

func dedupe(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// parseJWK reads a registered public JWK (EC P-256 or RSA, public only).
func parseJWK(raw json.RawMessage) (any, error) {
	var probe map[string]any
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, err
	}
	if _, private := probe["d"]; private {
		return nil, errors.New("oauth: a private key was given")
	}
	k, err := jwkset.NewJWKFromRawJSON(raw, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return nil, err
	}
	switch k.Marshal().KTY {
	case jwkset.KtyEC, jwkset.KtyRSA:
		return k.Key(), nil
	}
	return nil, errors.New("oauth: unsupported key type")
}

// newSecret makes a new secret for c and stores its salted hash on c.
func (s *Service) newSecret(c *sg.APIClient) string {
	raw := make([]byte, 32)
	s.read(raw)
	salt := make([]byte, 16)
	s.read(salt)
	secret := "sgs_" + base64.RawURLEncoding.EncodeToString(raw)
	c.SecretSalt, c.SecretHash = salt, hashSecret(salt, secret)
	return secret
}

func hashSecret(salt []byte, secret string) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// Get reads a tenant's client.
func (s *Service) Get(ctx context.Context, tenant, id string) (sg.APIClient, error) {
	return s.Store.Client(ctx, tenant, id)
}

// List lists a tenant's clients.
func (s *Service) List(ctx context.Context, tenant string, limit int) ([]sg.APIClient, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	return s.Store.Clients(ctx, tenant, limit)
}

// Rotate gives a client a new secret; the old one stops working at once.
func (s *Service) Rotate(ctx context.Context, tenant, id string) (sg.APIClient, string, error) {
	c, err := s.Store.Client(ctx, tenant, id)
	if err != nil {
		return c, "", err
	}
	if c.Status == sg.APIClientRevoked {
		return c, "", sg.ErrAPIClientRevoked
	}
	secret := s.newSecret(&c)
	now := s.Now().UTC()
	c.RotatedAt, c.Version = &now, c.Version+1
	if err := s.Store.UpdateClient(ctx, c); err != nil {
		return c, "", err
	}
	return c, secret, nil
}

// Revoke revokes a client: no new token is issued to it; tokens already
// issued stay valid until they expire (TokenTTL at most). Revoking a
// revoked client answers it as it is.
func (s *Service) Revoke(ctx context.Context, tenant, id string) (sg.APIClient, error) {
	c, err := s.Store.Client(ctx, tenant, id)
	if err != nil || c.Status == sg.APIClientRevoked {
		return c, err
	}
	now := s.Now().UTC()
	c.Status, c.RevokedAt, c.Version = sg.APIClientRevoked, &now, c.Version+1
	c.SecretHash, c.SecretSalt = nil, nil
	return c, s.Store.UpdateClient(ctx, c)
}
