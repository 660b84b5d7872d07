package holdings_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/multicall"
	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/holdings"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// holders makes n distinct addresses (their last byte never 0xee, so the
// Odd token answers them all).
func holders(t testing.TB, n int) []address.Account {
	t.Helper()
	out := make([]address.Account, n)
	for i := range out {
		out[i][0], out[i][1], out[i][17], out[i][18], out[i][19] = 0x5a, 0x01, byte(i>>16), byte(i>>8), byte(i)
		if out[i][19] == 0xee {
			out[i][16] = 0x01
			out[i][19] = 0xef
		}
	}
	return out
}

func world(t testing.TB) *multicall.World {
	t.Helper()
	w, err := multicall.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// fund mints amount i+1 USDT to every third holder and returns their sum.
func fund(t testing.TB, w *multicall.World, hs []address.Account) sg.Amount {
	t.Helper()
	var to []common.Address
	var amounts []*big.Int
	var want sg.Amount
	for i := 0; i < len(hs); i += 3 {
		to = append(to, common.Address(hs[i]))
		amounts = append(amounts, big.NewInt(int64(i+1)*1_000_000))
		want += sg.Amount(int64(i+1) * 1_000_000)
	}
	if _, err := w.Mint(to, amounts); err != nil {
		t.Fatal(err)
	}
	return want
}

func acct(a common.Address) address.Account { return address.Account(a) }

// A page of holders is one eth_call through the Multicall, and the sum is
// the one the per-address reads give (the JSON-RPC batches of before).
func TestEthereumMulticallSumsAPagePerCall(t *testing.T) {
	w := world(t)
	hs := holders(t, 1200)
	want := fund(t, w, hs)
	ctx := context.Background()
	for _, c := range []struct {
		name            string
		reader          holdings.Ethereum
		requests, calls int64
	}{
		{"multicall, pages of 500", holdings.Ethereum{Multicall: acct(w.Multicall), Page: 500}, 3, 3},
		{"multicall, default page", holdings.Ethereum{Multicall: acct(w.Multicall)}, 3, 3},
		{"JSON-RPC batches of 100 (no multicall configured)", holdings.Ethereum{Batch: 100}, 12, 1200},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.reader
			r.RPC, r.Token = &ethrpc.Client{URL: w.URL}, acct(w.Token)
			req0, calls0 := w.Requests.Load(), w.Calls.Load()
			got, err := r.Total(ctx, hs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("total %s; want %s", got, want)
			}
			if req, calls := w.Requests.Load()-req0, w.Calls.Load()-calls0; req != c.requests || calls != c.calls {
				t.Fatalf("%d requests carrying %d calls; want %d and %d", req, calls, c.requests, c.calls)
			}
		})
	}
}

// The read is at the block given (the deposit watcher's): a later mint is
// not in it.
func TestEthereumMulticallReadsAtTheBlock(t *testing.T) {
	w := world(t)
	hs := holders(t, 30)
	want := fund(t, w, hs)
	at, err := w.Sim.Client().BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Mint([]common.Address{common.Address(hs[1])}, []*big.Int{big.NewInt(5)}); err != nil {
		t.Fatal(err)
	}
	r := holdings.Ethereum{RPC: &ethrpc.Client{URL: w.URL}, Token: acct(w.Token), Multicall: acct(w.Multicall)}
	got, err := r.Total(context.Background(), hs, &at)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("total at block %d: %s; want %s (the later mint left out)", at, got, want)
	}
	if got, _ := r.Total(context.Background(), hs, nil); got != want+5 {
		t.Fatalf("total at the head: %s; want %s", got, want+5)
	}
}

// A holder the token does not answer fails the read and is named: it is
// not summed as zero. A token address with no code answers nothing for
// every holder, on both read paths.
func TestEthereumUnreadHolderFailsTheRead(t *testing.T) {
	w := world(t)
	hs := holders(t, 40)
	bad := hs[17]
	bad[19] = 0xee // Odd reverts balanceOf for it
	hs[17] = bad
	r := holdings.Ethereum{RPC: &ethrpc.Client{URL: w.URL}, Token: acct(w.Odd), Multicall: acct(w.Multicall)}
	_, err := r.Total(context.Background(), hs, nil)
	if !errors.Is(err, holdings.ErrUnreadHolder) || !strings.Contains(err.Error(), bad.EIP55()) {
		t.Fatalf("err %v; want ErrUnreadHolder naming %s", err, bad.EIP55())
	}
	// Without the failing holder the same token sums (its balances are the
	// holders' last two bytes).
	rest := append(append([]address.Account{}, hs[:17]...), hs[18:]...)
	var want sg.Amount
	for _, h := range rest {
		want += sg.Amount(int(h[18])<<8 | int(h[19]))
	}
	if got, err := r.Total(context.Background(), rest, nil); err != nil || got != want {
		t.Fatalf("total %s, %v; want %s", got, err, want)
	}
	noCode := address.Account{19: 0x42}
	for _, r := range []holdings.Ethereum{
		{RPC: &ethrpc.Client{URL: w.URL}, Token: noCode, Multicall: acct(w.Multicall)},
		{RPC: &ethrpc.Client{URL: w.URL}, Token: noCode},
	} {
		if _, err := r.Total(context.Background(), rest[:3], nil); !errors.Is(err, holdings.ErrUnreadHolder) {
			t.Fatalf("a token with no code (multicall %v): err %v; want ErrUnreadHolder", r.Multicall != address.Account{}, err)
		}
	}
}

// A page of the default size stays far inside geth's default eth_call gas
// cap (50 million) on the Tether-faithful token, with every holder's
// balance slot cold.
func TestEthereumPageFitsTheCallGasCap(t *testing.T) {
	w := world(t)
	hs := holders(t, holdings.EthereumPage)
	fund(t, w, hs)
	data := holdings.EncodeBalanceCalls(acct(w.Token), hs)
	gas, err := w.Sim.Client().EstimateGas(context.Background(), ethereum.CallMsg{To: &w.Multicall, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("aggregate3 of %d balanceOf on the Tether-faithful token: %d gas (%d a holder), %d bytes of calldata", len(hs), gas, gas/uint64(len(hs)), len(data))
	if gas > 25_000_000 {
		t.Fatalf("a page of %d holders needs %d gas: more than half of geth's default eth_call cap", len(hs), gas)
	}
}

func tronWorld(t testing.TB) (*tronfix.Server, address.Account) {
	t.Helper()
	tok, err := address.Parse(sg.Tron, "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	if err != nil {
		t.Fatal(err)
	}
	fx := tronfix.New(tok)
	if err := fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close() })
	return fx, fx.DeployMulticall()
}

// On Tron a page of holders is one constant call through the Multicall;
// the sum is the accounts API's, read one address at a time.
func TestTronMulticallSumsAPagePerCall(t *testing.T) {
	fx, mc := tronWorld(t)
	hs := holders(t, 1200)
	var want sg.Amount
	for i := 0; i < len(hs); i += 3 {
		fx.Mint(hs[i], int64(i+1)*1_000_000)
		want += sg.Amount(int64(i+1) * 1_000_000)
	}
	for _, c := range []struct {
		name     string
		reader   holdings.Tron
		requests int
	}{
		{"multicall, pages of 500", holdings.Tron{Multicall: mc, Page: 500}, 3},
		{"multicall, default page", holdings.Tron{Multicall: mc}, 3},
		{"accounts API (no multicall configured)", holdings.Tron{}, 1200},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.reader
			r.Grid, r.Token = &tron.Grid{URL: fx.URL}, fx.Token
			got, err := r.Total(context.Background(), hs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("total %s; want %s", got, want)
			}
			if r.Grid.Calls != c.requests {
				t.Fatalf("%d requests; want %d", r.Grid.Calls, c.requests)
			}
		})
	}
}

// A node whose constant-call energy limit is lower than a page needs
// refuses the page; the reader halves it until the node takes it, keeps
// that size, and still sums every holder.
func TestTronMulticallPageFitsTheNodesEnergyLimit(t *testing.T) {
	fx, mc := tronWorld(t)
	hs := holders(t, 1000)
	var want sg.Amount
	for i := range hs {
		fx.Mint(hs[i], int64(i%7+1))
		want += sg.Amount(i%7 + 1)
	}
	// room for 148 calls beside the contract's own work
	fx.SetConstantEnergyLimit(tronfix.EnergyMulticallBase + 148*tronfix.EnergyMulticallCall)
	r := holdings.Tron{Grid: &tron.Grid{URL: fx.URL}, Token: fx.Token, Multicall: mc, Page: 500}
	got, err := r.Total(context.Background(), hs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("total %s; want %s", got, want)
	}
	// 500 and 250 refused, 125 taken: 2 refusals, then 8 pages of 125.
	if r.Page != 125 || r.Grid.Calls != 10 {
		t.Fatalf("page %d after %d requests; want 125 after 10", r.Page, r.Grid.Calls)
	}
}

// A holder whose balanceOf the token reverts fails the read and is named
// (base58), on Tron as on Ethereum.
func TestTronUnreadHolderFailsTheRead(t *testing.T) {
	fx, mc := tronWorld(t)
	hs := holders(t, 20)
	fx.FailBalanceOf(hs[4], true)
	r := holdings.Tron{Grid: &tron.Grid{URL: fx.URL}, Token: fx.Token, Multicall: mc}
	_, err := r.Total(context.Background(), hs, nil)
	if !errors.Is(err, holdings.ErrUnreadHolder) || !strings.Contains(err.Error(), hs[4].Tron()) {
		t.Fatalf("err %v; want ErrUnreadHolder naming %s", err, hs[4].Tron())
	}
	fx.FailBalanceOf(hs[4], false)
	if _, err := r.Total(context.Background(), hs, nil); err != nil {
		t.Fatalf("with the holder answered again: %v", err)
	}
}
