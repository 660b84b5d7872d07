package memstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sealer is the in-memory twin of the envelope sealer (sg.Sealer): AES-GCM
// under a key of its own, the context (tenant, purpose) bound as
// additional data, so a value sealed for one tenant or purpose does not
// open as another's. The zero value is ready; its key is made at first use.
type Sealer struct {
	once sync.Once
	err  error
	aead cipher.AEAD
}

var _ sg.Sealer = (*Sealer)(nil)

// errSealed: a blob does not open under this context.
var errSealed = errors.New("memstore: sealed value does not open under this context")

func (s *Sealer) init() error {
	s.once.Do(func() {
		key := make([]byte, 32)
		if _, s.err = io.ReadFull(rand.Reader, key); s.err != nil {
			return
		}
		var b cipher.Block
		if b, s.err = aes.NewCipher(key); s.err == nil {
			s.aead, s.err = cipher.NewGCM(b)
		}
	})
	return s.err
}

func sealAAD(c sg.SealContext) []byte { return []byte(c.Tenant + "\x00" + c.Purpose) }

// Seal encrypts plaintext for c.
func (s *Sealer) Seal(_ context.Context, c sg.SealContext, plaintext []byte) ([]byte, error) {
	if err := s.init(); err != nil {
		return nil, err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, sealAAD(c)), nil
}

// Open decrypts a blob sealed for c.
func (s *Sealer) Open(_ context.Context, c sg.SealContext, blob []byte) ([]byte, error) {
	if err := s.init(); err != nil {
		return nil, err
	}
	n := s.aead.NonceSize()
	if len(blob) < n {
		return nil, errSealed
	}
	out, err := s.aead.Open(nil, blob[:n], blob[n:], sealAAD(c))
	if err != nil {
		return nil, errSealed
	}
	return out, nil
}
