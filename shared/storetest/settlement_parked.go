package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ParkedInvoices is the contract of sg.ParkedInvoices: an invoice is
// parked once per tenant and invoice, listed in key order in pages after a
// key, and unparked (again: no error). The list may hold other tests'
// invoices (one partition): each case looks at its own tenant's.
func ParkedInvoices(t *testing.T, open func(t *testing.T) sg.ParkedInvoices) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	mine := func(t *testing.T, st sg.ParkedInvoices, tenant string, limit int) []sg.ParkedInvoice {
		t.Helper()
		var out []sg.ParkedInvoice
		after := ""
		for {
			page, err := st.ParkedInvoices(ctx, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > limit {
				t.Fatalf("a page of %d with limit %d", len(page), limit)
			}
			if len(page) == 0 {
				return out
			}
			for _, p := range page {
				if p.Key() <= after {
					t.Fatalf("page after %q holds %q", after, p.Key())
				}
				if p.TenantID == tenant {
					out = append(out, p)
				}
			}
			after = page[len(page)-1].Key()
		}
	}
	t.Run("parks once, pages in key order, unparks", func(t *testing.T) {
		st := open(t)
		tenant := fmt.Sprintf("ten_parked_%d", time.Now().UnixNano())
		for _, inv := range []string{"inv_b", "inv_a", "inv_c", "inv_a"} {
			if err := st.ParkInvoice(ctx, sg.ParkedInvoice{TenantID: tenant, InvoiceID: inv, WalletID: "wal_" + inv, ParkedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		got := mine(t, st, tenant, 2)
		if len(got) != 3 || got[0].InvoiceID != "inv_a" || got[1].InvoiceID != "inv_b" || got[2].InvoiceID != "inv_c" ||
			got[0].WalletID != "wal_inv_a" || !got[0].ParkedAt.Equal(at) {
			t.Fatalf("parked %+v; want inv_a, inv_b, inv_c once each with their wallets", got)
		}
		for range 2 {
			if err := st.UnparkInvoice(ctx, tenant, "inv_b"); err != nil {
				t.Fatal(err)
			}
		}
		if got := mine(t, st, tenant, 10); len(got) != 2 || got[0].InvoiceID != "inv_a" || got[1].InvoiceID != "inv_c" {
			t.Fatalf("after unparking inv_b: %+v", got)
		}
	})
}
