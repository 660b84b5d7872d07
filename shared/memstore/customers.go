package memstore

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Customers is the in-memory twin of the customer store and the limit
// counters (sg.CustomerStore, sg.LimitCounters). Like the DynamoDB adapter
// it keeps each record as encoded bytes with no PII field at all (a
// customer's PII is only ever held sealed), so a test can scan everything
// it stores (Items) for plaintext. Customers are written once and then
// over the version read; the expiry index holds verified customers with an
// expiry only; usage and a reservation are written together or not at all.
// Times come back at the microsecond, UTC. The zero value is not usable;
// call NewCustomers.
type Customers struct {
	mu        sync.Mutex
	customers map[string][]byte // tenant\x00id
	tiers     map[string][]byte // tenant
	usage     map[string][]byte // tenant\x00subject
	reserved  map[string][]byte // tenant\x00subject\x00id
}

var (
	_ sg.CustomerStore = (*Customers)(nil)
	_ sg.LimitCounters = (*Customers)(nil)
)

// NewCustomers is an empty store.
func NewCustomers() *Customers {
	return &Customers{customers: map[string][]byte{}, tiers: map[string][]byte{}, usage: map[string][]byte{}, reserved: map[string][]byte{}}
}

// customerRow is what is kept of a customer: everything but PII.
type customerRow struct {
	ID, TenantID string
	SealedPII    []byte
	SealedKey    []byte
	KYC          sg.KYC
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ErasedAt     time.Time
	Version      int64
}

func toCustomerRow(c sg.Customer) customerRow {
	k := c.KYC
	k.VerifiedAt, k.ExpiresAt, k.UpdatedAt = usec(k.VerifiedAt), usec(k.ExpiresAt), usec(k.UpdatedAt)
	return customerRow{ID: c.ID, TenantID: c.TenantID, SealedPII: c.SealedPII, SealedKey: c.SealedKey, KYC: k,
		CreatedAt: usec(c.CreatedAt), UpdatedAt: usec(c.UpdatedAt), ErasedAt: usec(c.ErasedAt), Version: c.Version}
}

func (r customerRow) customer() sg.Customer {
	return sg.Customer{ID: r.ID, TenantID: r.TenantID, SealedPII: r.SealedPII, SealedKey: r.SealedKey, KYC: r.KYC,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ErasedAt: r.ErasedAt, Version: r.Version}
}

func encodeCustomer(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("memstore: encode: " + err.Error())
	}
	return b
}

func decodeCustomerRow(b []byte) sg.Customer {
	var r customerRow
	if err := json.Unmarshal(b, &r); err != nil {
		panic("memstore: decode: " + err.Error())
	}
	return r.customer()
}

// Items are the encoded bytes of everything the store holds (for tests
// that look for plaintext PII).
func (st *Customers) Items() [][]byte {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out [][]byte
	for _, m := range []map[string][]byte{st.customers, st.tiers, st.usage, st.reserved} {
		for _, b := range m {
			out = append(out, append([]byte(nil), b...))
		}
	}
	return out
}

func customerKey(tenant, id string) string { return tenant + "\x00" + id }

// CreateCustomer writes c once, at Version 1.
func (st *Customers) CreateCustomer(_ context.Context, c sg.Customer) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.customers[customerKey(c.TenantID, c.ID)]; ok {
		return sg.ErrCustomerExists
	}
	c.Version = 1
	st.customers[customerKey(c.TenantID, c.ID)] = encodeCustomer(toCustomerRow(c))
	return nil
}

// Customer is the tenant's customer.
func (st *Customers) Customer(_ context.Context, tenant, id string) (sg.Customer, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.customers[customerKey(tenant, id)]
	if !ok {
		return sg.Customer{}, sg.ErrNotFound
	}
	return decodeCustomerRow(b), nil
}

// UpdateCustomer writes c over the version read.
func (st *Customers) UpdateCustomer(_ context.Context, c sg.Customer) (sg.Customer, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.customers[customerKey(c.TenantID, c.ID)]
	if !ok {
		return sg.Customer{}, sg.ErrNotFound
	}
	if decodeCustomerRow(b).Version != c.Version {
		return sg.Customer{}, sg.ErrCustomerChanged
	}
	c.Version++
	row := encodeCustomer(toCustomerRow(c))
	st.customers[customerKey(c.TenantID, c.ID)] = row
	return decodeCustomerRow(row), nil
}

// CustomersByStatus lists the tenant's customers in status s, oldest first.
func (st *Customers) CustomersByStatus(_ context.Context, tenant string, s sg.KYCStatus, page sg.Page) ([]sg.Customer, string, error) {
	st.mu.Lock()
	var all []sg.Customer
	for _, b := range st.customers {
		c := decodeCustomerRow(b)
		if c.TenantID == tenant && c.KYC.Status == s {
			all = append(all, c)
		}
	}
	st.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreatedAt.Equal(all[j].CreatedAt) {
			return all[i].CreatedAt.Before(all[j].CreatedAt)
		}
		return all[i].ID < all[j].ID
	})
	start := 0
	if page.Cursor != "" {
		n, err := strconv.Atoi(page.Cursor)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", sg.ErrInvalidCursor
		}
		start = n
	}
	limit := page.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

// ExpiringCustomers are verified customers whose verification expires at
// or before `before`, soonest first.
func (st *Customers) ExpiringCustomers(_ context.Context, before time.Time, limit int) ([]sg.Customer, error) {
	st.mu.Lock()
	var all []sg.Customer
	for _, b := range st.customers {
		c := decodeCustomerRow(b)
		if c.KYC.Status == sg.KYCVerified && !c.KYC.ExpiresAt.IsZero() && !c.KYC.ExpiresAt.After(before) {
			all = append(all, c)
		}
	}
	st.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].KYC.ExpiresAt.Before(all[j].KYC.ExpiresAt) })
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// DestroyCustomerKey deletes the sealed data key and marks the customer erased.
func (st *Customers) DestroyCustomerKey(_ context.Context, tenant, id string, at time.Time) (sg.Customer, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.customers[customerKey(tenant, id)]
	if !ok {
		return sg.Customer{}, sg.ErrNotFound
	}
	c := decodeCustomerRow(b)
	if c.Erased() {
		return c, nil
	}
	c.SealedKey, c.ErasedAt, c.UpdatedAt = nil, at, at
	c.Version++
	row := encodeCustomer(toCustomerRow(c))
	st.customers[customerKey(tenant, id)] = row
	return decodeCustomerRow(row), nil
}

type customerTiersRow struct {
	Table     sg.TierTable
	Version   int64
	UpdatedAt time.Time
}

// Tiers is the tenant's tier table, or the default at Version 0.
func (st *Customers) Tiers(_ context.Context, tenant string) (sg.TierTable, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.tiers[tenant]
	if !ok {
		return sg.DefaultTierTable(tenant), nil
	}
	var r customerTiersRow
	if err := json.Unmarshal(b, &r); err != nil {
		return sg.TierTable{}, sg.Internal("memstore.Tiers", err)
	}
	r.Table.TenantID, r.Table.Version, r.Table.UpdatedAt = tenant, r.Version, r.UpdatedAt
	return r.Table, nil
}

// PutTiers writes tt over its version.
func (st *Customers) PutTiers(_ context.Context, tt sg.TierTable) (sg.TierTable, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var cur int64
	if b, ok := st.tiers[tt.TenantID]; ok {
		var r customerTiersRow
		_ = json.Unmarshal(b, &r)
		cur = r.Version
	}
	if cur != tt.Version {
		return sg.TierTable{}, sg.ErrTiersChanged
	}
	tt.Version++
	tt.UpdatedAt = usec(tt.UpdatedAt)
	st.tiers[tt.TenantID] = encodeCustomer(customerTiersRow{Table: tt, Version: tt.Version, UpdatedAt: tt.UpdatedAt})
	return tt, nil
}

// LimitUsage is the subject's usage.
func (st *Customers) LimitUsage(_ context.Context, tenant, subject string) (sg.LimitUsage, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u := sg.LimitUsage{TenantID: tenant, Subject: subject, Buckets: map[string]sg.Amount{}}
	if b, ok := st.usage[customerKey(tenant, subject)]; ok {
		if err := json.Unmarshal(b, &u); err != nil {
			return sg.LimitUsage{}, sg.Internal("memstore.LimitUsage", err)
		}
	}
	return u, nil
}

// LimitReservation is one reservation.
func (st *Customers) LimitReservation(_ context.Context, tenant, subject, id string) (sg.LimitReservation, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.reserved[customerKey(customerKey(tenant, subject), id)]
	if !ok {
		return sg.LimitReservation{}, sg.ErrNotFound
	}
	var r sg.LimitReservation
	if err := json.Unmarshal(b, &r); err != nil {
		return sg.LimitReservation{}, sg.Internal("memstore.LimitReservation", err)
	}
	return r, nil
}

// SaveLimits writes u and r together over u's version and r's state.
func (st *Customers) SaveLimits(_ context.Context, u sg.LimitUsage, r sg.LimitReservation, from sg.ReservationState) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	var cur int64
	if b, ok := st.usage[customerKey(u.TenantID, u.Subject)]; ok {
		var have sg.LimitUsage
		_ = json.Unmarshal(b, &have)
		cur = have.Version
	}
	if cur != u.Version {
		return sg.ErrLimitsChanged
	}
	rk := customerKey(customerKey(r.TenantID, r.Subject), r.ID)
	b, exists := st.reserved[rk]
	switch {
	case from == "" && exists:
		return sg.ErrLimitsChanged
	case from != "" && !exists:
		return sg.ErrLimitsChanged
	case from != "":
		var have sg.LimitReservation
		_ = json.Unmarshal(b, &have)
		if have.State != from {
			return sg.ErrLimitsChanged
		}
	}
	st.writeLimitsLocked(u, r)
	return nil
}

// claimableLocked is SaveLimits' check for a new reservation, under st.mu.
func (st *Customers) claimableLocked(u sg.LimitUsage, r sg.LimitReservation) error {
	var cur int64
	if b, ok := st.usage[customerKey(u.TenantID, u.Subject)]; ok {
		var have sg.LimitUsage
		_ = json.Unmarshal(b, &have)
		cur = have.Version
	}
	if _, exists := st.reserved[customerKey(customerKey(r.TenantID, r.Subject), r.ID)]; exists || cur != u.Version {
		return sg.ErrLimitsChanged
	}
	return nil
}

// writeLimitsLocked stores u (its version moved on) and r, under st.mu.
func (st *Customers) writeLimitsLocked(u sg.LimitUsage, r sg.LimitReservation) {
	u.Version++
	r.At, r.UpdatedAt = usec(r.At), usec(r.UpdatedAt)
	st.usage[customerKey(u.TenantID, u.Subject)] = encodeCustomer(u)
	st.reserved[customerKey(customerKey(r.TenantID, r.Subject), r.ID)] = encodeCustomer(r)
}

var _ sg.LimitSnapshots = (*Customers)(nil)

// LimitSnapshot reads the tier table, the subject's usage and the
// reservation under id (nil if none), as the adapter does in one batch.
func (st *Customers) LimitSnapshot(ctx context.Context, tenant, subject, id string) (sg.TierTable, sg.LimitUsage, *sg.LimitReservation, error) {
	tt, err := st.Tiers(ctx, tenant)
	if err != nil {
		return sg.TierTable{}, sg.LimitUsage{}, nil, err
	}
	u, err := st.LimitUsage(ctx, tenant, subject)
	if err != nil {
		return sg.TierTable{}, sg.LimitUsage{}, nil, err
	}
	r, err := st.LimitReservation(ctx, tenant, subject, id)
	switch {
	case errors.Is(err, sg.ErrNotFound):
		return tt, u, nil, nil
	case err != nil:
		return sg.TierTable{}, sg.LimitUsage{}, nil, err
	}
	return tt, u, &r, nil
}
