package settlement

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Metadata a refund's payout carries: the invoice it refunds, that it is a
// refund, and the key its amount is reserved under against the invoice's
// cap (the request's Idempotency-Key, or a refund link's key).
const (
	MetaInvoiceID = "invoice_id"
	MetaRefund    = "refund"
	MetaRefundKey = "refund_key"
)

// EndedUnpaid reports whether a payout in state s ended without paying:
// its hold went back to the wallet it was taken from.
func EndedUnpaid(s sg.TransferState) bool {
	switch s {
	case sg.StateRejected, sg.StateCancelled, sg.StateFailed, sg.StateExpired:
		return true
	}
	return false
}

// RefundEnds hears of refund payouts that ended without paying (see
// Service.RefundUnpaid). The implementation checks that the payout is the
// one the refund's key requested, so a withdrawal that merely names a
// refund in its metadata gives nothing back.
type RefundEnds interface {
	RefundEnded(ctx context.Context, t sg.Transfer) error
}

// RefundUnpaid gives back what a refund of inv took when its payout t
// (requested under key) ended without paying (rejected, cancelled, failed
// or expired: the pipeline voided its hold, so the amount and the fee held
// are back in the wallet it left): the reservation against the invoice's
// cap is released, value cleared back from the payout chain goes forward
// again (by what the clearing moved), and where the merchant's settlement
// netted the refund, an adjustment line of the refund's transfer id adds
// it back to the open settlement (with its clearing line when the refund
// was paid on another chain than the payout's). The refund line itself is
// recorded first if a crash kept it out, so the two always net to zero.
// Every step is once (the reservation by key, the entries by fixed ids,
// the lines by kind, ref and chain): a payout end heard twice gives back
// once. A payout not ended unpaid is refused (ErrValidation).
func (s *Service) RefundUnpaid(ctx context.Context, inv sg.Invoice, t sg.Transfer, key string) error {
	if !EndedUnpaid(t.State) || t.TenantID != inv.TenantID || key == "" {
		return sg.ErrValidation.WithParam("state")
	}
	if s.Refunds == nil {
		return sg.Internal("settlement.RefundUnpaid", errors.New("no refund counters wired"))
	}
	if err := s.Refunds.ReleaseRefund(ctx, inv.TenantID, inv.ID, key); err != nil {
		return err
	}
	cfg, settled, err := s.settledFrom(ctx, inv, t.Chain)
	if err != nil || !settled || t.FromWallet != cfg.WalletID {
		return err // paid from the invoice's wallet: no settlement netted it
	}
	if cfg.Destination.Chain != t.Chain {
		if err := s.clearForward(ctx, inv, cfg, t.Chain, key); err != nil {
			return err
		}
	}
	v := t.Amount + t.Fee
	if _, err := s.AddRefund(ctx, inv.TenantID, Reversal{ID: t.ID, InvoiceID: inv.ID, Chain: t.Chain, Amount: v}); err != nil {
		return err
	}
	now := s.now()
	l := sg.SettlementLine{Kind: sg.LineAdjustment, Ref: t.ID, Chain: t.Chain, Gross: v, Net: v, At: now}
	_, err = s.record(ctx, inv.TenantID, []sg.SettlementLine{l}, now)
	return err
}

// clearForward undoes the conversion that brought a refund's value back
// from the payout chain to c (clearBack), by what it moved: nothing if it
// moved nothing.
func (s *Service) clearForward(ctx context.Context, inv sg.Invoice, cfg sg.SettlementConfig, c sg.Chain, key string) error {
	at := inv.CreatedAt.UTC().Truncate(time.Microsecond)
	back, err := s.Ledger.Transfer(ctx, inv.TenantID, sg.NewKeyedID("txn", at, inv.TenantID, OpRefundClear, inv.ID+"/"+key+"/back/in"))
	switch {
	case errors.Is(err, sg.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return s.clearBack(ctx, inv, cfg, c, key, back.Amount, true)
}
