package compliance

import (
	"context"
	"errors"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// KYC runs customers' identity verification: Start hands the customer to
// the provider (status pending), Callback takes the provider's signed
// verdict (verified, rejected, or pending for an officer's review),
// Review is an officer's decision on a pending customer (the handler
// requires scope compliance), and ExpireDue moves verifications past
// their expiry to expired, from the store's expiry index.
type KYC struct {
	Customers *Customers
	Provider  sg.KYCProvider
}

// Start begins a verification for tier ("" for the tenant's verified
// tier) and returns the customer, pending, with where to complete it.
func (k *KYC) Start(ctx context.Context, tenant, id, tier string) (sg.Customer, sg.KYCStart, error) {
	s := k.Customers
	tt, err := s.Store.Tiers(ctx, tenant)
	if err != nil {
		return sg.Customer{}, sg.KYCStart{}, err
	}
	if tier == "" {
		tier = tt.Verified
	}
	if _, ok := tt.Tier(tier); !ok {
		return sg.Customer{}, sg.KYCStart{}, sg.ErrValidation.WithParam("tier")
	}
	c, err := s.Store.Customer(ctx, tenant, id)
	if err != nil {
		return sg.Customer{}, sg.KYCStart{}, err
	}
	if c.Erased() {
		return sg.Customer{}, sg.KYCStart{}, sg.ErrCustomerErased
	}
	st, err := k.Provider.Start(ctx, tenant, id, tier)
	if err != nil {
		return sg.Customer{}, sg.KYCStart{}, err
	}
	now := s.now()
	c.KYC = sg.KYC{Status: sg.KYCPending, Tier: tier, Provider: k.Provider.Name(), ProviderRef: st.ProviderRef, UpdatedAt: now}
	c.UpdatedAt = now
	up, err := s.Store.UpdateCustomer(ctx, c)
	if err != nil {
		return sg.Customer{}, sg.KYCStart{}, err
	}
	s.log().InfoContext(ctx, "kyc started", "tenant", tenant, "customer", id, "provider", k.Provider.Name())
	return up, st, nil
}

// Callback verifies a provider callback (signature header value and raw
// body) and applies its verdict. A forged, altered or stale callback is
// ErrKYCCallbackInvalid and changes nothing. Applying the same verdict
// again changes nothing (providers redeliver). A verdict for an earlier
// verification of the customer (another provider reference) is ignored.
func (k *KYC) Callback(ctx context.Context, signature string, body []byte) (sg.Customer, error) {
	s := k.Customers
	cb, err := k.Provider.VerifyCallback(ctx, signature, body, s.now())
	if err != nil {
		if sg.KindOf(err) == sg.KindRefused {
			return sg.Customer{}, err
		}
		return sg.Customer{}, sg.ErrKYCCallbackInvalid.Because("compliance.Callback", err)
	}
	for attempt := 0; attempt < limitMaxAttempts; attempt++ {
		c, err := s.Store.Customer(ctx, cb.TenantID, cb.CustomerID)
		if errors.Is(err, sg.ErrNotFound) {
			return sg.Customer{}, sg.ErrKYCCallbackInvalid.WithMessage("the callback names no customer of the tenant")
		}
		if err != nil {
			return sg.Customer{}, err
		}
		if c.KYC.ProviderRef != cb.ProviderRef || c.KYC.Provider != k.Provider.Name() || c.Erased() {
			return c, nil
		}
		next, changed, err := k.apply(ctx, c, cb)
		if err != nil || !changed {
			return next, err
		}
		up, err := s.Store.UpdateCustomer(ctx, next)
		if errors.Is(err, sg.ErrCustomerChanged) {
			continue
		}
		if err != nil {
			return sg.Customer{}, err
		}
		s.log().InfoContext(ctx, "kyc status changed", "tenant", c.TenantID, "customer", c.ID, "status", string(up.KYC.Status), "by", "provider")
		return up, nil
	}
	return sg.Customer{}, sg.Unavailable("compliance.Callback", errors.New("the customer kept changing"))
}

// apply is c after callback cb, and whether anything changed.
func (k *KYC) apply(ctx context.Context, c sg.Customer, cb sg.KYCCallback) (sg.Customer, bool, error) {
	from := c.KYC.Status
	switch {
	case from == cb.Status:
		return c, false, nil
	case from == sg.KYCPending && (cb.Status == sg.KYCVerified || cb.Status == sg.KYCRejected):
	case from == sg.KYCVerified && cb.Status == sg.KYCRejected: // the provider revokes
	default:
		return c, false, nil
	}
	now := k.Customers.now()
	c.KYC.Status, c.KYC.Reason, c.KYC.UpdatedAt, c.UpdatedAt = cb.Status, cb.Reason, now, now
	if cb.Status == sg.KYCVerified {
		tt, err := k.Customers.Store.Tiers(ctx, c.TenantID)
		if err != nil {
			return c, false, err
		}
		kycVerify(&c, tt, cb.At, cb.ExpiresAt)
	} else {
		c.KYC.VerifiedAt, c.KYC.ExpiresAt = time.Time{}, time.Time{}
	}
	return c, true, nil
}

func kycVerify(c *sg.Customer, tt sg.TierTable, at, expires time.Time) {
	if at.IsZero() {
		at = c.KYC.UpdatedAt
	}
	if c.KYC.Tier == "" {
		c.KYC.Tier = tt.Verified
	}
	if expires.IsZero() || !expires.After(at) {
		expires = at.Add(tt.KYCValidity)
	}
	c.KYC.Status, c.KYC.VerifiedAt, c.KYC.ExpiresAt = sg.KYCVerified, at.UTC(), expires.UTC()
}

// Queue is the officers' review queue: pending customers, oldest first.
func (k *KYC) Queue(ctx context.Context, tenant string, page sg.Page) ([]sg.Customer, string, error) {
	return k.Customers.ByStatus(ctx, tenant, sg.KYCPending, page)
}

// KYCDecision is an officer's review of a pending customer.
type KYCDecision struct {
	Approve bool
	// Tier to grant on approval ("" keeps the tier asked for).
	Tier string
	// Reason is required; it is kept on the customer and must hold no PII.
	Reason string
	// Officer is the subject of the officer's token.
	Officer string
}

// Review applies an officer's decision to a pending customer over the
// version the officer read: approve verifies it (into d.Tier or the tier
// asked for), reject rejects it. The handler requires scope compliance.
func (k *KYC) Review(ctx context.Context, tenant, id string, version int64, d KYCDecision) (sg.Customer, error) {
	s := k.Customers
	if strings.TrimSpace(d.Reason) == "" || len(d.Reason) > 500 {
		return sg.Customer{}, sg.ErrValidation.WithParam("reason")
	}
	if d.Officer == "" {
		return sg.Customer{}, sg.ErrUnauthenticated
	}
	c, err := s.Store.Customer(ctx, tenant, id)
	if err != nil {
		return sg.Customer{}, err
	}
	if c.Version != version {
		return sg.Customer{}, sg.ErrCustomerChanged
	}
	if c.KYC.Status != sg.KYCPending {
		return sg.Customer{}, sg.ErrKYCNotPending
	}
	if c.Erased() {
		return sg.Customer{}, sg.ErrCustomerErased
	}
	now := s.now()
	c.KYC.Reason, c.KYC.ReviewedBy, c.KYC.UpdatedAt, c.UpdatedAt = d.Reason, d.Officer, now, now
	if d.Approve {
		tt, err := s.Store.Tiers(ctx, tenant)
		if err != nil {
			return sg.Customer{}, err
		}
		if d.Tier != "" {
			if _, ok := tt.Tier(d.Tier); !ok {
				return sg.Customer{}, sg.ErrValidation.WithParam("tier")
			}
			c.KYC.Tier = d.Tier
		}
		kycVerify(&c, tt, now, time.Time{})
	} else {
		c.KYC.Status = sg.KYCRejected
	}
	up, err := s.Store.UpdateCustomer(ctx, c)
	if err != nil {
		return sg.Customer{}, err
	}
	s.log().InfoContext(ctx, "kyc status changed", "tenant", tenant, "customer", id, "status", string(up.KYC.Status), "by", "officer")
	return up, nil
}

// ExpireDue moves up to limit verifications whose expiry is at or before
// now to expired (the scheduled job calls it until it returns 0). It reads
// the store's sparse expiry index, never scanning customers. A customer
// changed meanwhile is left to the next run.
func (k *KYC) ExpireDue(ctx context.Context, limit int) (int, error) {
	s := k.Customers
	now := s.now()
	due, err := s.Store.ExpiringCustomers(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		if c.KYC.Status != sg.KYCVerified || c.KYC.ExpiresAt.After(now) {
			continue
		}
		c.KYC.Status, c.KYC.UpdatedAt, c.UpdatedAt = sg.KYCExpired, now, now
		c.KYC.Reason = "verification expired"
		_, err := s.Store.UpdateCustomer(ctx, c)
		if errors.Is(err, sg.ErrCustomerChanged) {
			continue
		}
		if err != nil {
			return n, err
		}
		s.log().InfoContext(ctx, "kyc status changed", "tenant", c.TenantID, "customer", c.ID, "status", string(sg.KYCExpired), "by", "expiry")
		n++
	}
	return n, nil
}
