package settlement

import (
	"context"
	"errors"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlefix: refunds and chargebacks never short a closed settlement ----

// committedCovers refuses (sg.ErrSettlementFundsCommitted) a refund or
// chargeback that would take v out of the settlement wallet of cfg on its
// payout chain while that would leave it below what the tenant's closed
// settlements not yet paid are owed there: their nets, fixed when they
// closed, and each payout's network fee when it is passed through (the
// payout's hold takes it from the wallet). The refund itself is netted by
// the open settlement, never by a closed one. With no Committed wired, or
// nothing committed, the wallet's own balance decides (insufficient_funds).
func (s *Service) committedCovers(ctx context.Context, tenant string, cfg sg.SettlementConfig, v sg.Amount) error {
	if s.Committed == nil || s.Ledger == nil {
		return nil
	}
	d := cfg.Destination.Chain
	c, err := s.Committed.SettlementCommitted(ctx, tenant, d)
	if err != nil {
		return err
	}
	if c.Count <= 0 {
		return nil
	}
	need := c.Net
	nf, err := s.networkFee(ctx, tenant, d)
	if err != nil {
		return err
	}
	need += sg.Amount(c.Count) * nf
	ws, _, err := s.Ledger.WalletsUnderFreeze(ctx, tenant, cfg.WalletID)
	if err != nil {
		return err
	}
	w, ok := ws[cfg.WalletID]
	if !ok {
		return sg.Internal("settlement.committedCovers", errors.New("the settlement wallet is missing"))
	}
	b, err := s.Ledger.AccountBalance(ctx, sg.WalletAccount(tenant, w.ID, d, sg.USDT), w.Shards())
	if err != nil {
		return err
	}
	if b.Available-v < need {
		s.log().InfoContext(ctx, "settlement.funds_committed", "tenant", tenant, "chain", d, "committed", c.Count)
		return sg.ErrSettlementFundsCommitted
	}
	return nil
}
