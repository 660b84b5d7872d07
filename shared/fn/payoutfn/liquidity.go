package payoutfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- sched: the settlement job's liquidity check ----

// hotLiquidity reads each served chain's hot-wallet USDT on chain (one
// balance call per chain); a chain not served reads as nothing held.
type hotLiquidity map[sg.Chain]func(ctx context.Context) (sg.Amount, error)

var _ settlement.Liquidity = hotLiquidity{}

// HotLiquidity implements settlement.Liquidity.
func (h hotLiquidity) HotLiquidity(ctx context.Context, c sg.Chain) (sg.Amount, error) {
	if read, ok := h[c]; ok {
		return read(ctx)
	}
	return 0, nil
}

// HotLiquidity is the on-chain reader of the hot wallets the settlement
// job checks its payouts against (nil when no chain is served: no check).
func HotLiquidity(ctx context.Context, env fn.Env) (settlement.Liquidity, error) {
	served, err := fn.ServedChains(ctx, env)
	if err != nil || len(served) == 0 {
		return nil, err
	}
	out := hotLiquidity{}
	for _, c := range served {
		total, err := fn.HoldingsTotal(env, c)
		if err != nil {
			return nil, err
		}
		hot := c.Hot
		out[c.Net.Chain] = func(ctx context.Context) (sg.Amount, error) { return total(ctx, []address.Account{hot}, nil) }
	}
	return out, nil
}
