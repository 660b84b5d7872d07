package hotkeyfn

import (
	"context"
	"errors"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tron needs no chain library, so what reads or pays on Tron links no
// go-ethereum.

// TronConfig is the Tron network (core.Network) with its API client and token.
func TronConfig(env Env) (sg.Network, *tron.Grid, address.Account, bool, error) {
	net, ok, err := core.Network(env, sg.Tron)
	if err != nil || !ok {
		return net, nil, address.Account{}, false, err
	}
	token, _ := address.Parse(sg.Tron, net.Token)
	u, hc, err := ChainHTTP(env, net)
	if err != nil {
		return net, nil, address.Account{}, false, err
	}
	return net, &tron.Grid{URL: u, APIKey: env("TRON_API_KEY"), HTTP: hc}, token, true, nil
}

// TronPayout builds the Tron hot wallet's payout: the same KMS key
// (HOT_SIGNER_KEY_ID) as on Ethereum, TRX_PRICE_USDT the USDT charged per
// TRX burnt. nil when Tron is not configured.
func TronPayout(ctx context.Context, env Env, st *dynamo.Store) (*tron.Payout, error) {
	_, grid, token, ok, err := TronConfig(env)
	if err != nil || !ok {
		return nil, err
	}
	price, err := sg.ParseAmount(env("TRX_PRICE_USDT"), sg.USDTDecimals)
	if err != nil {
		return nil, errors.New("hotkeyfn: TRX_PRICE_USDT must be a decimal amount")
	}
	signer, err := KMSSigner(ctx, env)
	if err != nil {
		return nil, err
	}
	return &tron.Payout{Send: &tron.Sender{Grid: grid, Signer: signer, Store: st.Withdrawals}, Token: token,
		FeeInAsset: func(sun int64) sg.Amount { return sg.Amount(sun * int64(price) / 1_000_000) }}, nil
}
