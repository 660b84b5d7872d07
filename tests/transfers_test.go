package tests

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type transferJSON struct {
	ID, Type, State, Chain, Asset, Amount, Fee, Memo string
	From                                             *string `json:"from_wallet_id"`
	To                                               *string `json:"to_wallet_id"`
}

func transferBody(from, to, chain, amount string) []byte {
	return []byte(fmt.Sprintf(`{"from_wallet_id":%q,"to_wallet_id":%q,"chain":%q,"asset":"USDT","amount":%q,"memo":"order 1042"}`, from, to, chain, amount))
}

func TestInternalTransferFlow(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	h := idem()
	r := e.do(t, "POST", "/v1/transfers", tok, h, transferBody(a.ID, b.ID, "tron", "25.5"))
	if r.status != http.StatusCreated {
		t.Fatalf("transfer: %d %s", r.status, r.body)
	}
	var tr transferJSON
	r.json(t, &tr)
	if tr.State != "posted" || tr.Type != "internal" || tr.Amount != "25.500000" || tr.Fee != "0.000000" || *tr.From != a.ID || *tr.To != b.ID || tr.Memo != "order 1042" {
		t.Fatalf("unexpected transfer: %s", r.body)
	}
	if ba, bb := e.balances(t, tok, a.ID)["tron"], e.balances(t, tok, b.ID)["tron"]; ba.Available != "74.500000" || bb.Available != "25.500000" {
		t.Fatalf("balances after transfer: %+v %+v", ba, bb)
	}
	if eth := e.balances(t, tok, a.ID)["ethereum"]; eth.Available != "0.000000" {
		t.Fatalf("another chain's account moved: %+v", eth)
	}
	g := e.do(t, "GET", "/v1/transfers/"+tr.ID, tok, nil, nil)
	if g.status != 200 || string(g.body) != string(r.body) {
		t.Fatalf("get transfer: %d %s\nwant %s", g.status, g.body, r.body)
	}
	again := e.do(t, "POST", "/v1/transfers", tok, h, transferBody(a.ID, b.ID, "tron", "25.5"))
	if again.status != 201 || string(again.body) != string(r.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	if ba := e.balances(t, tok, a.ID)["tron"]; ba.Available != "74.500000" {
		t.Fatalf("replay moved money again: %+v", ba)
	}
	if o := e.do(t, "GET", "/v1/transfers/"+tr.ID, e.token(t, tenant()), nil, nil); o.status != 404 {
		t.Fatalf("another tenant reads the transfer: %d", o.status)
	}
}

// Every refusal has its documented status and code, and moves nothing.
func TestTransferRefusals(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, st := ledgerOn(t, rawDB(t))
	a, b, rich, frozen := e.newWallet(t, tok, false), e.newWallet(t, tok, false), e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Ethereum, "10")
	fund(t, l, ten, rich.ID, sg.Ethereum, "10")
	fund(t, l, ten, frozen.ID, sg.Ethereum, "10")
	freeze(t, ten, frozen.ID)
	// Hold 8 of a's 10 as a payout in flight would.
	now := time.Now()
	held := sg.Transfer{ID: sg.NewKeyedID("txn", now, ten, "test.hold", randHex(4)), TenantID: ten, Type: sg.TransferWithdrawal, State: sg.StatePending,
		FromWallet: a.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 8_000_000, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.WalletAccount(ten, a.ID, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -8_000_000},
			{Account: sg.WalletAccount(ten, a.ID, sg.Ethereum, sg.USDT), Bucket: sg.Held, Delta: 8_000_000},
		}}}
	if err := st.Ledger.ApplyTransfer(context.Background(), held); err != nil {
		t.Fatal(err)
	}
	other := tenant()
	theirs := e.newWallet(t, e.token(t, other), false)
	used := idem()
	if r := e.do(t, "POST", "/v1/transfers", tok, used, transferBody(rich.ID, b.ID, "ethereum", "1")); r.status != 201 {
		t.Fatalf("setup transfer: %d %s", r.status, r.body)
	}
	cases := []struct {
		name, body  string
		hdr         map[string]string
		token       string
		status      int
		code, param string
	}{
		{"insufficient funds", string(transferBody(b.ID, a.ID, "ethereum", "5")), nil, tok, 422, "insufficient_funds", "amount"},
		{"funds held by a payout", string(transferBody(a.ID, b.ID, "ethereum", "5")), nil, tok, 422, "funds_held", "amount"},
		{"unknown destination wallet", string(transferBody(rich.ID, "wal_01JD8Y4B2N6P0Q8S1T3V5X7Z9A", "ethereum", "1")), nil, tok, 404, "wallet_not_found", "to_wallet_id"},
		{"unknown source wallet", string(transferBody("wal_nope", b.ID, "ethereum", "1")), nil, tok, 404, "wallet_not_found", "from_wallet_id"},
		{"another tenant's wallet", string(transferBody(rich.ID, theirs.ID, "ethereum", "1")), nil, tok, 404, "wallet_not_found", "to_wallet_id"},
		{"frozen source wallet", string(transferBody(frozen.ID, b.ID, "ethereum", "1")), nil, tok, 422, "wallet_frozen", "from_wallet_id"},
		{"frozen destination wallet", string(transferBody(rich.ID, frozen.ID, "ethereum", "1")), nil, tok, 422, "wallet_frozen", "to_wallet_id"},
		{"more than 6 decimals", string(transferBody(rich.ID, b.ID, "ethereum", "1.0000001")), nil, tok, 400, "amount_too_precise", "amount"},
		{"zero amount", string(transferBody(rich.ID, b.ID, "ethereum", "0")), nil, tok, 400, "amount_not_positive", "amount"},
		{"negative amount", string(transferBody(rich.ID, b.ID, "ethereum", "-1")), nil, tok, 400, "amount_not_positive", "amount"},
		{"amount with an exponent", string(transferBody(rich.ID, b.ID, "ethereum", "1e3")), nil, tok, 400, "amount_invalid", "amount"},
		{"same source and destination", string(transferBody(rich.ID, rich.ID, "ethereum", "1")), nil, tok, 400, "same_wallet", "to_wallet_id"},
		{"reused key with another body", string(transferBody(rich.ID, b.ID, "ethereum", "2")), used, tok, 409, "idempotency_key_reused", "Idempotency-Key"},
		{"unsupported chain", string(transferBody(rich.ID, b.ID, "bitcoin", "1")), nil, tok, 400, "validation_failed", "chain"},
		{"unknown field", `{"from_wallet_id":"` + rich.ID + `","to_wallet_id":"` + b.ID + `","chain":"ethereum","asset":"USDT","amount":"1","fee":"0"}`, nil, tok, 400, "unknown_field", "fee"},
		{"amount as a number", `{"from_wallet_id":"` + rich.ID + `","to_wallet_id":"` + b.ID + `","chain":"ethereum","asset":"USDT","amount":1}`, nil, tok, 400, "validation_failed", "amount"},
		{"token without transfers:write", string(transferBody(rich.ID, b.ID, "ethereum", "1")), nil, e.token(t, ten, "wallets:read", "wallets:write"), 403, "Forbidden", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.hdr
			if h == nil {
				h = idem()
			}
			before := e.footprint(t, ten) + e.balancesJSON(t, tok, a.ID, b.ID, rich.ID, frozen.ID)
			r := e.do(t, "POST", "/v1/transfers", c.token, h, []byte(c.body))
			if r.status != c.status || r.errCode() != c.code || r.errParam() != c.param {
				t.Fatalf("got %d %s; want %d %s (param %q)", r.status, r.body, c.status, c.code, c.param)
			}
			if after := e.footprint(t, ten) + e.balancesJSON(t, tok, a.ID, b.ID, rich.ID, frozen.ID); after != before {
				t.Fatalf("refused transfer changed state:\n%s\n%s", before, after)
			}
		})
	}
}
