// Package holdings reads what the platform holds on each chain: the USDT
// balances of every deposit address and of the hot wallet, for
// reconciliation. It links no chain library.
package holdings

import (
	"context"
	"fmt"
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Ethereum sums balanceOf over addresses at a block (nil: latest).
type Ethereum struct {
	RPC   *ethrpc.Client
	Token address.Account
	// Batch is how many balanceOf calls share one HTTP request (a JSON-RPC
	// batch; 0: BatchSize). 1 sends one request per address.
	Batch int
}

// BatchSize is the default number of balanceOf calls per request (geth
// takes up to 1,000 calls a batch; providers commonly 100).
const BatchSize = 100

// Total is the addresses' token balance summed.
func (e *Ethereum) Total(ctx context.Context, addrs []address.Account, block *uint64) (sg.Amount, error) {
	tag := "latest"
	if block != nil {
		tag = fmt.Sprintf("0x%x", *block)
	}
	size := e.Batch
	if size <= 0 {
		size = BatchSize
	}
	sum := new(big.Int)
	for len(addrs) > 0 {
		chunk := addrs[:min(size, len(addrs))]
		addrs = addrs[len(chunk):]
		calls, outs := make([]ethrpc.Req, len(chunk)), make([]any, len(chunk))
		res := make([]string, len(chunk))
		for i, a := range chunk {
			calls[i] = ethrpc.Req{Method: "eth_call", Params: []any{map[string]string{"to": e.Token.EIP55(), "data": fmt.Sprintf("0x%x", erc20.BalanceOf(a))}, tag}}
			outs[i] = &res[i]
		}
		var err error
		if len(chunk) == 1 {
			err = e.RPC.Call(ctx, calls[0].Method, calls[0].Params, outs[0])
		} else {
			err = e.RPC.Batch(ctx, calls, outs)
		}
		if err != nil {
			return 0, err
		}
		for _, out := range res {
			v, err := ethrpc.Big(out)
			if err != nil {
				return 0, sg.Unavailable("holdings.Ethereum", err)
			}
			sum.Add(sum, v)
		}
	}
	if !sum.IsInt64() {
		return 0, sg.Internal("holdings.Ethereum", fmt.Errorf("holdings %s overflow", sum))
	}
	return sg.Amount(sum.Int64()), nil
}

// Tron sums the accounts API's TRC20 balances (latest state).
type Tron struct {
	Grid  *tron.Grid
	Token address.Account
}

// Total is the addresses' token balance summed.
func (t *Tron) Total(ctx context.Context, addrs []address.Account, _ *uint64) (sg.Amount, error) {
	sum := new(big.Int)
	for _, a := range addrs {
		v, err := t.Grid.TRC20Balance(ctx, a.Tron(), t.Token.Tron())
		if err != nil {
			return 0, sg.Unavailable("holdings.Tron", err)
		}
		sum.Add(sum, v)
	}
	if !sum.IsInt64() {
		return 0, sg.Internal("holdings.Tron", fmt.Errorf("holdings %s overflow", sum))
	}
	return sg.Amount(sum.Int64()), nil
}
