// Package holdings reads what the platform holds on each chain: the USDT
// balances of every deposit address and of the hot wallet, for
// reconciliation. It links no chain library.
//
// Where a multicall contract is configured (one answering Multicall3's
// aggregate3: Multicall3 itself, or infra/contracts/Multicall.sol), a page
// of holders costs one call: one eth_call on Ethereum, one
// triggerconstantcontract on Tron. Without one, Ethereum falls back to
// JSON-RPC batches of balanceOf calls (one HTTP request, but one call each
// as a provider counts them) and Tron to the accounts API, one request per
// address.
package holdings

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ErrUnreadHolder: the token did not answer a holder's balanceOf (the call
// reverted, or answered no 32-byte balance, as an account with no code
// answers nothing). The holding is not taken as zero, which would hide a
// difference from reconciliation: the read fails and names the holder.
var ErrUnreadHolder = errors.New("holdings: the token did not answer a holder's balanceOf")

// Defaults of the holders per multicall.
const (
	// EthereumPage: a page of balanceOf calls through aggregate3 is 224
	// bytes of calldata a holder (112 KB a page) and, on the
	// Tether-faithful token with every balance slot cold, about 5,600 gas a
	// holder, 2.8 million a page (TestEthereumPageFitsTheCallGasCap): far
	// inside geth's default eth_call gas cap of 50 million and its 5 MB
	// request limit.
	EthereumPage = 500
	// TronPage: a view call of balanceOf uses hundreds of energy on Tron
	// (java-tron issue 6682 measured 261-4,818 for mainnet's most-called
	// view functions), so a page stays far below java-tron's default
	// constant-call limit (vm.maxEnergyLimitForConstant, 100 million). A
	// node set lower refuses the page: the page is then halved until the
	// node takes it, and stays at that size.
	TronPage = 500
	// BatchSize is the default number of balanceOf calls per JSON-RPC
	// batch, the fallback (geth takes up to 1,000 calls a batch; providers
	// commonly 100).
	BatchSize = 100
)

// Ethereum sums balanceOf over addresses at a block (nil: latest).
type Ethereum struct {
	RPC   *ethrpc.Client
	Token address.Account
	// Multicall is the aggregate3 contract (zero: none, JSON-RPC batches).
	Multicall address.Account
	// Page is how many holders share one aggregate3 call (0: EthereumPage).
	Page int
	// Batch is how many balanceOf calls share one HTTP request when there
	// is no Multicall (a JSON-RPC batch; 0: BatchSize). 1 sends one request
	// per address.
	Batch int
}

// Total is the addresses' token balance summed.
func (e *Ethereum) Total(ctx context.Context, addrs []address.Account, block *uint64) (sg.Amount, error) {
	tag := "latest"
	if block != nil {
		tag = fmt.Sprintf("0x%x", *block)
	}
	if e.Multicall != (address.Account{}) {
		return e.multicall(ctx, addrs, tag)
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
		for i, out := range res {
			if out == "0x" { // no code at the token: it answered nothing
				return 0, sg.Internal("holdings.Ethereum", fmt.Errorf("%w: %s", ErrUnreadHolder, chunk[i].EIP55()))
			}
			v, err := ethrpc.Big(out)
			if err != nil {
				return 0, sg.Unavailable("holdings.Ethereum", err)
			}
			sum.Add(sum, v)
		}
	}
	return amount("holdings.Ethereum", sum)
}

// multicall reads the holders a page per eth_call.
func (e *Ethereum) multicall(ctx context.Context, addrs []address.Account, tag string) (sg.Amount, error) {
	size := e.Page
	if size <= 0 {
		size = EthereumPage
	}
	sum := new(big.Int)
	for len(addrs) > 0 {
		page := addrs[:min(size, len(addrs))]
		addrs = addrs[len(page):]
		var out string
		call := map[string]string{"to": e.Multicall.EIP55(), "data": fmt.Sprintf("0x%x", encodeBalanceCalls(e.Token, page))}
		if err := e.RPC.Call(ctx, "eth_call", []any{call, tag}, &out); err != nil {
			return 0, err
		}
		raw, err := hex.DecodeString(strings.TrimPrefix(out, "0x"))
		if err != nil {
			return 0, sg.Unavailable("holdings.Ethereum", fmt.Errorf("eth_call answered %.40q", out))
		}
		if err := add(sum, raw, page, "holdings.Ethereum", address.Account.EIP55); err != nil {
			return 0, err
		}
	}
	return amount("holdings.Ethereum", sum)
}

// add sums aggregate3's answer for page into sum; a holder the token did
// not answer fails the read (named by show).
func add(sum *big.Int, ret []byte, page []address.Account, op string, show func(address.Account) string) error {
	balances, ok := decodeBalances(ret, len(page))
	if !ok {
		return sg.Unavailable(op, fmt.Errorf("aggregate3 answer of %d bytes is not %d results (is the multicall address right?)", len(ret), len(page)))
	}
	var unread []string
	for i, b := range balances {
		if b == nil {
			unread = append(unread, show(page[i]))
			continue
		}
		sum.Add(sum, b)
	}
	switch {
	case len(unread) == 1:
		return sg.Internal(op, fmt.Errorf("%w: %s", ErrUnreadHolder, unread[0]))
	case len(unread) > 1:
		return sg.Internal(op, fmt.Errorf("%w: %s and %d more", ErrUnreadHolder, unread[0], len(unread)-1))
	}
	return nil
}

func amount(op string, sum *big.Int) (sg.Amount, error) {
	if !sum.IsInt64() {
		return 0, sg.Internal(op, fmt.Errorf("holdings %s overflow", sum))
	}
	return sg.Amount(sum.Int64()), nil
}

// Tron sums the holders' TRC20 balances (latest state).
type Tron struct {
	Grid  *tron.Grid
	Token address.Account
	// Multicall is the aggregate3 contract on Tron (zero: none, the
	// accounts API one address at a time).
	Multicall address.Account
	// Page is how many holders share one constant call (0: TronPage). A
	// page the node refuses is halved, and Page keeps the size it took.
	Page int
}

// Total is the addresses' token balance summed.
func (t *Tron) Total(ctx context.Context, addrs []address.Account, _ *uint64) (sg.Amount, error) {
	sum := new(big.Int)
	if t.Multicall != (address.Account{}) {
		if err := t.multicall(ctx, sum, addrs); err != nil {
			return 0, err
		}
		return amount("holdings.Tron", sum)
	}
	for _, a := range addrs {
		v, err := t.Grid.TRC20Balance(ctx, a.Tron(), t.Token.Tron())
		if err != nil {
			return 0, sg.Unavailable("holdings.Tron", err)
		}
		sum.Add(sum, v)
	}
	return amount("holdings.Tron", sum)
}

// multicall reads the holders a page per triggerconstantcontract. The
// call's owner is the zero account: a constant call needs no account of
// its caller, and nothing here is anyone's.
func (t *Tron) multicall(ctx context.Context, sum *big.Int, addrs []address.Account) error {
	if t.Page <= 0 {
		t.Page = TronPage
	}
	for len(addrs) > 0 {
		page := addrs[:min(t.Page, len(addrs))]
		_, ret, err := t.Grid.Constant(ctx, address.Account{}.Tron(), t.Multicall.Tron(), aggregate3Signature, encodeBalanceCalls(t.Token, page))
		if errors.Is(err, tron.ErrConstantRefused) && len(page) > 1 {
			// Over the node's constant-call limit (energy or time): a
			// smaller page.
			t.Page = (len(page) + 1) / 2
			continue
		}
		if err != nil {
			return sg.Unavailable("holdings.Tron", err)
		}
		if err := add(sum, ret, page, "holdings.Tron", address.Account.Tron); err != nil {
			return err
		}
		addrs = addrs[len(page):]
	}
	return nil
}
