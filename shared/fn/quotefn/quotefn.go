// Package quotefn builds GET /v1/fee-quotes over the served chains and the
// hot key's address, apart from the other routes so that only it links
// the chains' fee quoters.
package quotefn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/quote"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn/hotroutes"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
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
	quoters := map[sg.Chain]sg.FeeQuoter{}
	for _, c := range served {
		u, hc, err := hotkeyfn.ChainHTTP(env, c.Net)
		if err != nil {
			return nil, err
		}
		priceVar := map[sg.Chain]string{sg.Ethereum: "ETH_PRICE_USDT", sg.Tron: "TRX_PRICE_USDT"}[c.Net.Chain]
		price, err := sg.ParseAmount(env(priceVar), sg.USDTDecimals)
		if err != nil {
			return nil, errors.New("quotefn: " + priceVar + " must be a decimal amount")
		}
		if c.Net.Chain == sg.Ethereum {
			quoters[c.Net.Chain] = &quote.Ethereum{RPC: &ethrpc.Client{URL: u, HTTP: hc}, From: c.Hot, Token: c.Token, Price: price}
		} else {
			quoters[c.Net.Chain] = &quote.Tron{Grid: &tron.Grid{URL: u, APIKey: env("TRON_API_KEY"), HTTP: hc}, From: c.Hot, Token: c.Token, Price: price}
		}
	}
	q := &ledger.Quotes{Store: st.Withdrawals, Quoters: quoters, Now: time.Now}
	return httpapi.Wrap("fee-quotes-get", api.Quotes{Q: q}.Get), nil
}
