package memstore

import (
	"context"
	"sort"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ParkedInvoices is the in-memory twin of the parked invoices' list.
type ParkedInvoices struct {
	mu    sync.Mutex
	items map[string]sg.ParkedInvoice
}

var _ sg.ParkedInvoices = (*ParkedInvoices)(nil)

// ParkInvoice implements sg.ParkedInvoices.
func (st *ParkedInvoices) ParkInvoice(_ context.Context, p sg.ParkedInvoice) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.items == nil {
		st.items = map[string]sg.ParkedInvoice{}
	}
	if _, ok := st.items[p.Key()]; !ok {
		p.ParkedAt = usec(p.ParkedAt)
		st.items[p.Key()] = p
	}
	return nil
}

// ParkedInvoices implements sg.ParkedInvoices.
func (st *ParkedInvoices) ParkedInvoices(_ context.Context, after string, limit int) ([]sg.ParkedInvoice, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	keys := make([]string, 0, len(st.items))
	for k := range st.items {
		if k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	out := make([]sg.ParkedInvoice, 0, len(keys))
	for _, k := range keys {
		out = append(out, st.items[k])
	}
	return out, nil
}

// UnparkInvoice implements sg.ParkedInvoices.
func (st *ParkedInvoices) UnparkInvoice(_ context.Context, tenant, invoiceID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.items, sg.ParkedInvoice{TenantID: tenant, InvoiceID: invoiceID}.Key())
	return nil
}
