package kmssign

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	gjwt "github.com/golang-jwt/jwt/v5"
)

// KMSAPI is the part of the KMS client a TokenSigner uses: the same as
// the chain signer's.
type KMSAPI = KMS

// TokenSigner signs JWTs with ES256 by an ECC_NIST_P256 key in KMS: the
// private key never leaves KMS. golang-jwt builds and encodes the token;
// the signing step is a golang-jwt SigningMethod that calls KMS Sign over
// the SHA-256 digest and turns KMS's DER signature into JWS's r||s. Its key
// id is the RFC 7638 thumbprint of the public key, so it changes with the
// key. Neither the tokens nor their claims are logged or put in errors.
type TokenSigner struct {
	KMS   KMSAPI
	KeyID string

	// mu guards pub and kid, set by the first load that succeeds: a
	// failed load is not kept, so the next call asks KMS again.
	mu  sync.Mutex
	pub *ecdsa.PublicKey
	kid string
}

// kmsKey is what kmsES256.Sign receives as its "key".
type kmsKey struct {
	ctx context.Context
	s   *TokenSigner
}

// kmsES256 is ES256 with the signature made by KMS. It is not registered
// with golang-jwt: verification uses the stock ES256.
type kmsES256 struct{}

func (kmsES256) Alg() string { return "ES256" }

func (kmsES256) Verify(signingString string, sig []byte, key any) error {
	return gjwt.SigningMethodES256.Verify(signingString, sig, key)
}

func (kmsES256) Sign(signingString string, key any) ([]byte, error) {
	k, ok := key.(kmsKey)
	if !ok {
		return nil, gjwt.ErrInvalidKeyType
	}
	d := sha256.Sum256([]byte(signingString))
	out, err := k.s.KMS.Sign(k.ctx, &kms.SignInput{KeyId: &k.s.KeyID, Message: d[:], MessageType: kmstypes.MessageTypeDigest,
		SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		return nil, fmt.Errorf("kmssign.token sign: %w", err)
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(out.Signature, &rs); err != nil || len(rest) != 0 {
		return nil, errors.New("kmssign.token: KMS signature is not DER")
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return sig, nil
}

// load reads the public key, once it has been read successfully.
func (s *TokenSigner) load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub != nil {
		return nil
	}
	out, err := s.KMS.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: &s.KeyID})
	if err != nil {
		return fmt.Errorf("kmssign.token public key: %w", err)
	}
	k, err := x509.ParsePKIXPublicKey(out.PublicKey)
	pub, ok := k.(*ecdsa.PublicKey)
	if err != nil || !ok || pub.Curve != elliptic.P256() {
		return errors.New("kmssign.token: the key is not ECC_NIST_P256")
	}
	s.pub, s.kid = pub, Thumbprint(pub)
	return nil
}

// Sign returns the signed token of claims, with the key id in its header.
func (s *TokenSigner) Sign(ctx context.Context, claims map[string]any) (string, error) {
	if err := s.load(ctx); err != nil {
		return "", err
	}
	t := gjwt.NewWithClaims(kmsES256{}, gjwt.MapClaims(claims))
	t.Header["kid"] = s.kid
	return t.SignedString(kmsKey{ctx: ctx, s: s})
}

// KeyID returns the key id tokens carry (the JWK thumbprint).
func (s *TokenSigner) Kid(ctx context.Context) (string, error) {
	if err := s.load(ctx); err != nil {
		return "", err
	}
	return s.kid, nil
}

// JWK returns the public key as a JWK (kty EC, crv P-256, use sig, alg ES256).
func (s *TokenSigner) JWK(ctx context.Context) (map[string]string, error) {
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return ecJWK(s.pub, s.kid), nil
}

func ecJWK(pub *ecdsa.PublicKey, kid string) map[string]string {
	x, y := coords(pub)
	return map[string]string{"kty": "EC", "crv": "P-256", "x": x, "y": y, "use": "sig", "alg": "ES256", "kid": kid}
}

func coords(pub *ecdsa.PublicKey) (string, string) {
	raw, _ := pub.ECDH() // a P-256 key always converts
	b := raw.Bytes()     // 0x04 || X || Y
	enc := base64.RawURLEncoding.EncodeToString
	return enc(b[1:33]), enc(b[33:65])
}

// Thumbprint is the RFC 7638 JWK thumbprint of a P-256 public key: SHA-256
// of its required members in lexical order, base64url.
func Thumbprint(pub *ecdsa.PublicKey) string {
	x, y := coords(pub)
	b, _ := json.Marshal(struct {
		Crv string `json:"crv"`
		Kty string `json:"kty"`
		X   string `json:"x"`
		Y   string `json:"y"`
	}{"P-256", "EC", x, y})
	h := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(h[:])
}
