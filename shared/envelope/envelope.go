// Package envelope encrypts the secrets Stablegate stores (webhook secrets,
// PII fields, keystore blobs) under a KMS key without sending them to KMS:
// each value gets its own data key (AES-256, from GenerateDataKey), used
// once with AES-GCM and kept only encrypted beside the value. The data key
// is bound to an encryption context naming the tenant and the purpose, so
// a value sealed for one tenant or purpose cannot be opened as another's:
// KMS refuses to decrypt the data key under another context, and the
// context is also the GCM additional data.
package envelope

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// KMS is what sealing needs of KMS (*kms.Client has it).
type KMS interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, o ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, o ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// Sealer seals and opens values under one KMS key (the template's EnvelopeKey).
type Sealer struct {
	KMS   KMS
	KeyID string
}

// Named failures. None carries the value, the key or the context's values.
var (
	// ErrCannotOpen: the blob was sealed for another tenant or purpose, under
	// another key, or was altered.
	ErrCannotOpen = errors.New("envelope: cannot open: another tenant, purpose or key, or the blob was altered")
	// ErrMalformed: the bytes are not a sealed blob.
	ErrMalformed = errors.New("envelope: not a sealed blob")
)

const version = 1

// Context is what a value is bound to. It is kept for callers of this
// package; the domain owns it (sg.SealContext).
type Context = sg.SealContext

// Sealer is the domain's sealer of stored secrets.
var _ sg.Sealer = (*Sealer)(nil)

func kmsContext(c Context) map[string]string {
	return map[string]string{"tenant": c.Tenant, "purpose": c.Purpose}
}

// aad is the context as GCM additional data: length-prefixed, unambiguous.
func aad(c Context) []byte {
	b := []byte{version}
	for _, s := range []string{c.Tenant, c.Purpose} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// Seal encrypts plaintext for c. The blob is: version (1 byte), the
// encrypted data key's length (2 bytes) and bytes, the 12-byte nonce, and
// the GCM ciphertext with its tag.
func (s *Sealer) Seal(ctx context.Context, c Context, plaintext []byte) ([]byte, error) {
	if c.Tenant == "" || c.Purpose == "" {
		return nil, sg.Internal("envelope.Seal", errors.New("a tenant and a purpose are required"))
	}
	dk, err := s.KMS.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: &s.KeyID, KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: kmsContext(c)})
	if err != nil {
		return nil, sg.Unavailable("envelope.Seal", err)
	}
	defer clear(dk.Plaintext)
	aead, err := gcm(dk.Plaintext)
	if err != nil {
		return nil, sg.Internal("envelope.Seal", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, sg.Internal("envelope.Seal", err)
	}
	if len(dk.CiphertextBlob) > 0xffff {
		return nil, sg.Internal("envelope.Seal", fmt.Errorf("encrypted data key of %d bytes", len(dk.CiphertextBlob)))
	}
	out := []byte{version}
	out = binary.BigEndian.AppendUint16(out, uint16(len(dk.CiphertextBlob)))
	out = append(out, dk.CiphertextBlob...)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad(c)), nil
}

// Open decrypts a blob sealed for c.
func (s *Sealer) Open(ctx context.Context, c Context, blob []byte) ([]byte, error) {
	if len(blob) < 3 || blob[0] != version {
		return nil, ErrMalformed
	}
	n := int(binary.BigEndian.Uint16(blob[1:3]))
	if len(blob) < 3+n+12+16 {
		return nil, ErrMalformed
	}
	edk, rest := blob[3:3+n], blob[3+n:]
	out, err := s.KMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: edk, KeyId: &s.KeyID, EncryptionContext: kmsContext(c)})
	if err != nil {
		var bad *kmstypes.InvalidCiphertextException
		var incorrect *kmstypes.IncorrectKeyException
		if errors.As(err, &bad) || errors.As(err, &incorrect) {
			return nil, ErrCannotOpen
		}
		return nil, sg.Unavailable("envelope.Open", err)
	}
	defer clear(out.Plaintext)
	aead, err := gcm(out.Plaintext)
	if err != nil {
		return nil, sg.Internal("envelope.Open", err)
	}
	plain, err := aead.Open(nil, rest[:12], rest[12:], aad(c))
	if err != nil {
		return nil, ErrCannotOpen
	}
	return plain, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
