package memstore

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Invoices is the in-memory twin of the acquiring stores: invoices with
// their payments and outboxes (sg.InvoiceStore), tenants' invoice policies
// (sg.InvoicePolicies) and locked fx rates (sg.FxQuotes). It keeps the
// adapter's semantics: a create writes the invoice, its lookups and its
// idempotency record all or nothing; an update applies only over the
// version read and writes a payment once per Ref, moving it only from the
// state named; the expiry index holds only invoices awaiting payment.
//
// It keeps idempotency records of its own (the acquiring operations'),
// answered by its Idempotency method.
type Invoices struct {
	// Now is the clock of idempotency records; tests set it.
	Now func() time.Time

	mu       sync.Mutex
	writes   int
	idem     map[string]idemRecord
	invs     map[string]*invRecord // tenant\x00id
	tokens   map[string]string     // token -> tenant\x00id
	wallets  map[string]string     // tenant\x00wallet -> id
	policies map[string]sg.InvoicePolicy
	quotes   map[string]sg.FxQuote // tenant\x00id
}

type invRecord struct {
	inv      sg.Invoice // without payments and outbox
	payments map[string]sg.InvoicePayment
	outbox   map[string]sg.InvoiceEvent
}

// NewInvoices returns an empty store on the wall clock.
func NewInvoices() *Invoices {
	return &Invoices{Now: time.Now, idem: map[string]idemRecord{}, invs: map[string]*invRecord{}, tokens: map[string]string{},
		wallets: map[string]string{}, policies: map[string]sg.InvoicePolicy{}, quotes: map[string]sg.FxQuote{}}
}

var (
	_ sg.InvoiceStore    = (*Invoices)(nil)
	_ sg.InvoicePolicies = (*Invoices)(nil)
	_ sg.FxQuotes        = (*Invoices)(nil)
)

// Writes counts the writes that changed something (a test's proof that a
// refused request wrote nothing).
func (s *Invoices) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func invKey(tenant, id string) string { return tenant + "\x00" + id }

// Idempotency reads a live record or returns ErrNotFound.
func (s *Invoices) Idempotency(_ context.Context, tenant, op, key string) (sg.Idempotency, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.idem[idemKey(tenant, op, key)]
	if !ok || s.Now().After(r.expires) {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	out := r.Idempotency
	out.Response = append([]byte(nil), r.Response...)
	return out, nil
}

// CreateInvoice writes the invoice, its token and wallet lookups, its
// outbox and the idempotency record, all or nothing.
func (s *Invoices) CreateInvoice(_ context.Context, inv sg.Invoice, idem sg.Idempotency) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	ik := idemKey(idem.TenantID, idem.Operation, idem.Key)
	if r, ok := s.idem[ik]; ok && !now.After(r.expires) {
		return sg.ErrIdempotencyInProgress
	}
	k := invKey(inv.TenantID, inv.ID)
	if _, ok := s.invs[k]; ok {
		return sg.Internal("memstore.CreateInvoice", fmt.Errorf("invoice %s exists", inv.ID))
	}
	if _, ok := s.tokens[inv.CheckoutToken]; ok || inv.CheckoutToken == "" {
		return sg.Internal("memstore.CreateInvoice", fmt.Errorf("invoice %s: checkout token taken or empty", inv.ID))
	}
	wk := invKey(inv.TenantID, inv.WalletID)
	if _, ok := s.wallets[wk]; ok || inv.WalletID == "" {
		return sg.Internal("memstore.CreateInvoice", fmt.Errorf("invoice %s: wallet %s taken or empty", inv.ID, inv.WalletID))
	}
	rec := &invRecord{inv: copyInvoice(inv), payments: map[string]sg.InvoicePayment{}, outbox: map[string]sg.InvoiceEvent{}}
	rec.inv.Version, rec.inv.Payments, rec.inv.Outbox = 1, nil, nil
	for _, e := range inv.Outbox {
		rec.outbox[e.ID] = copyEvent(e)
	}
	s.invs[k] = rec
	s.tokens[inv.CheckoutToken] = k
	s.wallets[wk] = inv.ID
	idem.CreatedAt = now.UTC()
	idem.Response = append([]byte(nil), idem.Response...)
	s.idem[ik] = idemRecord{Idempotency: idem, expires: now.Add(IdempotencyTTL)}
	s.writes++
	return nil
}

func (s *Invoices) read(rec *invRecord, withPayments bool) sg.Invoice {
	inv := copyInvoice(rec.inv)
	inv.Payments, inv.Outbox = nil, nil
	if withPayments {
		for _, p := range rec.payments {
			inv.Payments = append(inv.Payments, p)
		}
		sort.Slice(inv.Payments, func(i, j int) bool {
			a, b := inv.Payments[i], inv.Payments[j]
			if !a.SeenAt.Equal(b.SeenAt) {
				return a.SeenAt.Before(b.SeenAt)
			}
			return a.Ref < b.Ref
		})
	}
	for _, e := range rec.outbox {
		inv.Outbox = append(inv.Outbox, copyEvent(e))
	}
	sort.Slice(inv.Outbox, func(i, j int) bool {
		if inv.Outbox[i].Seq != inv.Outbox[j].Seq {
			return inv.Outbox[i].Seq < inv.Outbox[j].Seq
		}
		return inv.Outbox[i].ID < inv.Outbox[j].ID
	})
	return inv
}

// Invoice returns the tenant's invoice with its payments.
func (s *Invoices) Invoice(_ context.Context, tenant, id string) (sg.Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.invs[invKey(tenant, id)]
	if !ok {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("invoice_id")
	}
	return s.read(rec, true), nil
}

// InvoiceByToken returns the invoice of a checkout token.
func (s *Invoices) InvoiceByToken(_ context.Context, token string) (sg.Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.tokens[token]
	if !ok || token == "" {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("token")
	}
	return s.read(s.invs[k], true), nil
}

// InvoiceByWallet returns the invoice whose wallet this is.
func (s *Invoices) InvoiceByWallet(_ context.Context, tenant, wallet string) (sg.Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.wallets[invKey(tenant, wallet)]
	if !ok {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	return s.read(s.invs[invKey(tenant, id)], true), nil
}

// Invoices lists the tenant's invoices newest first (by id, which sorts by
// creation time); the cursor is the last id of the page.
func (s *Invoices) Invoices(_ context.Context, tenant string, f sg.InvoiceFilter, page sg.Page) ([]sg.Invoice, string, error) {
	if page.Cursor != "" && !sg.ValidID("inv", page.Cursor) {
		return nil, "", sg.ErrInvalidCursor
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []sg.Invoice
	for _, rec := range s.invs {
		inv := rec.inv
		if inv.TenantID != tenant || (page.Cursor != "" && inv.ID >= page.Cursor) {
			continue
		}
		if f.Status != "" && inv.Status != f.Status || f.OrderID != "" && inv.OrderID != f.OrderID {
			continue
		}
		if !f.CreatedFrom.IsZero() && inv.CreatedAt.Before(f.CreatedFrom) || !f.CreatedTo.IsZero() && !inv.CreatedAt.Before(f.CreatedTo) {
			continue
		}
		all = append(all, s.read(rec, false))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID > all[j].ID })
	limit := page.Limit
	if limit <= 0 {
		limit = 100
	}
	if len(all) <= limit {
		return all, "", nil
	}
	return all[:limit], all[limit-1].ID, nil
}

// UpdateInvoice applies u over the version read, all or nothing.
func (s *Invoices) UpdateInvoice(_ context.Context, u sg.InvoiceUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := u.Invoice
	rec, ok := s.invs[invKey(in.TenantID, in.ID)]
	if !ok {
		return sg.ErrNotFound.WithParam("invoice_id")
	}
	if rec.inv.Version != in.Version {
		return sg.ErrInvoiceChanged
	}
	if p := u.Payment; p != nil {
		old, had := rec.payments[p.Ref]
		switch {
		case u.PrevState == "" && had, u.PrevState != "" && (!had || old.State != u.PrevState):
			return sg.ErrInvoiceChanged
		case !p.State.Follows(u.PrevState):
			return sg.Internal("memstore.UpdateInvoice", fmt.Errorf("payment %s cannot go from %q to %q", p.Ref, u.PrevState, p.State))
		}
	}
	for _, e := range u.Events {
		if _, dup := rec.outbox[e.ID]; dup {
			return sg.Internal("memstore.UpdateInvoice", fmt.Errorf("event %s is in the outbox", e.ID))
		}
	}
	if p := u.Payment; p != nil {
		q := *p
		q.SeenAt, q.ConfirmedAt = q.SeenAt.UTC(), q.ConfirmedAt.UTC()
		rec.payments[p.Ref] = q
	}
	for _, e := range u.Events {
		rec.outbox[e.ID] = copyEvent(e)
	}
	rec.inv.Status, rec.inv.Paid, rec.inv.Pending, rec.inv.RefundDue = in.Status, in.Paid, in.Pending, in.RefundDue
	rec.inv.UpdatedAt, rec.inv.CancelledAt = in.UpdatedAt.UTC(), in.CancelledAt.UTC()
	rec.inv.Version++
	s.writes++
	return nil
}

// DueInvoices lists invoices awaiting payment whose expiry is at or before
// t, soonest first.
func (s *Invoices) DueInvoices(_ context.Context, t time.Time, limit int) ([]sg.InvoiceRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []sg.Invoice
	for _, rec := range s.invs {
		if rec.inv.Status.Awaiting() && !rec.inv.ExpiresAt.After(t) {
			due = append(due, rec.inv)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].ExpiresAt.Equal(due[j].ExpiresAt) {
			return due[i].ExpiresAt.Before(due[j].ExpiresAt)
		}
		return due[i].ID < due[j].ID
	})
	out := []sg.InvoiceRef{}
	for _, inv := range due {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, sg.InvoiceRef{TenantID: inv.TenantID, ID: inv.ID})
	}
	return out, nil
}

// OutboxInvoices lists invoices with events not yet cleared, oldest id first.
func (s *Invoices) OutboxInvoices(_ context.Context, limit int) ([]sg.InvoiceRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sg.InvoiceRef
	for _, rec := range s.invs {
		if len(rec.outbox) > 0 {
			out = append(out, sg.InvoiceRef{TenantID: rec.inv.TenantID, ID: rec.inv.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ClearOutbox removes the named events from the invoice's outbox.
func (s *Invoices) ClearOutbox(_ context.Context, tenant, id string, eventIDs []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.invs[invKey(tenant, id)]
	if !ok {
		return sg.ErrNotFound.WithParam("invoice_id")
	}
	n := len(rec.outbox)
	for _, e := range eventIDs {
		delete(rec.outbox, e)
	}
	if len(rec.outbox) != n {
		s.writes++
	}
	return nil
}

// InvoicePolicy returns the tenant's policy or ErrNotFound.
func (s *Invoices) InvoicePolicy(_ context.Context, tenant string) (sg.InvoicePolicy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.policies[tenant]
	if !ok {
		return sg.InvoicePolicy{}, sg.ErrNotFound
	}
	return p, nil
}

// PutInvoicePolicy sets the tenant's policy.
func (s *Invoices) PutInvoicePolicy(_ context.Context, tenant string, p sg.InvoicePolicy) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policies[tenant] = p
	s.writes++
	return nil
}

// PutFxQuote writes q once.
func (s *Invoices) PutFxQuote(_ context.Context, q sg.FxQuote) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := invKey(q.TenantID, q.ID)
	if _, ok := s.quotes[k]; ok {
		return sg.Internal("memstore.PutFxQuote", fmt.Errorf("fx quote %s exists", q.ID))
	}
	q.CreatedAt, q.ExpiresAt = q.CreatedAt.UTC(), q.ExpiresAt.UTC()
	s.quotes[k] = q
	s.writes++
	return nil
}

// FxQuote returns the tenant's quote; another tenant's is not found.
func (s *Invoices) FxQuote(_ context.Context, tenant, id string) (sg.FxQuote, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.quotes[invKey(tenant, id)]
	if !ok {
		return sg.FxQuote{}, sg.ErrNotFound.WithParam("fx_quote_id")
	}
	return q, nil
}

func copyEvent(e sg.InvoiceEvent) sg.InvoiceEvent {
	e.Data = append([]byte(nil), e.Data...)
	e.Created = e.Created.UTC()
	return e
}

func copyInvoice(inv sg.Invoice) sg.Invoice {
	inv.Chains = append([]sg.Chain(nil), inv.Chains...)
	inv.Addresses = append([]sg.DepositAddress(nil), inv.Addresses...)
	if inv.Fiat != nil {
		f := *inv.Fiat
		f.RateExpiresAt = f.RateExpiresAt.UTC()
		inv.Fiat = &f
	}
	if len(inv.Metadata) == 0 {
		inv.Metadata = nil
	} else {
		m := make(map[string]string, len(inv.Metadata))
		for k, v := range inv.Metadata {
			m[k] = v
		}
		inv.Metadata = m
	}
	inv.ExpiresAt, inv.CreatedAt, inv.UpdatedAt, inv.CancelledAt = inv.ExpiresAt.UTC(), inv.CreatedAt.UTC(), inv.UpdatedAt.UTC(), inv.CancelledAt.UTC()
	inv.Payments = append([]sg.InvoicePayment(nil), inv.Payments...)
	return inv
}
