package settlement

import (
	"context"
	"errors"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// InvoiceReader finds the invoice whose wallet took a deposit (with its
// payments), or ErrNotFound.
type InvoiceReader interface {
	InvoiceByWallet(ctx context.Context, tenant, wallet string) (sg.Invoice, error)
}

// InvoiceHook is the deposit sink's listener that settles invoices: it
// passes each deposit to Next (the acquiring service, which sets the
// invoice's status), and when a confirmed deposit leaves its invoice paid,
// overpaid or paid late it credits the merchant as configured
// (AddPaidInvoice: the money into the settlement wallet and the lines into
// the open settlement, which an instant config closes at once).
//
// It is redelivery-safe: the lines are recorded once per (invoice, chain)
// and the ledger moves have fixed ids, so a paid invoice settles once
// however often its deposits are reported.
type InvoiceHook struct {
	Next     sg.DepositListener
	Invoices InvoiceReader
	Settle   *Service
}

var _ sg.DepositListener = InvoiceHook{}

// OnDeposit implements sg.DepositListener. A business refusal leaves the
// invoice unsettled and is logged, never retried forever; one by a freeze
// over a wallet parks the invoice (Service.Parked), and the scheduled job
// settles it once the freeze is lifted. A fault is returned for a retry.
func (h InvoiceHook) OnDeposit(ctx context.Context, d sg.WalletDeposit) error {
	if h.Next != nil {
		if err := h.Next.OnDeposit(ctx, d); err != nil {
			return err
		}
	}
	if d.State != sg.DepositConfirmed || d.Amount <= 0 {
		return nil
	}
	inv, err := h.Invoices.InvoiceByWallet(ctx, d.Tenant, d.Wallet)
	if errors.Is(err, sg.ErrNotFound) {
		return nil // no invoice's wallet
	}
	if err != nil {
		return err
	}
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
	default:
		return nil
	}
	_, err = h.Settle.AddPaidInvoice(ctx, d.Tenant, inv)
	if err != nil && refused(err) {
		h.Settle.log().WarnContext(ctx, "settlement.invoice_not_settled", "tenant", d.Tenant, "invoice", inv.ID, "code", code(err))
		if code(err) == ErrCollectFrozen.Code {
			// Parked: the job settles it once the freeze is lifted. A
			// failed write is a fault: the deposit is offered again.
			return h.Settle.park(ctx, inv)
		}
		return nil
	}
	return err
}
