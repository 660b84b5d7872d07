package courses

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	gjwt "github.com/golang-jwt/jwt/v5"
)

// LocalSigner signs certificates with a P-256 key held in memory (tests
// and tools; deployments sign in KMS with kmssign.TokenSigner, the same
// format and the same key id: the RFC 7638 thumbprint).
type LocalSigner struct{ Key *ecdsa.PrivateKey }

// JWK is the public key as published.
func (l LocalSigner) JWK(context.Context) (map[string]string, error) {
	raw, err := l.Key.PublicKey.ECDH()
	if err != nil {
		return nil, err
	}
	b := raw.Bytes()
	enc := base64.RawURLEncoding.EncodeToString
	x, y := enc(b[1:33]), enc(b[33:65])
	tp, _ := json.Marshal(map[string]string{"crv": "P-256", "kty": "EC", "x": x, "y": y}) // keys sort as RFC 7638 asks
	h := sha256.Sum256(tp)
	return map[string]string{"kty": "EC", "crv": "P-256", "x": x, "y": y, "use": "sig", "alg": "ES256", "kid": enc(h[:])}, nil
}

// Sign signs claims as a compact JWS (ES256) with the key id in its header.
func (l LocalSigner) Sign(ctx context.Context, claims map[string]any) (string, error) {
	jwk, err := l.JWK(ctx)
	if err != nil {
		return "", err
	}
	t := gjwt.NewWithClaims(gjwt.SigningMethodES256, gjwt.MapClaims(claims))
	t.Header["kid"] = jwk["kid"]
	return t.SignedString(l.Key)
}
