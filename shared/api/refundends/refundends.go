// Package refundends gives back what a refund took when its payout ended
// without paying: the withdrawal pipeline's settler hears of every payout
// that ends, in whichever function ends it (the worker, the tracker, a
// cancel, an approver, the expiry). It is apart from the settlement routes
// so those jobs link no request handling (issue 18).
package refundends

import (
	"context"
	"errors"
	"log/slog"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// InvoiceReader reads a tenant's invoice.
type InvoiceReader interface {
	Invoice(ctx context.Context, tenant, id string) (sg.Invoice, error)
}

// TransfersByKey finds a withdrawal by the hash of its idempotency key.
type TransfersByKey interface {
	TransferByKey(ctx context.Context, tenant, keyHash string) (sg.Transfer, error)
}

// RefundEnds gives back what a refund took when its payout ended without
// paying (settlement.RefundEnds, heard by the pipeline's Settler): the
// payout must be the one its refund key requested (a withdrawal that only
// names a refund in its metadata gives nothing back), and its invoice is
// read for Service.RefundUnpaid.
type RefundEnds struct {
	Invoices  InvoiceReader
	Transfers TransfersByKey
	Svc       *settlement.Service
	Log       *slog.Logger
}

var _ settlement.RefundEnds = RefundEnds{}

// RefundEnded implements settlement.RefundEnds.
func (r RefundEnds) RefundEnded(ctx context.Context, t sg.Transfer) error {
	key, invID := t.Metadata[settlement.MetaRefundKey], t.Metadata[settlement.MetaInvoiceID]
	if key == "" || invID == "" {
		// Requested before refunds named their key: nothing to release by.
		r.log().WarnContext(ctx, "settlement.refund_end_unkeyed", "tenant", t.TenantID, "transfer", t.ID)
		return nil
	}
	prior, err := r.Transfers.TransferByKey(ctx, t.TenantID, sg.KeyHash(t.TenantID, ledger.OpWithdraw, key))
	switch {
	case errors.Is(err, sg.ErrNotFound):
		return nil
	case err != nil:
		return err
	case prior.ID != t.ID:
		return nil // not the payout the refund's key requested
	}
	inv, err := r.Invoices.Invoice(ctx, t.TenantID, invID)
	if errors.Is(err, sg.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.Svc.RefundUnpaid(ctx, inv, t, key)
}

func (r RefundEnds) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}
