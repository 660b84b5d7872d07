package oauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// localSigner signs with a key in memory (KMS's stand-in for unit tests;
// kmssign.TokenSigner is checked against local-kms by the stack tests).
type localSigner struct{ k *ecdsa.PrivateKey }

func (l localSigner) Sign(_ context.Context, claims map[string]any) (string, error) {
	t := gjwt.NewWithClaims(gjwt.SigningMethodES256, gjwt.MapClaims(claims))
	t.Header["kid"] = "k1"
	return t.SignedString(l.k)
}

func (l localSigner) JWK(context.Context) (map[string]string, error) {
	return map[string]string{"kty": "EC", "kid": "k1"}, nil
}

type fixture struct {
	svc   *Service
	store *memstore.OAuth
	key   *ecdsa.PrivateKey
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f := &fixture{store: memstore.NewOAuth(), key: k, now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	f.store.Now = func() time.Time { return f.now }
	f.svc = &Service{Store: f.store, Signer: localSigner{k}, Issuer: "https://issuer.example", Audience: "stablegate-api",
		Now: func() time.Time { return f.now }}
	return f
}

func render(c sg.APIClient) (int, []byte) {
	b, _ := json.Marshal(map[string]string{"client_id": c.ID})
	return 201, b
}

func (f *fixture) create(t *testing.T, in CreateInput) Created {
	t.Helper()
	if in.TenantID == "" {
		in.TenantID = "acme"
	}
	if in.CreatorScopes == nil {
		in.CreatorScopes = []string{"wallets:read", "wallets:write", "clients:write"}
	}
	if in.Name == "" {
		in.Name = "backend"
	}
	if in.Scopes == nil {
		in.Scopes = []string{"wallets:read"}
	}
	if in.IdemKey == "" {
		in.IdemKey = "k-" + in.Name
	}
	if in.RequestHash == "" {
		in.RequestHash = "h-" + in.Name
	}
	out, err := f.svc.Create(context.Background(), in, render)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) verify(t *testing.T, tok string) gjwt.MapClaims {
	t.Helper()
	claims := gjwt.MapClaims{}
	_, err := gjwt.NewParser(gjwt.WithIssuer(f.svc.Issuer), gjwt.WithAudience("stablegate-api"), gjwt.WithTimeFunc(func() time.Time { return f.now })).
		ParseWithClaims(tok, claims, func(*gjwt.Token) (any, error) { return &f.key.PublicKey, nil })
	if err != nil {
		t.Fatalf("issued token does not verify: %v", err)
	}
	return claims
}

func oauthCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestCreateAndIssue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, CreateInput{Scopes: []string{"wallets:read", "wallets:write"}})
	if !strings.HasPrefix(c.Secret, "sgs_") || sg.APIClientTenant(c.Client.ID) != "acme" {
		t.Fatalf("client %q secret %q", c.Client.ID, c.Secret)
	}
	stored, _ := f.store.Client(ctx, "acme", c.Client.ID)
	if strings.Contains(string(stored.SecretHash), c.Secret) || len(stored.SecretHash) != 32 {
		t.Fatal("the secret is stored, or its hash is not HMAC-SHA256")
	}

	t.Run("a secret buys a token with the client's scopes", func(t *testing.T) {
		tok, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretBasic, ClientID: c.Client.ID, Secret: c.Secret})
		if err != nil {
			t.Fatal(err)
		}
		cl := f.verify(t, tok.AccessToken)
		if cl["tenant"] != "acme" || cl["client_id"] != c.Client.ID || cl["scope"] != "wallets:read wallets:write" || cl["jti"] != tok.JTI {
			t.Fatalf("claims %v", cl)
		}
		if tok.ExpiresIn != int(TokenTTL/time.Second) {
			t.Fatalf("expires_in %d", tok.ExpiresIn)
		}
		g := f.store.Grants()
		if len(g) != 1 || g[0].JTI != tok.JTI || g[0].ClientID != c.Client.ID {
			t.Fatalf("journal %+v", g)
		}
	})
	t.Run("a narrower scope may be asked for", func(t *testing.T) {
		tok, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretPost, ClientID: c.Client.ID, Secret: c.Secret, Scope: "wallets:read"})
		if err != nil {
			t.Fatal(err)
		}
		if cl := f.verify(t, tok.AccessToken); cl["scope"] != "wallets:read" {
			t.Fatalf("scope %v", cl["scope"])
		}
	})
	t.Run("a scope the client lacks is invalid_scope", func(t *testing.T) {
		_, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretPost, ClientID: c.Client.ID, Secret: c.Secret, Scope: "withdrawals:write"})
		if oauthCode(err) != "invalid_scope" {
			t.Fatalf("got %v", err)
		}
	})
	for name, r := range map[string]TokenRequest{
		"a wrong secret":       {Method: AuthSecretBasic, ClientID: c.Client.ID, Secret: c.Secret + "x"},
		"an unknown client":    {Method: AuthSecretBasic, ClientID: "ac_x.acme", Secret: c.Secret},
		"another tenant's id":  {Method: AuthSecretBasic, ClientID: strings.Replace(c.Client.ID, ".acme", ".other", 1), Secret: c.Secret},
		"no method":            {ClientID: c.Client.ID, Secret: c.Secret},
		"an assertion, no JWK": {Method: AuthPrivateKeyJWT, ClientID: c.Client.ID, Assertion: "a.b.c"},
	} {
		t.Run(name+" is invalid_client", func(t *testing.T) {
			r.GrantType = "client_credentials"
			if _, err := f.svc.Issue(ctx, r); oauthCode(err) != "invalid_client" {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("another grant type is unsupported_grant_type", func(t *testing.T) {
		_, err := f.svc.Issue(ctx, TokenRequest{GrantType: "password", Method: AuthSecretBasic, ClientID: c.Client.ID, Secret: c.Secret})
		if oauthCode(err) != "unsupported_grant_type" {
			t.Fatalf("got %v", err)
		}
	})
}

func TestCreateRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t.Run("scopes beyond the creator's are refused", func(t *testing.T) {
		_, err := f.svc.Create(ctx, CreateInput{TenantID: "acme", CreatorScopes: []string{"clients:write"}, Name: "x", Scopes: []string{"withdrawals:write"},
			IdemKey: "a", RequestHash: "a"}, render)
		if !errors.Is(err, sg.ErrScopeNotHeld) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a bad network is refused", func(t *testing.T) {
		_, err := f.svc.Create(ctx, CreateInput{TenantID: "acme", CreatorScopes: []string{"a"}, Name: "x", Scopes: []string{"a"}, IPAllow: []string{"10.0.0.0/33"},
			IdemKey: "b", RequestHash: "b"}, render)
		if !errors.Is(err, sg.ErrValidation) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a private JWK is refused", func(t *testing.T) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		jwk := ecJWK(k, true)
		_, err := f.svc.Create(ctx, CreateInput{TenantID: "acme", CreatorScopes: []string{"a"}, Name: "x", Scopes: []string{"a"}, PublicJWK: jwk,
			IdemKey: "c", RequestHash: "c"}, render)
		if !errors.Is(err, sg.ErrValidation) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the same key and body replays without the secret; another body is refused", func(t *testing.T) {
		first := f.create(t, CreateInput{Name: "replayed", IdemKey: "same", RequestHash: "h1"})
		again, err := f.svc.Create(ctx, CreateInput{TenantID: "acme", CreatorScopes: []string{"wallets:read"}, Name: "replayed", Scopes: []string{"wallets:read"},
			IdemKey: "same", RequestHash: "h1"}, render)
		if err != nil || again.Replay == nil || again.Secret != "" || !strings.Contains(string(again.Replay.Response), first.Client.ID) {
			t.Fatalf("replay %+v %v", again, err)
		}
		if strings.Contains(string(again.Replay.Response), first.Secret) {
			t.Fatal("the stored first answer holds the secret")
		}
		_, err = f.svc.Create(ctx, CreateInput{TenantID: "acme", CreatorScopes: []string{"wallets:read"}, Name: "other", Scopes: []string{"wallets:read"},
			IdemKey: "same", RequestHash: "h2"}, render)
		if !errors.Is(err, sg.ErrIdempotencyKeyReused) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRotateRevokeExpireAndNetworks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	issue := func(id, secret, ip string) error {
		_, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretBasic, ClientID: id, Secret: secret, SourceIP: ip})
		return err
	}
	c := f.create(t, CreateInput{Name: "rot"})
	_, secret2, err := f.svc.Rotate(ctx, "acme", c.Client.ID)
	if err != nil {
		t.Fatal(err)
	}
	if issue(c.Client.ID, c.Secret, "") == nil {
		t.Fatal("the old secret still works after rotation")
	}
	if err := issue(c.Client.ID, secret2, ""); err != nil {
		t.Fatalf("the new secret: %v", err)
	}
	if _, err := f.svc.Revoke(ctx, "acme", c.Client.ID); err != nil {
		t.Fatal(err)
	}
	if oauthCode(issue(c.Client.ID, secret2, "")) != "invalid_client" {
		t.Fatal("a revoked client got a token")
	}
	if _, _, err := f.svc.Rotate(ctx, "acme", c.Client.ID); !errors.Is(err, sg.ErrAPIClientRevoked) {
		t.Fatalf("rotating a revoked client: %v", err)
	}

	exp := f.now.Add(5 * time.Minute)
	e := f.create(t, CreateInput{Name: "exp", ExpiresAt: &exp})
	tok, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretBasic, ClientID: e.Client.ID, Secret: e.Secret})
	if err != nil || tok.ExpiresIn != 300 {
		t.Fatalf("a token of a client expiring in 5 minutes lives %d s (%v); want 300", tok.ExpiresIn, err)
	}
	f.now = f.now.Add(6 * time.Minute)
	if issue(e.Client.ID, e.Secret, "") == nil {
		t.Fatal("an expired client got a token")
	}

	n := f.create(t, CreateInput{Name: "net", IPAllow: []string{"203.0.113.0/24"}})
	if err := issue(n.Client.ID, n.Secret, "203.0.113.7"); err != nil {
		t.Fatalf("from an allowed network: %v", err)
	}
	if issue(n.Client.ID, n.Secret, "198.51.100.1") == nil {
		t.Fatal("a token was issued to a caller outside the allow list")
	}
}

// A client's allow list travels in its tokens (the ip_allow claim), so
// every route can refuse a token used from elsewhere; a client without one
// gets tokens without the claim.
func TestIssuedTokenCarriesTheAllowList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n := f.create(t, CreateInput{Name: "net", IPAllow: []string{"203.0.113.0/24", "2001:db8::/32"}})
	tok, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretBasic, ClientID: n.Client.ID, Secret: n.Secret, SourceIP: "203.0.113.9"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.verify(t, tok.AccessToken)[sg.IPAllowClaim]; got != "203.0.113.0/24 2001:db8::/32" {
		t.Fatalf("ip_allow claim %v", got)
	}
	a := f.create(t, CreateInput{Name: "any"})
	tok, err = f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthSecretBasic, ClientID: a.Client.ID, Secret: a.Secret, SourceIP: "198.51.100.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, has := f.verify(t, tok.AccessToken)[sg.IPAllowClaim]; has {
		t.Fatal("a client without an allow list got an ip_allow claim")
	}
}

func ecJWK(k *ecdsa.PrivateKey, private bool) json.RawMessage {
	enc := base64.RawURLEncoding.EncodeToString
	pub, _ := k.PublicKey.Bytes() // 0x04 || X || Y
	m := map[string]string{"kty": "EC", "crv": "P-256", "x": enc(pub[1:33]), "y": enc(pub[33:65])}
	if private {
		d, _ := k.Bytes()
		m["d"] = enc(d)
	}
	b, _ := json.Marshal(m)
	return b
}

func TestPrivateKeyJWT(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ck, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	c := f.create(t, CreateInput{Name: "pkjwt", PublicJWK: ecJWK(ck, false)})
	assertion := func(claims gjwt.MapClaims, key *ecdsa.PrivateKey) string {
		s, err := gjwt.NewWithClaims(gjwt.SigningMethodES256, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := func(jti string) gjwt.MapClaims {
		return gjwt.MapClaims{"iss": c.Client.ID, "sub": c.Client.ID, "aud": f.svc.TokenEndpoint(), "jti": jti, "exp": f.now.Add(time.Minute).Unix()}
	}
	issue := func(a string) error {
		_, err := f.svc.Issue(ctx, TokenRequest{GrantType: "client_credentials", Method: AuthPrivateKeyJWT, ClientID: c.Client.ID, Assertion: a})
		return err
	}
	if err := issue(assertion(good("j1"), ck)); err != nil {
		t.Fatalf("a good assertion: %v", err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, a := range map[string]string{
		"a replayed assertion":       assertion(good("j1"), ck),
		"another key's signature":    assertion(good("j2"), other),
		"another audience":           assertion(gjwt.MapClaims{"iss": c.Client.ID, "sub": c.Client.ID, "aud": "https://elsewhere", "jti": "j3", "exp": f.now.Add(time.Minute).Unix()}, ck),
		"a long-lived assertion":     assertion(gjwt.MapClaims{"iss": c.Client.ID, "sub": c.Client.ID, "aud": f.svc.TokenEndpoint(), "jti": "j4", "exp": f.now.Add(time.Hour).Unix()}, ck),
		"an assertion without a jti": assertion(gjwt.MapClaims{"iss": c.Client.ID, "sub": c.Client.ID, "aud": f.svc.TokenEndpoint(), "exp": f.now.Add(time.Minute).Unix()}, ck),
		"an expired assertion":       assertion(gjwt.MapClaims{"iss": c.Client.ID, "sub": c.Client.ID, "aud": f.svc.TokenEndpoint(), "jti": "j5", "exp": f.now.Add(-time.Minute).Unix()}, ck),
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if oauthCode(issue(a)) != "invalid_client" {
				t.Fatal("accepted")
			}
		})
	}
}
