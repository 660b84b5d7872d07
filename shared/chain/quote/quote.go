// Package quote prices payouts' network fees on each chain, for the fee
// quote endpoint. It speaks plain JSON-RPC to Ethereum and the TronGrid API
// to Tron, so the API function that quotes links no chain library.
package quote

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethfee"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// inAsset converts a native fee (wei or sun) to the asset's base units at
// price (asset base units per whole native coin of 10^decimals), rounded up.
func inAsset(native *big.Int, price sg.Amount, decimals int64) sg.Amount {
	one := new(big.Int).Exp(big.NewInt(10), big.NewInt(decimals), nil)
	n := new(big.Int).Mul(native, big.NewInt(int64(price)))
	n.Add(n, new(big.Int).Sub(one, big.NewInt(1)))
	a, err := sg.AmountOf(n.Div(n, one))
	if err != nil {
		return math.MaxInt64 // a fee no wallet can hold: the payout is refused for funds
	}
	return a
}

// Ethereum quotes a token transfer from the hot address: the gas the node
// estimates (with the payout's 20% margin) at twice the base fee plus the
// priority fee, the most the payout may pay.
type Ethereum struct {
	RPC   *ethrpc.Client
	From  address.Account // the hot address
	Token address.Account
	// Price is the USDT charged per ETH.
	Price sg.Amount
}

// Quote prices a transfer of amount to to.
func (e *Ethereum) Quote(ctx context.Context, to string, amount sg.Amount) (sg.Amount, map[string]string, error) {
	dst, err := address.Parse(sg.Ethereum, to)
	if err != nil {
		return 0, nil, err
	}
	data := erc20.Transfer(dst, big.NewInt(int64(amount)))
	var gasHex, tipHex string
	var head struct {
		BaseFee string `json:"baseFeePerGas"`
	}
	if err := e.RPC.Call(ctx, "eth_estimateGas", []any{map[string]string{"from": e.From.EIP55(), "to": e.Token.EIP55(),
		"data": fmt.Sprintf("0x%x", data)}}, &gasHex); err != nil {
		return 0, nil, err
	}
	if err := e.RPC.Call(ctx, "eth_maxPriorityFeePerGas", []any{}, &tipHex); err != nil {
		return 0, nil, err
	}
	if err := e.RPC.Call(ctx, "eth_getBlockByNumber", []any{"latest", false}, &head); err != nil {
		return 0, nil, err
	}
	gas, err1 := ethrpc.Big(gasHex)
	tip, err2 := ethrpc.Big(tipHex)
	base, err3 := ethrpc.Big(head.BaseFee)
	if err := errors.Join(err1, err2, err3); err != nil {
		return 0, nil, sg.Unavailable("quote.Ethereum", err)
	}
	if !gas.IsUint64() {
		return 0, nil, sg.Unavailable("quote.Ethereum", fmt.Errorf("gas estimate %s", gas))
	}
	gas = new(big.Int).SetUint64(ethfee.GasLimit(gas.Uint64()))
	maxFee := ethfee.MaxFeePerGas(base, tip)
	wei := new(big.Int).Mul(gas, maxFee)
	return inAsset(wei, e.Price, 18), map[string]string{"unit": "wei", "native_fee": wei.String(), "gas_limit": gas.String(),
		"max_fee_per_gas": maxFee.String(), "max_priority_fee_per_gas": tip.String(), "base_fee_per_gas": base.String()}, nil
}

// Tron quotes a TRC20 transfer from the hot address: the energy the node
// says it uses and the transaction's bandwidth, less what the account's
// staked and free resources cover, at the chain's prices.
type Tron struct {
	Grid  *tron.Grid
	From  address.Account
	Token address.Account
	// Price is the USDT charged per TRX.
	Price sg.Amount
}

// Quote prices a transfer of amount to to.
func (t *Tron) Quote(ctx context.Context, to string, amount sg.Amount) (sg.Amount, map[string]string, error) {
	dst, err := address.Parse(sg.Tron, to)
	if err != nil {
		return 0, nil, err
	}
	energy, err := t.Grid.EstimateEnergy(ctx, t.From.Tron(), t.Token.Tron(), erc20.Transfer(dst, big.NewInt(int64(amount))))
	if err != nil {
		return 0, nil, sg.Unavailable("quote.Tron", err)
	}
	res, err := t.Grid.AccountResources(ctx, t.From.Tron())
	if err != nil {
		return 0, nil, sg.Unavailable("quote.Tron", err)
	}
	prices, err := t.Grid.Prices(ctx)
	if err != nil {
		return 0, nil, sg.Unavailable("quote.Tron", err)
	}
	// The transaction's size: raw_data as we build it, its signature, and
	// the protobuf framing a node counts (64 bytes).
	raw, _ := tron.TRC20Transfer{Owner: t.From, Contract: t.Token, To: dst, Amount: big.NewInt(int64(amount)),
		Expiration: 1 << 41, Timestamp: 1 << 41, FeeLimit: 50_000_000}.RawData()
	bandwidth := int64(len(raw) + 65 + 64)
	burnEnergy := max(energy-res.Energy, 0)
	sun := burnEnergy * prices.Energy
	bandwidthCovered := bandwidth
	if bandwidth > res.FreeNet+res.Net {
		sun += bandwidth * prices.Bandwidth
		bandwidthCovered = 0
	}
	return inAsset(big.NewInt(sun), t.Price, 6), map[string]string{"unit": "sun", "native_fee": fmt.Sprint(sun),
		"energy": fmt.Sprint(energy), "bandwidth": fmt.Sprint(bandwidth), "energy_price": fmt.Sprint(prices.Energy),
		"bandwidth_price": fmt.Sprint(prices.Bandwidth), "energy_covered": fmt.Sprint(energy - burnEnergy),
		"bandwidth_covered": fmt.Sprint(bandwidthCovered)}, nil
}
