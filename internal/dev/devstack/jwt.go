package devstack

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	gjwt "github.com/golang-jwt/jwt/v5"

	"github.com/stablegate/stablegate/shared/kmssign"
)

// Issuer mints dev tokens. On the local stack it signs with the token
// key in local-kms that POST /oauth/token signs with (NewKMSIssuer), under
// the API's own issuer URL, so the gateway verifies dev tokens exactly as it
// verifies client credentials tokens: with the keys the API publishes at
// /.well-known/jwks.json. LoadIssuer makes one with an RSA key in a file
// instead, serving its own discovery document and JWKS (Handler): tests use
// it as a stranger's issuer whose tokens must be refused. Nothing of it ships.
type Issuer struct {
	URL string
	key *rsa.PrivateKey
	kid string
	kms *kmssign.TokenSigner
}

// LoadIssuer reads the key at keyPath or makes one there.
func LoadIssuer(url, keyPath string) (*Issuer, error) {
	var key *rsa.PrivateKey
	if raw, err := os.ReadFile(keyPath); err == nil {
		blk, _ := pem.Decode(raw)
		if blk == nil {
			return nil, fmt.Errorf("devstack: %s is not PEM", keyPath)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		var ok bool
		if key, ok = k.(*rsa.PrivateKey); !ok {
			return nil, fmt.Errorf("devstack: %s is not an RSA key", keyPath)
		}
	} else {
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(key.PublicKey.N.Bytes())
	return &Issuer{URL: strings.TrimRight(url, "/"), key: key, kid: b64(sum[:8])}, nil
}

// NewKMSIssuer mints with the KMS key keyID (ES256) under issuer url.
func NewKMSIssuer(url string, kc kmssign.KMSAPI, keyID string) *Issuer {
	return &Issuer{URL: strings.TrimRight(url, "/"), kms: &kmssign.TokenSigner{KMS: kc, KeyID: keyID}}
}

// DevIssuer is the local stack's issuer, from the variables of its
// stack.env (STABLEGATE_ISSUER, STABLEGATE_TOKEN_KEY and the KMS endpoint).
func DevIssuer(ctx context.Context, env func(string) string) (*Issuer, error) {
	if env("STABLEGATE_TOKEN_KEY") == "" || env("AWS_ENDPOINT_URL_KMS") == "" {
		return nil, errors.New("devstack: STABLEGATE_TOKEN_KEY or AWS_ENDPOINT_URL_KMS is not set (is the stack running?)")
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(env("AWS_REGION")),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), "")))
	if err != nil {
		return nil, err
	}
	ep := env("AWS_ENDPOINT_URL_KMS")
	kc := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = &ep })
	return NewKMSIssuer(env("STABLEGATE_ISSUER"), kc, env("STABLEGATE_TOKEN_KEY")), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Mint signs claims (ES256 by KMS, or RS256 by the file key) with
// golang-jwt. Callers set iss, aud, exp and the rest.
func (i *Issuer) Mint(claims map[string]any) (string, error) {
	if i.kms != nil {
		return i.kms.Sign(context.Background(), claims)
	}
	t := gjwt.NewWithClaims(gjwt.SigningMethodRS256, gjwt.MapClaims(claims))
	t.Header["kid"] = i.kid
	return t.SignedString(i.key)
}

// Token mints a token for a tenant with scopes, valid for ttl.
func (i *Issuer) Token(audience, tenant, subject string, scopes []string, ttl time.Duration) (string, error) {
	now := time.Now()
	return i.Mint(map[string]any{
		"iss": i.URL, "aud": audience, "sub": subject, "tenant": tenant,
		"scope": strings.Join(scopes, " "), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	})
}

// AllScopes lists every scope the template's routes declare
// (AuthorizationScopes), sorted: a token that holds them all may call every
// route. The dev token (`make token`) carries them, so it cannot fall
// behind the template.
func (t *Template) AllScopes() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range t.Functions() {
		for _, r := range f.Routes {
			for _, s := range r.Scopes {
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// JWKS is the key set document of a file-key issuer.
func (i *Issuer) JWKS() map[string]any {
	pub := i.key.PublicKey
	return map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": i.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// Handler serves a file-key issuer's {issuer}/.well-known/openid-configuration
// and JWKS (the local stack's own issuer is the API: POST /oauth/token's
// function serves them).
// The issuer URL's path is the prefix it serves under.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": i.URL, "jwks_uri": i.URL + "/.well-known/jwks.json",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, i.JWKS()) })
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
