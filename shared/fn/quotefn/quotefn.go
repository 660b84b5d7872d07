// Package quotefn builds GET /v1/fee-quotes over the served chains and the
// hot key's address, apart from the other routes so that only it links
// the chains' fee quoters.
package quotefn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn/hotroutes"
	"github.com/stablegate/stablegate/shared/fn/quotefn/quoters"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
)

// FeeQuotesGet builds GET /v1/fee-quotes: a quoter per configured chain,
// pricing transfers from the hot key's address (read from KMS once, at
// init) at ETH_PRICE_USDT and TRX_PRICE_USDT.
func FeeQuotesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return hotroutes.OnHotKey(feeQuotesGet)(ctx, env)
}

func feeQuotesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	served, err := hotkeyfn.ServedChains(ctx, env)
	if err != nil {
		return nil, err
	}
	qs, err := quoters.For(env, served)
	if err != nil {
		return nil, err
	}
	q := &ledger.Quotes{Store: st.Withdrawals, Quoters: qs, Now: time.Now}
	return httpapi.Wrap("fee-quotes-get", api.Quotes{Q: q}.Get), nil
}
