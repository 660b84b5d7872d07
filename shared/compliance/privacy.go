package compliance

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Each customer's PII is sealed in two layers. The customer's data key
// (AES-256, random) seals the PII as JSON with AES-GCM, bound as
// additional data to the tenant and the customer id, so a blob moved to
// another customer does not open. The data key itself is stored only
// sealed by the Sealer (KMS envelope in production) for the context
// (tenant, "customer-pii:<id>"). Erasure deletes the sealed data key:
// the PII blob stays where it is and can no longer be opened by anyone,
// while the ledger (which names wallets, not people) and the audit chain
// stay intact.

const piiVersion = 1

// errPIICannotOpen: the PII blob does not open (altered, or moved).
var errPIICannotOpen = errors.New("compliance: customer PII does not open")

func piiAAD(tenant, id string) []byte {
	b := []byte{piiVersion}
	for _, s := range []string{tenant, id} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

func piiSealWith(key []byte, tenant, id string, pii sg.CustomerPII) ([]byte, error) {
	plain, err := json.Marshal(pii)
	if err != nil {
		return nil, sg.Internal("compliance.sealPII", err)
	}
	defer clear(plain)
	aead, err := piiGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, sg.Internal("compliance.sealPII", err)
	}
	out := append([]byte{piiVersion}, nonce...)
	return aead.Seal(out, nonce, plain, piiAAD(tenant, id)), nil
}

func piiGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, sg.Internal("compliance.pii", err)
	}
	a, err := cipher.NewGCM(b)
	if err != nil {
		return nil, sg.Internal("compliance.pii", err)
	}
	return a, nil
}

func piiKeyContext(tenant, id string) sg.SealContext {
	return sg.SealContext{Tenant: tenant, Purpose: sg.CustomerKeyPurpose(id)}
}

// sealNew makes the customer's data key and seals pii under it.
func sealNew(ctx context.Context, sealer sg.Sealer, tenant, id string, pii sg.CustomerPII) (sealedKey, sealedPII []byte, err error) {
	key := make([]byte, 32)
	defer clear(key)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, sg.Internal("compliance.sealPII", err)
	}
	if sealedKey, err = sealer.Seal(ctx, piiKeyContext(tenant, id), key); err != nil {
		return nil, nil, err
	}
	if sealedPII, err = piiSealWith(key, tenant, id, pii); err != nil {
		return nil, nil, err
	}
	return sealedKey, sealedPII, nil
}

func openKey(ctx context.Context, sealer sg.Sealer, c sg.Customer) ([]byte, error) {
	if c.Erased() || len(c.SealedKey) == 0 {
		return nil, sg.ErrCustomerErased
	}
	key, err := sealer.Open(ctx, piiKeyContext(c.TenantID, c.ID), c.SealedKey)
	if err != nil {
		return nil, sg.Internal("compliance.openPII", err)
	}
	return key, nil
}

// resealPII seals pii under c's existing data key.
func resealPII(ctx context.Context, sealer sg.Sealer, c sg.Customer, pii sg.CustomerPII) ([]byte, error) {
	key, err := openKey(ctx, sealer, c)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	return piiSealWith(key, c.TenantID, c.ID, pii)
}

// openPII opens c's PII with its data key.
func openPII(ctx context.Context, sealer sg.Sealer, c sg.Customer) (sg.CustomerPII, error) {
	key, err := openKey(ctx, sealer, c)
	if err != nil {
		return sg.CustomerPII{}, err
	}
	defer clear(key)
	b := c.SealedPII
	if len(b) < 1+12+16 || b[0] != piiVersion {
		return sg.CustomerPII{}, sg.Internal("compliance.openPII", errPIICannotOpen)
	}
	aead, err := piiGCM(key)
	if err != nil {
		return sg.CustomerPII{}, err
	}
	plain, err := aead.Open(nil, b[1:13], b[13:], piiAAD(c.TenantID, c.ID))
	if err != nil {
		return sg.CustomerPII{}, sg.Internal("compliance.openPII", errPIICannotOpen)
	}
	defer clear(plain)
	var pii sg.CustomerPII
	if err := json.Unmarshal(plain, &pii); err != nil {
		return sg.CustomerPII{}, sg.Internal("compliance.openPII", errPIICannotOpen)
	}
	return pii, nil
}

// EraseCustomer destroys the customer's data key and marks the record
// erased (idempotent). The customer, its KYC status and its limits stay
// (the ledger and audit chain refer to them); its PII reads "[erased]"
// from then on and cannot be opened, even from a copy of the table.
func (s *Customers) EraseCustomer(ctx context.Context, tenant, id string) (sg.Customer, error) {
	c, err := s.Store.DestroyCustomerKey(ctx, tenant, id, s.now())
	if err != nil {
		return sg.Customer{}, err
	}
	s.log().InfoContext(ctx, "customer erased", "tenant", tenant, "customer", id)
	c.PII = sg.ErasedCustomerPII()
	return c, nil
}

// CustomerExport is a customer's data as exported (JSON, for a subject
// access request).
type CustomerExport struct {
	ID         string          `json:"id"`
	PII        sg.CustomerPII  `json:"personal_data"`
	KYC        CustomerKYCJSON `json:"kyc"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	ExportedAt time.Time       `json:"exported_at"`
}

// CustomerKYCJSON is a customer's KYC state as exported.
type CustomerKYCJSON struct {
	Status      sg.KYCStatus `json:"status"`
	Tier        string       `json:"tier,omitempty"`
	Provider    string       `json:"provider,omitempty"`
	ProviderRef string       `json:"provider_ref,omitempty"`
	VerifiedAt  *time.Time   `json:"verified_at,omitempty"`
	ExpiresAt   *time.Time   `json:"expires_at,omitempty"`
	Reason      string       `json:"reason,omitempty"`
}

func exportTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ExportCustomer is the customer's data as JSON. An erased customer has
// nothing left to export: ErrCustomerErased.
func (s *Customers) ExportCustomer(ctx context.Context, tenant, id string) ([]byte, error) {
	c, err := s.Store.Customer(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if c.Erased() {
		return nil, sg.ErrCustomerErased
	}
	if c, err = s.open(ctx, c); err != nil {
		return nil, err
	}
	k := c.KYC
	out := CustomerExport{ID: c.ID, PII: c.PII, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ExportedAt: s.now(),
		KYC: CustomerKYCJSON{Status: k.Status, Tier: k.Tier, Provider: k.Provider, ProviderRef: k.ProviderRef,
			VerifiedAt: exportTime(k.VerifiedAt), ExpiresAt: exportTime(k.ExpiresAt), Reason: k.Reason}}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, sg.Internal("compliance.ExportCustomer", err)
	}
	return b, nil
}
