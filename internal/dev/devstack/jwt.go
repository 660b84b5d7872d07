package devstack

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Issuer is the dev identity provider: an RSA key kept under the dev state
// folder, an OpenID discovery document and a JWKS, and a minting function.
// It stands in for Cognito, Auth0 or any OIDC provider; nothing of it ships.
type Issuer struct {
	URL string
	key *rsa.PrivateKey
	kid string
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

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Mint signs claims with RS256. Callers set iss, aud, exp and the rest.
func (i *Issuer) Mint(claims map[string]any) (string, error) {
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": i.kid})
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64(hdr) + "." + b64(body)
	h := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, h[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
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

// JWKS is the key set document.
func (i *Issuer) JWKS() map[string]any {
	pub := i.key.PublicKey
	return map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": i.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// Handler serves {issuer}/.well-known/openid-configuration and the JWKS.
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
