package compliance

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Customers keeps a tenant's end customers. Their PII is sealed per
// customer under its own data key (see privacy.go) before it reaches the
// store, and opened only for the calls that return it. Logs name ids,
// never PII.
type Customers struct {
	Store  sg.CustomerStore
	Sealer sg.Sealer
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log hears of creations, KYC changes and erasures, by id only (nil: slog.Default()).
	Log *slog.Logger
}

func (s *Customers) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Customers) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// customerCreateOp names the idempotent create in keyed ids.
const customerCreateOp = "customers.create"

// Create makes a customer from pii, once per idempotency key: a retry with
// the same key and the same PII returns the first customer, one with other
// PII is ErrIdempotencyKeyReused. The customer starts with KYC none.
func (s *Customers) Create(ctx context.Context, tenant, idemKey string, pii sg.CustomerPII) (sg.Customer, error) {
	if err := pii.Validate(); err != nil {
		return sg.Customer{}, err
	}
	if idemKey == "" {
		return sg.Customer{}, sg.ErrIdempotencyKeyMissing
	}
	now := s.now()
	id := sg.NewKeyedID(sg.CustomerIDPrefix, now, tenant, customerCreateOp, idemKey)
	sealedKey, sealedPII, err := sealNew(ctx, s.Sealer, tenant, id, pii)
	if err != nil {
		return sg.Customer{}, err
	}
	c := sg.Customer{ID: id, TenantID: tenant, SealedPII: sealedPII, SealedKey: sealedKey,
		KYC: sg.KYC{Status: sg.KYCNone, UpdatedAt: now}, CreatedAt: now, UpdatedAt: now}
	err = s.Store.CreateCustomer(ctx, c)
	if errors.Is(err, sg.ErrCustomerExists) {
		first, err := s.Get(ctx, tenant, id)
		if err != nil {
			return sg.Customer{}, err
		}
		if !reflect.DeepEqual(normPII(first.PII), normPII(pii)) {
			return sg.Customer{}, sg.ErrIdempotencyKeyReused
		}
		return first, nil
	}
	if err != nil {
		return sg.Customer{}, err
	}
	s.log().InfoContext(ctx, "customer created", "tenant", tenant, "customer", id)
	c.Version, c.PII = 1, pii
	return c, nil
}

func normPII(p sg.CustomerPII) sg.CustomerPII {
	if len(p.Documents) == 0 {
		p.Documents = nil
	}
	return p
}

// Get reads the tenant's customer with its PII opened ("[erased]" once
// erased). Another tenant's customer is ErrNotFound.
func (s *Customers) Get(ctx context.Context, tenant, id string) (sg.Customer, error) {
	c, err := s.Store.Customer(ctx, tenant, id)
	if err != nil {
		return sg.Customer{}, err
	}
	return s.open(ctx, c)
}

func (s *Customers) open(ctx context.Context, c sg.Customer) (sg.Customer, error) {
	if c.Erased() {
		c.PII = sg.ErasedCustomerPII()
		return c, nil
	}
	pii, err := openPII(ctx, s.Sealer, c)
	if err != nil {
		return sg.Customer{}, err
	}
	c.PII = pii
	return c, nil
}

// UpdatePII replaces the customer's PII over the version read, sealed under
// the customer's existing data key. An erased customer cannot change.
func (s *Customers) UpdatePII(ctx context.Context, tenant, id string, version int64, pii sg.CustomerPII) (sg.Customer, error) {
	if err := pii.Validate(); err != nil {
		return sg.Customer{}, err
	}
	c, err := s.Store.Customer(ctx, tenant, id)
	if err != nil {
		return sg.Customer{}, err
	}
	if c.Erased() {
		return sg.Customer{}, sg.ErrCustomerErased
	}
	if c.Version != version {
		return sg.Customer{}, sg.ErrCustomerChanged
	}
	sealed, err := resealPII(ctx, s.Sealer, c, pii)
	if err != nil {
		return sg.Customer{}, err
	}
	c.SealedPII, c.UpdatedAt = sealed, s.now()
	up, err := s.Store.UpdateCustomer(ctx, c)
	if err != nil {
		return sg.Customer{}, err
	}
	up.PII = pii
	return up, nil
}

// ByStatus lists the tenant's customers in KYC status st, oldest first,
// with their PII opened (the officer's review queue is ByStatus(pending)).
func (s *Customers) ByStatus(ctx context.Context, tenant string, st sg.KYCStatus, page sg.Page) ([]sg.Customer, string, error) {
	if !st.Valid() {
		return nil, "", sg.ErrValidation.WithParam("status")
	}
	list, next, err := s.Store.CustomersByStatus(ctx, tenant, st, page)
	if err != nil {
		return nil, "", err
	}
	for i, c := range list {
		if list[i], err = s.open(ctx, c); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// ComplianceView is what GET /v1/customers/{id}/compliance answers: the
// customer's KYC and tier, the limits of that tier with what is used of
// each window, and (placeholders until screening and cases fill them)
// a screening summary and the count of open cases. No PII.
type ComplianceView struct {
	CustomerID   string
	KYCStatus    sg.KYCStatus
	Tier         string
	KYCExpiresAt time.Time
	Capabilities []sg.Capability
	Limits       []LimitView
	Screening    ScreeningSummary
	OpenCases    int
}

// LimitView is one window of one scope: its limit (0: none), what is used
// and what remains.
type LimitView struct {
	Scope     string
	Window    sg.LimitWindow
	Limit     sg.Amount
	Used      sg.Amount
	Remaining sg.Amount
}

// ScreeningSummary is the customer's screening state (a placeholder the
// screening service fills: Status "not_screened" until it does).
type ScreeningSummary struct {
	Status      string
	ListVersion string
	Hits        int
}

// ComplianceViews builds the view from the customer, its limits and the
// optional screening and case readers.
type ComplianceViews struct {
	Customers *Customers
	Limits    *Limits
	// Screening and OpenCases fill their parts when set.
	Screening func(ctx context.Context, tenant, customer string) (ScreeningSummary, error)
	OpenCases func(ctx context.Context, tenant, customer string) (int, error)
}

// View is the customer's compliance view at time at.
func (v *ComplianceViews) View(ctx context.Context, tenant, customerID string, at time.Time) (ComplianceView, error) {
	c, err := v.Customers.Store.Customer(ctx, tenant, customerID)
	if err != nil {
		return ComplianceView{}, err
	}
	r, err := v.Limits.resolve(ctx, tenant, customerID, at)
	if err != nil {
		return ComplianceView{}, err
	}
	u, err := v.Limits.Counters.LimitUsage(ctx, tenant, customerID)
	if err != nil {
		return ComplianceView{}, err
	}
	out := ComplianceView{CustomerID: c.ID, KYCStatus: r.status, Tier: r.tier.Name, KYCExpiresAt: c.KYC.ExpiresAt,
		Capabilities: append([]sg.Capability(nil), r.tier.Capabilities...), Screening: ScreeningSummary{Status: "not_screened"}}
	for _, sc := range tierScopes(r.tier) {
		for _, w := range []sg.LimitWindow{sg.WindowSingle, sg.WindowDay, sg.WindowMonth} {
			lim := tierLimitOf(sc.limits, w)
			lv := LimitView{Scope: sc.name, Window: w, Limit: lim}
			if w != sg.WindowSingle {
				lv.Used = u.Used(sc.name, w, at)
			}
			if lim > 0 {
				lv.Remaining = max(lim-lv.Used, 0)
			}
			out.Limits = append(out.Limits, lv)
		}
	}
	if v.Screening != nil {
		if out.Screening, err = v.Screening(ctx, tenant, customerID); err != nil {
			return ComplianceView{}, err
		}
	}
	if v.OpenCases != nil {
		if out.OpenCases, err = v.OpenCases(ctx, tenant, customerID); err != nil {
			return ComplianceView{}, err
		}
	}
	return out, nil
}
