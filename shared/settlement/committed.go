package settlement

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlefix: refunds and chargebacks never short a closed settlement ----

// admit lets a refund or chargeback take v out of the settlement wallet
// of cfg on its payout chain, under key: it refuses
// (sg.ErrSettlementFundsCommitted) one that would leave the wallet below
// what the tenant's closed settlements not yet paid are owed there (their
// nets, fixed when they closed, and each payout's network fee when it is
// passed through: the payout's hold takes it from the wallet) and what
// other reversals admitted and not yet recorded take; then it reserves v
// under key over the counter's version read. A settlement closing, or
// another reversal admitted, between the read and the reservation moves
// the version: the check is made again on what is now there, so two
// reversals that each fit alone but not together never both pass, and a
// settlement that closed meanwhile is counted. The reservation keeps the
// open settlement from closing until the reversal's line is in it
// (release). The refund itself is netted by the open settlement, never
// by a closed one. With no Committed wired the wallet's own balance
// decides (insufficient_funds), as it does when nothing is owed.
func (s *Service) admit(ctx context.Context, tenant string, cfg sg.SettlementConfig, key string, v sg.Amount) error {
	if s.Committed == nil || s.Ledger == nil {
		return nil
	}
	d := cfg.Destination.Chain
	for range maxAttempts {
		c, err := s.Committed.SettlementCommitted(ctx, tenant, d)
		if err != nil {
			return err
		}
		now := s.now()
		if err := s.covers(ctx, tenant, cfg, c, key, v, now); err != nil {
			return err
		}
		err = s.Committed.ReserveCommitted(ctx, tenant, d, key, v, now, c.Version)
		if errors.Is(err, sg.ErrSettlementChanged) {
			continue // the counter moved since it was read: check again
		}
		return err
	}
	return sg.Unavailable("settlement.admit", errors.New("the committed counter kept changing"))
}

// covers checks v against the wallet's available balance, read after the
// counter c: what other live reservations take comes off first (their
// money may have left already: counted twice then, never missed), then
// what closed settlements are owed must remain.
func (s *Service) covers(ctx context.Context, tenant string, cfg sg.SettlementConfig, c sg.SettlementCommitted, key string, v sg.Amount, now time.Time) error {
	d := cfg.Destination.Chain
	others := c.Live(now, key)
	if c.Count <= 0 && others <= 0 {
		return nil // nothing owed: the ledger's own balance check decides
	}
	var need sg.Amount
	if c.Count > 0 {
		nf, err := s.networkFee(ctx, tenant, d)
		if err != nil {
			return err
		}
		need = c.Net + sg.Amount(c.Count)*nf
	}
	ws, _, err := s.Ledger.WalletsUnderFreeze(ctx, tenant, cfg.WalletID)
	if err != nil {
		return err
	}
	w, ok := ws[cfg.WalletID]
	if !ok {
		return sg.Internal("settlement.admit", errors.New("the settlement wallet is missing"))
	}
	b, err := s.Ledger.AccountBalance(ctx, sg.WalletAccount(tenant, w.ID, d, sg.USDT), w.Shards())
	if err != nil {
		return err
	}
	if left := b.Available - others - v; left < need {
		if c.Count <= 0 {
			return sg.ErrInsufficientFunds // only other reversals' money is missing
		}
		s.log().InfoContext(ctx, "settlement.funds_committed", "tenant", tenant, "chain", d, "committed", c.Count)
		return sg.ErrSettlementFundsCommitted
	}
	return nil
}

// release takes a reversal's reservation off the committed counter of
// the payout chain that settles c (nothing when none was made).
func (s *Service) release(ctx context.Context, tenant string, c sg.Chain, key string) error {
	if s.Committed == nil || key == "" {
		return nil
	}
	cfg, err := s.Config(ctx, tenant, c)
	if errors.Is(err, sg.ErrSettlementNotConfigured) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Committed.ReleaseCommitted(ctx, tenant, cfg.Destination.Chain, key)
}

// releaseCommitted gives a reservation back and answers cause.
func (s *Service) releaseCommitted(ctx context.Context, tenant string, c sg.Chain, key string, cause error) error {
	if err := s.release(ctx, tenant, c, key); err != nil {
		return err
	}
	return cause
}

// refundHold and chargebackHold key a reversal's reservation on the
// committed counter: the request's key within its invoice.
func refundHold(invoiceID, key string) string     { return "refund/" + invoiceID + "/" + key }
func chargebackHold(invoiceID, key string) string { return "chargeback/" + invoiceID + "/" + key }
