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

// FieldSealer seals many small values of a tenant (the PII fields of
// records read in lists, first answers that carry them) without a KMS call
// each; a value is bound to its record field as well as to the context, so
// it does not open in another record. The envelope adapter's Fields
// implements it; the store takes it as this port, so a function that
// seals nothing links no KMS client.
type FieldSealer interface {
	Seal(ctx context.Context, c SealContext, field string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, c SealContext, field string, blob []byte) ([]byte, error)
}
