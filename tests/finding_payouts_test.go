package tests

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/queue"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// refusedPayout posts a withdrawal to `to` and requires it refused with
// code: at once (422), or, where only the worker knows the address (the hot
// key's), rejected by the worker with the code in its last event. Either
// way nothing leaves the wallet.
func (e *env) refusedPayout(t *testing.T, tok, wallet, chain, to, code string) {
	t.Helper()
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(wallet, chain, to, "5"))
	if r.status == 422 {
		if r.errCode() != code || r.errParam() != "to_address" {
			t.Fatalf("payout to %s: %d %s; want %s on to_address", to, r.status, r.body, code)
		}
		return
	}
	if r.status != 201 {
		t.Fatalf("payout to %s: %d %s", to, r.status, r.body)
	}
	var w withdrawalJSON
	r.json(t, &w)
	got := e.waitState(t, tok, w.ID, "rejected")
	if last := got.Events[len(got.Events)-1]; !strings.Contains(last.Note, code) {
		t.Fatalf("payout to %s rejected for %q; want %s", to, last.Note, code)
	}
}

// Finding 6: a payout to one of the deployment's own addresses (another
// wallet's deposit address, on either chain; the hot address) is refused:
// no tokens would move, and the chain's holdings would stop matching the
// books.
func TestFinding6_PayoutToOwnAddressIsRefused(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Ethereum, "100")
	fund(t, l, ten, a.ID, sg.Tron, "100")
	for _, addr := range b.Addresses {
		r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, addr.Chain, addr.Address, "5"))
		if r.status != 422 || r.errCode() != "own_address" || r.errParam() != "to_address" {
			t.Fatalf("payout to wallet B's %s deposit address: %d %s; want 422 own_address", addr.Chain, r.status, r.body)
		}
	}
	// Another tenant's deposit address is the deployment's own too.
	other := e.newWallet(t, e.token(t, tenant()), false)
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "ethereum", other.Addresses[0].Address, "5"))
	if r.status != 422 || r.errCode() != "own_address" {
		t.Fatalf("payout to another tenant's deposit address: %d %s", r.status, r.body)
	}
	info, _, _, _ := localChain(t)
	e.refusedPayout(t, tok, a.ID, "ethereum", info.Hot, "own_address")
	if bal := e.balances(t, tok, a.ID); bal["ethereum"].Available != "100.000000" || bal["tron"].Available != "100.000000" {
		t.Fatalf("refused payouts moved money: %+v", bal)
	}
}

// Finding 7: payouts to the zero address, a burn address or the token
// contract itself are refused on both chains.
func TestFinding7_PayoutWhereTokensAreLostIsRefused(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a := e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Ethereum, "100")
	fund(t, l, ten, a.ID, sg.Tron, "100")
	for _, c := range []struct{ chain, to string }{
		{"ethereum", "0x0000000000000000000000000000000000000000"},
		{"ethereum", "0x000000000000000000000000000000000000dEaD"},
		{"ethereum", "0xdAC17F958D2ee523a2206206994597C13D831ec7"},
		{"tron", "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb"},
		{"tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	} {
		r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, c.chain, c.to, "5"))
		if r.status != 422 || r.errCode() != "destination_denied" || r.errParam() != "to_address" {
			t.Fatalf("payout to %s on %s: %d %s; want 422 destination_denied", c.to, c.chain, r.status, r.body)
		}
	}
	info, _, _, _ := localChain(t)
	e.refusedPayout(t, tok, a.ID, "ethereum", info.Token, "destination_denied")
	if bal := e.balances(t, tok, a.ID); bal["ethereum"].Available != "100.000000" || bal["tron"].Available != "100.000000" {
		t.Fatalf("refused payouts moved money: %+v", bal)
	}
}

// messagesFor drains q and returns the withdrawal ids its messages name.
func messagesFor(t *testing.T, q *queue.FIFO) map[string]int {
	t.Helper()
	out := map[string]int{}
	c := q.Client.(*sqs.Client)
	for round := 0; round < 3; round++ {
		got, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &q.URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range got.Messages {
			var msg ledger.Message
			if err := json.Unmarshal([]byte(*m.Body), &msg); err != nil {
				t.Fatalf("message %s: %v", *m.Body, err)
			}
			out[msg.ID]++
			if _, err := c.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: &q.URL, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// Finding 11: a refused withdrawal costs no queue message, and one whose
// message is lost is found by the sweep of stalled withdrawals and queued
// again (from the index of open withdrawals), so it does not wait for its
// hold to expire.
func TestFinding11_LostMessageIsRedrivenAndRefusalsSendNone(t *testing.T) {
	ctx := context.Background()
	q := testQueue(t)
	w := pipeline(t, rawDB(t), q, nil)
	ten := tenant()
	st := dynamo.Over(w.Mover.(*dynamo.Ledger).Table)
	wallet := seedWallets(t, st, w.Service, ten, 1, false, "")[0]
	fund(t, w.Service, ten, wallet, sg.Tron, "10")
	_, err := w.Create(ctx, ten, "r-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Tron, Asset: sg.USDT, ToAddress: tronPayee(), Amount: 50_000_000})
	if !errors.Is(err, sg.ErrInsufficientFunds) {
		t.Fatalf("create over the balance: %v", err)
	}
	if got := messagesFor(t, q); len(got) != 0 {
		t.Fatalf("a refused withdrawal sent %d messages", len(got))
	}
	r, err := w.Create(ctx, ten, "r-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Tron, Asset: sg.USDT, ToAddress: tronPayee(), Amount: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if got := messagesFor(t, q); got[r.Transfer.ID] != 1 {
		t.Fatalf("messages after create: %v", got) // and now it is lost: drained, never processed
	}
	if n, err := pipefn.Redrive(ctx, w, st, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	} else if got := messagesFor(t, q); n != 0 && got[r.Transfer.ID] != 0 {
		t.Fatalf("a fresh withdrawal was queued again as stalled")
	}
	n, err := pipefn.Redrive(ctx, w, st, time.Now().Add(time.Minute))
	if err != nil || n < 1 {
		t.Fatalf("redrive: %d %v", n, err)
	}
	if got := messagesFor(t, q); got[r.Transfer.ID] != 1 {
		t.Fatalf("the stalled withdrawal was not queued again: %v", got)
	}
	// A withdrawal that ended leaves the index: it is never queued again.
	if _, err := w.Cancel(ctx, ten, r.Transfer.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := pipefn.Redrive(ctx, w, st, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := messagesFor(t, q); got[r.Transfer.ID] != 0 {
		t.Fatalf("a cancelled withdrawal was queued again")
	}
}

// Finding 14: a fee quote is honoured for one withdrawal; a replay of that
// withdrawal still answers, another withdrawal naming it is refused.
func TestFinding14_FeeQuoteHonouredOnce(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a := e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	to := tronPayee()
	r, q := e.quote(t, tok, "tron", to, "5")
	if r.status != 200 {
		t.Fatalf("quote: %d %s", r.status, r.body)
	}
	body := []byte(`{"wallet_id":"` + a.ID + `","chain":"tron","asset":"USDT","to_address":"` + to + `","amount":"5","quote_id":"` + q.ID + `"}`)
	h := idem()
	first := e.do(t, "POST", "/v1/withdrawals", tok, h, body)
	if first.status != 201 {
		t.Fatalf("first withdrawal with the quote: %d %s", first.status, first.body)
	}
	if again := e.do(t, "POST", "/v1/withdrawals", tok, h, body); again.status != 201 || string(again.body) != string(first.body) {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	second := e.do(t, "POST", "/v1/withdrawals", tok, idem(), body)
	if second.status != 422 || second.errCode() != "fee_quote_used" || second.errParam() != "quote_id" {
		t.Fatalf("second withdrawal with the same quote: %d %s; want 422 fee_quote_used", second.status, second.body)
	}
	var wd withdrawalJSON
	first.json(t, &wd)
	done := e.waitState(t, tok, wd.ID, "posted") // and no later test shares the hot account's resources with it
	want := (100_000_000 - 5_000_000 - min(mustAmount(t, q.Fee), mustAmount(t, *done.NetworkFee))).String()
	if b := e.balances(t, tok, a.ID)["tron"]; b.Available != want || b.Held != "0.000000" {
		t.Fatalf("balance after one quoted withdrawal: %+v; want available %s", b, want)
	}
}

func mustAmount(t *testing.T, s string) sg.Amount {
	t.Helper()
	a, err := sg.ParseAmount(s, 6)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
