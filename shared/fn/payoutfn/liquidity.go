package payoutfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/reconfn"
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
// Which chains are served is read from the environment; the hot wallet's
// address (KMS) and the readers are made at the first check, not at init
// (issue 18: a cold start makes no network call), and a failure there is
// not kept: the next check tries again.
func HotLiquidity(ctx context.Context, env core.Env) (settlement.Liquidity, error) {
	served := false
	for _, c := range sg.Chains {
		_, ok, err := core.Network(env, c)
		if err != nil {
			return nil, err
		}
		served = served || ok
	}
	if !served {
		return nil, nil
	}
	return lazyLiquidity(core.FirstUse(func(ctx context.Context) (hotLiquidity, error) {
		served, err := hotkeyfn.ServedChains(ctx, env)
		if err != nil {
			return nil, err
		}
		out := hotLiquidity{}
		for _, c := range served {
			total, err := reconfn.HoldingsTotal(env, c)
			if err != nil {
				return nil, err
			}
			hot := c.Hot
			out[c.Net.Chain] = func(ctx context.Context) (sg.Amount, error) { return total(ctx, []address.Account{hot}, nil) }
		}
		return out, nil
	})), nil
}

// lazyLiquidity is a hotLiquidity made at its first use.
type lazyLiquidity func(context.Context) (hotLiquidity, error)

// HotLiquidity implements settlement.Liquidity.
func (l lazyLiquidity) HotLiquidity(ctx context.Context, c sg.Chain) (sg.Amount, error) {
	h, err := l(ctx)
	if err != nil {
		return 0, err
	}
	return h.HotLiquidity(ctx, c)
}
