package envelope

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Fields seals many small values of a tenant (PII fields of records, read
// in lists) without a KMS call for each: each tenant and purpose has one
// data key, made by KMS under that context and stored only encrypted
// (KeyStore); a process opens it once and keeps it in memory. Every value
// is sealed with its own nonce and bound, as GCM additional data, to the
// tenant, the purpose and the record field it belongs to, so a value moved
// to another record, tenant or purpose does not open.
type Fields struct {
	KMS   KMS
	KeyID string
	Keys  KeyStore

	mu   sync.Mutex
	keys map[Context][]byte
}

// KeyStore keeps the encrypted data keys (dynamo.Custody).
type KeyStore interface {
	// DataKey returns the encrypted data key of c, or ok false.
	DataKey(ctx context.Context, tenant, purpose string) (blob []byte, ok bool, err error)
	// PutDataKey stores it unless one exists (then ok is false).
	PutDataKey(ctx context.Context, tenant, purpose string, blob []byte) (ok bool, err error)
}

const fieldVersion = 2

func (f *Fields) key(ctx context.Context, c Context, create bool) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k, ok := f.keys[c]; ok {
		return k, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		blob, ok, err := f.Keys.DataKey(ctx, c.Tenant, c.Purpose)
		if err != nil {
			return nil, err
		}
		if ok {
			out, err := f.KMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob, KeyId: &f.KeyID, EncryptionContext: kmsContext(c)})
			if err != nil {
				var bad *kmstypes.InvalidCiphertextException
				if errors.As(err, &bad) {
					return nil, ErrCannotOpen
				}
				return nil, sg.Unavailable("envelope.Fields", err)
			}
			if f.keys == nil {
				f.keys = map[Context][]byte{}
			}
			f.keys[c] = out.Plaintext
			return out.Plaintext, nil
		}
		if !create {
			return nil, ErrCannotOpen
		}
		dk, err := f.KMS.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: &f.KeyID, KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: kmsContext(c)})
		if err != nil {
			return nil, sg.Unavailable("envelope.Fields", err)
		}
		clear(dk.Plaintext)
		// Stored first, then read back: two processes making the tenant's
		// first key at once end up with the one stored.
		if _, err := f.Keys.PutDataKey(ctx, c.Tenant, c.Purpose, dk.CiphertextBlob); err != nil {
			return nil, err
		}
	}
	return nil, sg.Internal("envelope.Fields", errors.New("the data key was stored but cannot be read"))
}

func fieldAAD(c Context, field string) []byte {
	b := append(aad(c), fieldVersion)
	b = binary.BigEndian.AppendUint16(b, uint16(len(field)))
	return append(b, field...)
}

// Seal encrypts plaintext as field of a record of c.
func (f *Fields) Seal(ctx context.Context, c Context, field string, plaintext []byte) ([]byte, error) {
	if c.Tenant == "" || c.Purpose == "" || field == "" {
		return nil, sg.Internal("envelope.Fields", errors.New("a tenant, a purpose and a field are required"))
	}
	k, err := f.key(ctx, c, true)
	if err != nil {
		return nil, err
	}
	aead, err := gcm(k)
	if err != nil {
		return nil, sg.Internal("envelope.Fields", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, sg.Internal("envelope.Fields", err)
	}
	out := append([]byte{fieldVersion}, nonce...)
	return aead.Seal(out, nonce, plaintext, fieldAAD(c, field)), nil
}

// Open decrypts a value sealed as field of a record of c.
func (f *Fields) Open(ctx context.Context, c Context, field string, blob []byte) ([]byte, error) {
	if len(blob) < 1+12+16 || blob[0] != fieldVersion {
		return nil, ErrMalformed
	}
	k, err := f.key(ctx, c, false)
	if err != nil {
		return nil, err
	}
	aead, err := gcm(k)
	if err != nil {
		return nil, sg.Internal("envelope.Fields", err)
	}
	plain, err := aead.Open(nil, blob[1:13], blob[13:], fieldAAD(c, field))
	if err != nil {
		return nil, ErrCannotOpen
	}
	return plain, nil
}

// Fields is the domain's field sealer.
var _ sg.FieldSealer = (*Fields)(nil)
