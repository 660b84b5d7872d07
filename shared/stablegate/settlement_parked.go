package stablegate

import (
	"context"
	"time"
)

// ---- settlebugs: paid invoices a freeze kept from settling ----

// ParkedInvoice is a paid invoice whose settlement a freeze refused (over
// its wallet or the settlement wallet): its money stayed in the invoice's
// wallet and no line was recorded. The scheduled settlement job settles it
// once the freeze is lifted.
type ParkedInvoice struct {
	TenantID  string
	InvoiceID string
	// WalletID is the invoice's wallet (the invoice is read by it).
	WalletID string
	ParkedAt time.Time
}

// Key orders parked invoices and pages through them: tenant and invoice.
func (p ParkedInvoice) Key() string { return p.TenantID + "#" + p.InvoiceID }

// ParkedInvoices keeps the parked invoices in one list that the job pages
// through (never a scan of the table): ParkInvoice adds one (again for the
// same tenant and invoice changes nothing), ParkedInvoices answers up to
// limit in Key order after the key given ("" from the start), and
// UnparkInvoice removes one (a missing one is no error).
type ParkedInvoices interface {
	ParkInvoice(ctx context.Context, p ParkedInvoice) error
	ParkedInvoices(ctx context.Context, after string, limit int) ([]ParkedInvoice, error)
	UnparkInvoice(ctx context.Context, tenant, invoiceID string) error
}
