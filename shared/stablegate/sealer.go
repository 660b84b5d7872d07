package stablegate

import "context"

// SealContext is what a sealed value is bound to: a value sealed for one
// tenant or purpose does not open as another's.
type SealContext struct{ Tenant, Purpose string }

// Sealer seals the secrets Stablegate stores (webhook secrets, keystore
// blobs) and opens them again (the envelope adapter implements it, under a
// KMS key). Neither method logs the plaintext, the data key or the
// context's values, nor puts them in an error.
type Sealer interface {
	Seal(ctx context.Context, c SealContext, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, c SealContext, blob []byte) ([]byte, error)
}
