package settlement

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpChargeback names the ledger entry of a chargeback (its transfer id's key).
const OpChargeback = "settlement.chargeback"

// chargebackKey is the refund counter's key of a chargeback: refunds and
// chargebacks of an invoice share one cap (what was paid), under keys that
// never collide.
func chargebackKey(key string) string { return "chargeback/" + key }

// Chargeback is a dispute the merchant lost on a paid invoice: Amount of
// what was paid on Chain goes back to the platform's chargebacks account.
type Chargeback struct {
	// Key is the request's idempotency key: it fixes every id of the
	// chargeback, so a retry after a crash at any step finishes the same
	// chargeback once.
	Key    string
	Chain  sg.Chain
	Amount sg.Amount
	Reason string
}

// RecordChargeback records a chargeback against inv (paid, its payments
// loaded): the amount is reserved against what was paid less what was
// refunded and charged back (ErrChargebackExceedsPaid), the ledger moves it
// out of the merchant's settlement wallet on Chain into the platform's
// chargebacks account in one named entry (memo "chargeback of invoice
// ..."), and the merchant's open settlement nets it as a chargeback line.
// Where Chain is settled on another chain, the value is first cleared back
// from the settlement wallet there (the named conversion of refunds);
// where Chain is not settled, it leaves the invoice's wallet and no line is
// recorded. A freeze over the wallet refuses it (wallet_frozen), a wallet
// holding less than the amount too (insufficient_funds): nothing changes.
// Every step is keyed by cb.Key, so a retry or a redelivery applies
// nothing twice. A fresh chargeback of the settlement wallet is admitted
// against the committed counter atomically (admit) and holds its
// reservation until its line is recorded or it is refused. It answers the ledger entry and the settlements written.
func (s *Service) RecordChargeback(ctx context.Context, inv sg.Invoice, cb Chargeback) (sg.Transfer, []sg.Settlement, error) {
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
	default:
		return sg.Transfer{}, nil, sg.ErrInvoiceNotPaid
	}
	switch {
	case cb.Key == "":
		return sg.Transfer{}, nil, sg.ErrValidation.WithParam("Idempotency-Key")
	case !cb.Chain.Valid():
		return sg.Transfer{}, nil, sg.ErrValidation.WithParam("chain")
	case cb.Amount <= 0:
		return sg.Transfer{}, nil, sg.ErrAmountNotPositive
	case received(inv)[cb.Chain] <= 0:
		return sg.Transfer{}, nil, sg.ErrChargebackChain
	}
	if s.Ledger == nil || s.Refunds == nil {
		return sg.Transfer{}, nil, sg.Internal("settlement.RecordChargeback", errors.New("no ledger or refund counters wired"))
	}
	tenant := inv.TenantID
	// The books decide where the invoice's money is (settledFrom): paid
	// before the chain was settled, it never left the invoice's wallet.
	cfg, settled, err := s.settledFrom(ctx, inv, cb.Chain)
	if err != nil {
		return sg.Transfer{}, nil, err
	}
	src := inv.WalletID
	if settled {
		src = cfg.WalletID
	}
	// A freeze refuses before anything is reserved or moved (a retry of a
	// chargeback moved before the freeze keeps its reservation).
	ws, frozen, err := s.Ledger.WalletsUnderFreeze(ctx, tenant, src)
	if err != nil {
		return sg.Transfer{}, nil, err
	}
	w, ok := ws[src]
	if !ok {
		return sg.Transfer{}, nil, sg.Internal("settlement.RecordChargeback", errors.New("the wallet the chargeback leaves is missing"))
	}
	if len(frozen) > 0 {
		return sg.Transfer{}, nil, ErrCollectFrozen
	}
	at := inv.CreatedAt.UTC().Truncate(time.Microsecond) // fixed: the id must not change on a retry
	id := sg.NewKeyedID("txn", at, tenant, OpChargeback, inv.ID+"/"+cb.Key)
	hold := chargebackHold(inv.ID, cb.Key)
	if settled {
		// A fresh chargeback never takes the settlement wallet below what
		// closed settlements not yet paid are owed; one already moved (a
		// retry after a crash) finishes as it began.
		_, err := s.Ledger.Transfer(ctx, tenant, id)
		switch {
		case errors.Is(err, sg.ErrNotFound):
			if err := s.admit(ctx, tenant, cfg, hold, cb.Amount); err != nil {
				return sg.Transfer{}, nil, releaseWith(ctx, s.Refunds, tenant, inv.ID, chargebackKey(cb.Key), err)
			}
		case err != nil:
			return sg.Transfer{}, nil, err
		}
	}
	rkey := chargebackKey(cb.Key)
	if err := s.Refunds.ReserveRefund(ctx, tenant, inv.ID, rkey, cb.Amount, inv.Paid); err != nil {
		if errors.Is(err, sg.ErrRefundExceedsPaid) {
			err = sg.ErrChargebackExceedsPaid
		}
		return sg.Transfer{}, nil, s.releaseCommitted(ctx, tenant, cb.Chain, hold, err)
	}
	cross := settled && cfg.Destination.Chain != cb.Chain
	// undo gives back what a refused move had taken (the reservation and
	// any value cleared back), keyed as the rest.
	undo := func(cause error) error {
		if cross {
			if err := s.clearBack(ctx, inv, cfg, cb.Chain, rkey, cb.Amount, true); err != nil && !errors.Is(err, sg.ErrInsufficientFunds) {
				return err
			}
		}
		if err := s.Refunds.ReleaseRefund(ctx, tenant, inv.ID, rkey); err != nil {
			return err
		}
		return s.releaseCommitted(ctx, tenant, cb.Chain, hold, cause)
	}
	if cross {
		if err := s.clearBack(ctx, inv, cfg, cb.Chain, rkey, cb.Amount, false); err != nil {
			if errors.Is(err, sg.ErrInsufficientFunds) {
				// the first of the two entries was refused: nothing moved
				return sg.Transfer{}, nil, s.releaseCommitted(ctx, tenant, cb.Chain, hold, releaseWith(ctx, s.Refunds, tenant, inv.ID, rkey, err))
			}
			return sg.Transfer{}, nil, err
		}
	}
	now := s.now().Truncate(time.Microsecond)
	meta := map[string]string{"invoice_id": inv.ID, "chargeback": "true"}
	if cb.Reason != "" {
		meta["reason"] = cb.Reason
	}
	t := sg.Transfer{ID: id, TenantID: tenant, Type: sg.TransferInternal,
		State: sg.StatePosted, FromWallet: w.ID, Chain: cb.Chain, Asset: sg.USDT, Amount: cb.Amount,
		Memo: "chargeback of invoice " + inv.ID, Metadata: meta, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.WalletAccount(tenant, w.ID, cb.Chain, sg.USDT), Bucket: sg.Available, Delta: -cb.Amount, Shards: w.Shards()},
			{Account: sg.SystemAccount(sg.SysChargebacks, cb.Chain, sg.USDT), Bucket: sg.Available, Delta: cb.Amount},
		}}}
	if err := s.apply(ctx, t); err != nil {
		if errors.Is(err, sg.ErrInsufficientFunds) {
			return sg.Transfer{}, nil, undo(err)
		}
		return sg.Transfer{}, nil, err
	}
	if !settled {
		return t, nil, nil
	}
	// The line is recorded once by the entry's id (a retry finds it).
	stls, err := s.AddChargeback(ctx, tenant, Reversal{ID: t.ID, InvoiceID: inv.ID, Chain: cb.Chain, Amount: cb.Amount, Key: cb.Key})
	if err != nil {
		return sg.Transfer{}, nil, err
	}
	return t, stls, nil
}

// releaseWith gives a reservation back and answers cause.
func releaseWith(ctx context.Context, caps sg.RefundCaps, tenant, invoiceID, key string, cause error) error {
	if err := caps.ReleaseRefund(ctx, tenant, invoiceID, key); err != nil {
		return err
	}
	return cause
}
