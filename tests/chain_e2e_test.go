package tests

import (
	"context"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// End to end on the local chain (geth --dev): test USDT sent to a wallet's
// deposit address shows pending, then available after the confirmations;
// a payout through the API reaches the outside address and the ledger
// posts it with the real network fee.
func TestEthereumDepositAndPayoutOnTheLocalChain(t *testing.T) {
	e := stack(t)
	_, ec, auth, token := localChain(t)
	ctx := context.Background()

	ten := tenant()
	tok := e.token(t, ten)
	w := e.newWallet(t, tok, false)
	var depo string
	for _, a := range w.Addresses {
		if a.Chain == "ethereum" {
			depo = a.Address
			if a.Scheme != sg.SchemeForwarder {
				t.Fatalf("the local stack's Ethereum deposit address is %s, not a forwarder", a.Scheme)
			}
		}
	}
	if code, _ := ec.CodeAt(ctx, common.HexToAddress(depo), nil); len(code) != 0 {
		t.Fatal("a new wallet's forwarder already has code")
	}
	tx, err := token.Transfer(auth, common.HexToAddress(depo), big.NewInt(50_000_000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitMined(ctx, ec, tx); err != nil {
		t.Fatal(err)
	}
	waitBalance := func(what string, ok func(balanceJSON) bool) balanceJSON {
		deadline := time.Now().Add(30 * time.Second)
		for {
			b := e.balances(t, tok, w.ID)["ethereum"]
			if ok(b) {
				return b
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: balance stuck at %+v", what, b)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitBalance("pending on sight", func(b balanceJSON) bool { return b.Pending == "50.000000" || b.Available == "50.000000" })
	waitBalance("available after confirmations", func(b balanceJSON) bool { return b.Available == "50.000000" && b.Pending == "0.000000" })
	// The sweeper (every 5 s locally) deploys the forwarder and moves the
	// deposit into the hot wallet; the wallet's balance is untouched.
	for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		bal, _ := token.BalanceOf(nil, common.HexToAddress(depo))
		code, _ := ec.CodeAt(ctx, common.HexToAddress(depo), nil)
		if bal.Sign() == 0 && len(code) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deposit address not swept: holds %s, %d bytes of code", bal, len(code))
		}
	}
	waitBalance("unchanged by the sweep", func(b balanceJSON) bool { return b.Available == "50.000000" })

	outside := common.BytesToAddress(crypto.Keccak256([]byte(randHex(8)))[:20])
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(w.ID, "ethereum", outside.Hex(), "20"))
	if r.status != 201 {
		t.Fatalf("withdrawal: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	deadline := time.Now().Add(60 * time.Second)
	var got struct {
		State      string
		TxHash     string  `json:"tx_hash"`
		NetworkFee *string `json:"network_fee"`
		Fee        string
	}
	for {
		e.do(t, "GET", "/v1/transfers/"+wd.ID, tok, nil, nil).json(t, &got)
		if got.State == "posted" || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if got.State != "posted" || got.TxHash == "" || got.NetworkFee == nil {
		t.Fatalf("payout: %+v", got)
	}
	if bal, _ := token.BalanceOf(nil, outside); bal.Int64() != 20_000_000 {
		t.Fatalf("the outside address holds %s; want 20 USDT", bal)
	}
	nf, _ := sg.ParseAmount(*got.NetworkFee, 6)
	fee, _ := sg.ParseAmount(got.Fee, 6)
	want := sg.Amount(50_000_000 - 20_000_000 - min(nf, fee))
	if b := e.balances(t, tok, w.ID)["ethereum"]; b.Available != want.String() || b.Held != "0.000000" {
		t.Fatalf("ledger after the payout: %+v; want %s available (real fee %s)", b, want, nf)
	}
	t.Logf("payout %s mined, network fee %s USDT charged of %s held", got.TxHash, nf, fee)
}

// End to end on the local stack's Tron (the TronGrid stand-in): test USDT
// sent by a signed TRC20 transfer to a wallet's Tron deposit address is seen
// by the scheduled Tron watcher, pending, then available once its block is
// solidified.
func TestTronDepositOnTheLocalStack(t *testing.T) {
	e := stack(t)
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	token, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatalf("the local stack's Tron token: %v", err)
	}
	ten := tenant()
	tok := e.token(t, ten)
	w := e.newWallet(t, tok, false)
	var depo string
	for _, a := range w.Addresses {
		if a.Chain == "tron" {
			depo = a.Address
		}
	}
	to, _ := address.Parse(sg.Tron, depo)
	sendTronUSDT(t, grid, token, to, 12_340_000)
	wait := func(what string, ok func(balanceJSON) bool) {
		for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			b := e.balances(t, tok, w.ID)["tron"]
			if ok(b) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: balance stuck at %+v", what, b)
			}
		}
	}
	wait("pending on sight", func(b balanceJSON) bool { return b.Pending == "12.340000" || b.Available == "12.340000" })
	wait("available once solid", func(b balanceJSON) bool { return b.Available == "12.340000" && b.Pending == "0.000000" })
}
