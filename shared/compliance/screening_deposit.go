package compliance

import (
	"context"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ScreeningListener screens deposits where the ledger's deposit sink
// reports them today (ledger.DepositSink.Listener), before passing them on
// to Next (the acquiring service). A deposit from a listed or blocked
// sender opens its case when first seen and is not passed on: no invoice
// is settled by it. The sink has already credited it by then, so this
// alone does not keep it from the wallet's available balance: that needs
// the sink to ask a sg.DepositScreen (Screening implements it) before it
// credits, and credit a quarantine instead (see the package's report).
// Screening again on each state is idempotent: the case is opened by key.
type ScreeningListener struct {
	Screening *Screening
	// Next hears of the deposits that are clear (nil: none).
	Next sg.DepositListener
	// Quarantined, if set, hears of each quarantined deposit's decision.
	Quarantined func(ctx context.Context, d sg.WalletDeposit, dec sg.ScreeningDecision) error
}

var _ sg.DepositListener = ScreeningListener{}

// OnDeposit screens d's sender and passes d on if clear.
func (l ScreeningListener) OnDeposit(ctx context.Context, d sg.WalletDeposit) error {
	dec, err := l.Screening.ScreenWalletDeposit(ctx, d)
	if err != nil {
		return err
	}
	if dec.Quarantine {
		if l.Quarantined != nil {
			return l.Quarantined(ctx, d, dec)
		}
		return nil
	}
	if l.Next == nil {
		return nil
	}
	return l.Next.OnDeposit(ctx, d)
}
