package tests

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const (
	ethDest  = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	tronDest = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
)

type eventJSON struct{ State, At, Note string }

type withdrawalJSON struct {
	transferJSON
	ToAddress  string      `json:"to_address"`
	TxHash     string      `json:"tx_hash"`
	NetworkFee *string     `json:"network_fee"`
	Events     []eventJSON `json:"events"`
}

func withdrawalBody(wallet, chain, to, amount string) []byte {
	return []byte(fmt.Sprintf(`{"wallet_id":%q,"chain":%q,"asset":"USDT","to_address":%q,"amount":%q}`, wallet, chain, to, amount))
}

// waitState polls the transfer until it reaches state (the local stack's
// queue poller runs the worker, as Lambda's event source mapping would).
func (e *env) waitState(t *testing.T, tok, id string, state string) withdrawalJSON {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := e.do(t, "GET", "/v1/transfers/"+id, tok, nil, nil)
		var w withdrawalJSON
		r.json(t, &w)
		if w.State == state {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("withdrawal %s stuck in %s; want %s: %s", id, w.State, state, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func fee(t *testing.T, chain string) string {
	return functionEnv(t, "withdrawals-create")["WITHDRAWAL_FEE_"+strings.ToUpper(chain)]
}

// A Tron withdrawal through the API: it holds amount plus fee, goes through
// the queue to the worker, is signed in KMS, sent to the local stack's
// TronGrid stand-in and posted once its block is solid, with the TRX burnt
// charged up to the fee held; the payee holds the tokens. A replay gives
// the first answer; a signed withdrawal can no longer be cancelled.
func TestWithdrawalPipelineThroughTheQueue(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	fund(t, l, ten, w.ID, sg.Tron, "100")
	f, _ := sg.ParseAmount(fee(t, "tron"), 6)
	payee := tronPayee()
	h := idem()
	r := e.do(t, "POST", "/v1/withdrawals", tok, h, withdrawalBody(w.ID, "tron", payee, "40"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	if wd.State != "pending" || wd.Type != "withdrawal" || wd.ToAddress != payee || wd.Fee != f.String() || len(wd.Events) != 1 {
		t.Fatalf("created: %s", r.body)
	}
	b := e.balances(t, tok, w.ID)["tron"]
	if held := (40_000_000 + f).String(); b.Held != held || b.Available != (100_000_000-40_000_000-f).String() {
		t.Fatalf("hold not placed: %+v (fee %s)", b, f)
	}
	again := e.do(t, "POST", "/v1/withdrawals", tok, h, withdrawalBody(w.ID, "tron", payee, "40"))
	if again.status != 201 || string(again.body) != string(r.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay is not the first answer: %d %s", again.status, again.body)
	}
	got := e.waitState(t, tok, wd.ID, "posted")
	var states []string
	for _, ev := range got.Events {
		states = append(states, ev.State)
	}
	if strings.Join(states, ",") != "pending,approved,signed,broadcast,confirmed,posted" || len(got.TxHash) != 64 {
		t.Fatalf("events %v, tx %q", states, got.TxHash)
	}
	if c := e.do(t, "POST", "/v1/withdrawals/"+wd.ID+"/cancel", tok, nil, nil); c.status != 422 || c.errCode() != "withdrawal_not_cancellable" {
		t.Fatalf("cancel after payout: %d %s", c.status, c.body)
	}
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	if bal, err := grid.TRC20Balance(context.Background(), payee, os.Getenv("STABLEGATE_USDT_TRON")); err != nil || bal.Int64() != 40_000_000 {
		t.Fatalf("payee holds %v on the Tron stand-in (%v); want 40 USDT", bal, err)
	}
	nf, _ := sg.ParseAmount(*got.NetworkFee, 6)
	if b := e.balances(t, tok, w.ID)["tron"]; b.Held != "0.000000" || b.Available != (100_000_000-40_000_000-min(nf, f)).String() {
		t.Fatalf("ledger after the payout: %+v (network fee %s, held %s)", b, nf, f)
	}
}

// tronPayee is a fresh outside Tron address.
func tronPayee() string {
	var a address.Account
	rand.Read(a[:])
	return a.Tron()
}

func TestWithdrawalRefusals(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	fund(t, l, ten, w.ID, sg.Ethereum, "10")
	fund(t, l, ten, w.ID, sg.Tron, "10")
	cases := []struct {
		name, body  string
		status      int
		code, param string
	}{
		{"Tron address on an Ethereum payout", string(withdrawalBody(w.ID, "ethereum", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "1")), 400, "invalid_address", "to_address"},
		{"Ethereum address on a Tron payout", string(withdrawalBody(w.ID, "tron", ethDest, "1")), 400, "invalid_address", "to_address"},
		{"bad EIP-55 checksum", string(withdrawalBody(w.ID, "ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "1")), 400, "invalid_address_checksum", "to_address"},
		{"bad Tron checksum", string(withdrawalBody(w.ID, "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "1")), 400, "invalid_address_checksum", "to_address"},
		{"amount plus fee above the balance", string(withdrawalBody(w.ID, "ethereum", ethDest, "9.999999")), 422, "insufficient_funds", "amount"},
		{"unknown wallet", string(withdrawalBody("wal_01JD8Y4B2N6P0Q8S1T3V5X7Z9A", "ethereum", ethDest, "1")), 404, "wallet_not_found", "wallet_id"},
		{"zero amount", string(withdrawalBody(w.ID, "ethereum", ethDest, "0")), 400, "amount_not_positive", "amount"},
		{"7 decimals", string(withdrawalBody(w.ID, "ethereum", ethDest, "0.0000001")), 400, "amount_too_precise", "amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.footprint(t, ten) + e.balancesJSON(t, tok, w.ID)
			r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), []byte(c.body))
			if r.status != c.status || r.errCode() != c.code || r.errParam() != c.param {
				t.Fatalf("got %d %s; want %d %s (%s)", r.status, r.body, c.status, c.code, c.param)
			}
			if after := e.footprint(t, ten) + e.balancesJSON(t, tok, w.ID); after != before {
				t.Fatalf("refusal changed state:\n%s\n%s", before, after)
			}
		})
	}
	if r := e.do(t, "POST", "/v1/withdrawals/txn_01JD8Z0000ABCDEFGHJKMNPQRS/cancel", tok, nil, nil); r.status != 404 {
		t.Fatalf("cancel of an unknown withdrawal: %d %s", r.status, r.body)
	}
}
