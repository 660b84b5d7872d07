// Package quoters builds the fee quoter of each served chain, which the
// fee-quotes route (quotefn) and the market publisher (marketfn) both
// price with. It serves no route, so the market publisher links no
// request handling.
package quoters

import (
	"errors"

	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/quote"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// For is a quoter per served chain over the chain's RPC client
// (hotkeyfn.ChainHTTP), pricing a transfer from the hot address at
// ETH_PRICE_USDT or TRX_PRICE_USDT (USDT per coin of network fee).
func For(env core.Env, served []hotkeyfn.Served) (map[sg.Chain]sg.FeeQuoter, error) {
	out := map[sg.Chain]sg.FeeQuoter{}
	for _, c := range served {
		u, hc, err := hotkeyfn.ChainHTTP(env, c.Net)
		if err != nil {
			return nil, err
		}
		priceVar := map[sg.Chain]string{sg.Ethereum: "ETH_PRICE_USDT", sg.Tron: "TRX_PRICE_USDT"}[c.Net.Chain]
		price, err := sg.ParseAmount(env(priceVar), sg.USDTDecimals)
		if err != nil {
			return nil, errors.New("quoters: " + priceVar + " must be a decimal amount")
		}
		if c.Net.Chain == sg.Ethereum {
			out[c.Net.Chain] = &quote.Ethereum{RPC: &ethrpc.Client{URL: u, HTTP: hc}, From: c.Hot, Token: c.Token, Price: price}
		} else {
			out[c.Net.Chain] = &quote.Tron{Grid: &tron.Grid{URL: u, APIKey: env("TRON_API_KEY"), HTTP: hc}, From: c.Hot, Token: c.Token, Price: price}
		}
	}
	return out, nil
}
