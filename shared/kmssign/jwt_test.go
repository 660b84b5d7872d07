package kmssign

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	gjwt "github.com/golang-jwt/jwt/v5"
)

// p256KMS answers Sign (DER, over the digest it is given) and GetPublicKey
// (SPKI) as KMS does for an ECC_NIST_P256 key.
type p256KMS struct{ k *ecdsa.PrivateKey }

func (f p256KMS) Sign(_ context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	sig, err := ecdsa.SignASN1(rand.Reader, f.k, in.Message)
	return &kms.SignOutput{Signature: sig}, err
}

func (f p256KMS) GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	der, err := x509.MarshalPKIXPublicKey(&f.k.PublicKey)
	return &kms.GetPublicKeyOutput{PublicKey: der}, err
}

// A token signed through KMS verifies with stock ES256 against the public
// key, and names the key by its RFC 7638 thumbprint, which the JWK carries.
func TestTokenSignerES256(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	s := &TokenSigner{KMS: p256KMS{k}, KeyID: "alias/tokens"}
	ctx := context.Background()
	for i := 0; i < 20; i++ { // KMS's r and s vary in length; each must pad to 32 bytes
		tok, err := s.Sign(ctx, map[string]any{"sub": "c", "n": i})
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := gjwt.Parse(tok, func(*gjwt.Token) (any, error) { return &k.PublicKey, nil }, gjwt.WithValidMethods([]string{"ES256"}))
		if err != nil || !parsed.Valid {
			t.Fatalf("token %d does not verify: %v", i, err)
		}
		if parsed.Header["kid"] != Thumbprint(&k.PublicKey) {
			t.Fatalf("kid %v", parsed.Header["kid"])
		}
	}
	jwk, err := s.JWK(ctx)
	if err != nil || jwk["kid"] != Thumbprint(&k.PublicKey) || jwk["alg"] != "ES256" || jwk["crv"] != "P-256" {
		t.Fatalf("jwk %v %v", jwk, err)
	}
}

// RFC 7638 section 3.1's example is RSA; for EC the members are crv, kty,
// x, y in that order: a fixed key gives a fixed thumbprint.
func TestThumbprintIsStable(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	again := k.PublicKey // a copy of the same key
	if Thumbprint(&k.PublicKey) != Thumbprint(&again) || len(Thumbprint(&k.PublicKey)) != 43 {
		t.Fatal("thumbprint is not a stable base64url SHA-256")
	}
	o, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if Thumbprint(&k.PublicKey) == Thumbprint(&o.PublicKey) {
		t.Fatal("two keys share a thumbprint")
	}
}

// flakyP256 fails its first GetPublicKey, as KMS does while unreachable.
type flakyP256 struct {
	p256KMS
	calls *int
}

func (f flakyP256) GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, o ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	if *f.calls++; *f.calls == 1 {
		return nil, errors.New("connection reset")
	}
	return f.p256KMS.GetPublicKey(ctx, in, o...)
}

// A token signer whose key KMS failed to give once signs at the next call
// (the next invocation of a warm function): the failure is not kept.
func TestTokenSignerRetriesAFailedKeyFetch(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	calls := 0
	s := &TokenSigner{KMS: flakyP256{p256KMS{k}, &calls}, KeyID: "alias/tokens"}
	ctx := context.Background()
	if _, err := s.Sign(ctx, map[string]any{"sub": "c"}); err == nil {
		t.Fatal("signed without the public key")
	}
	if _, err := s.Sign(ctx, map[string]any{"sub": "c"}); err != nil {
		t.Fatalf("second call kept the first failure: %v", err)
	}
	if _, err := s.JWK(ctx); err != nil || calls != 2 {
		t.Fatalf("JWK: %v after %d key fetches; want the key kept after the one that succeeded", err, calls)
	}
}
