package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func transferBody(from, to, amount string) string {
	return jsonOf(map[string]any{"from_wallet_id": from, "to_wallet_id": to, "chain": "ethereum", "asset": "USDT", "amount": amount, "memo": "rent"})
}

func TestTransferCreateAndGet(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	e.fund("acme", a.ID, 10_000_000)

	r := e.do("transfers-create", e.transfers.Create, call{key: "t-1", body: transferBody(a.ID, b.ID, "2.5")})
	r.wantOK(t, 201)
	var v TransferView
	r.decode(t, &v)
	if !sg.ValidID("txn", v.ID) || v.Object != "transfer" || v.Type != sg.TransferInternal || v.State != sg.StatePosted || v.Amount != "2.500000" ||
		v.Fee != "0.000000" || v.FromWalletID == nil || *v.FromWalletID != a.ID || v.ToWalletID == nil || *v.ToWalletID != b.ID || v.Memo != "rent" ||
		v.FeeHeld != nil || v.Metadata == nil {
		t.Fatalf("transfer %s", r.body)
	}
	if ba, bb := e.balance("acme", a.ID), e.balance("acme", b.ID); ba.Available != "7.500000" || bb.Available != "2.500000" {
		t.Fatalf("balances %+v, %+v", ba, bb)
	}

	// A retry is the first answer, and moves nothing again.
	again := e.do("transfers-create", e.transfers.Create, call{key: "t-1", body: transferBody(a.ID, b.ID, "2.5")})
	again.wantOK(t, 201)
	var v2 TransferView
	again.decode(t, &v2)
	if again.headers["idempotent-replayed"] != "true" || v2.ID != v.ID {
		t.Fatalf("retry %v %s", again.headers, again.body)
	}
	if ba := e.balance("acme", a.ID); ba.Available != "7.500000" {
		t.Fatalf("a retry moved money again: %+v", ba)
	}
	e.do("transfers-create", e.transfers.Create, call{key: "t-1", body: transferBody(a.ID, b.ID, "3")}).
		wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")

	got := e.do("transfers-get", e.transfers.Get, call{path: map[string]string{"transfer_id": v.ID}})
	got.wantOK(t, 200)
	var g TransferView
	got.decode(t, &g)
	if g.ID != v.ID || g.State != sg.StatePosted || g.Amount != "2.500000" || g.Memo != "rent" {
		t.Fatalf("get %s", got.body)
	}
	e.do("transfers-get", e.transfers.Get, call{tenant: "globex", path: map[string]string{"transfer_id": v.ID}}).wantError(t, 404, "not_found", "transfer_id")
}

func TestTransferRefusals(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	theirs := e.wallet("globex", "g")
	e.fund("acme", a.ID, 1_000_000)
	cases := []struct {
		name        string
		body        string
		status      int
		code, param string
	}{
		{"more than the balance", transferBody(a.ID, b.ID, "1.000001"), 422, "insufficient_funds", "amount"},
		{"to the same wallet", transferBody(a.ID, a.ID, "0.5"), 400, "same_wallet", "to_wallet_id"},
		{"zero", transferBody(a.ID, b.ID, "0"), 400, "amount_not_positive", "amount"},
		{"negative", transferBody(a.ID, b.ID, "-1"), 400, "amount_not_positive", "amount"},
		{"another tenant's wallet", transferBody(a.ID, theirs.ID, "0.5"), 404, "wallet_not_found", "to_wallet_id"},
		{"unknown chain", strings.Replace(transferBody(a.ID, b.ID, "0.5"), "ethereum", "bitcoin", 1), 400, "validation_failed", "chain"},
		{"unknown field", strings.Replace(transferBody(a.ID, b.ID, "0.5"), `"memo"`, `"note"`, 1), 400, "unknown_field", "note"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.do("transfers-create", e.transfers.Create, call{key: "tr-" + string(rune('a'+i)), body: c.body}).wantError(t, c.status, c.code, c.param)
		})
	}
	if ba, bb := e.balance("acme", a.ID), e.balance("acme", b.ID); ba.Available != "1.000000" || bb.Available != "0.000000" {
		t.Fatalf("a refused transfer moved money: %+v, %+v", ba, bb)
	}
}

func withdrawalBody(wallet, to, amount string) string {
	return jsonOf(map[string]any{"wallet_id": wallet, "chain": "ethereum", "asset": "USDT", "to_address": to, "amount": amount})
}

const outside = "0x52908400098527886e0f7030069857d2e4169ee7"

func TestWithdrawalHoldsAmountAndFeeUntilCancelled(t *testing.T) {
	e := newEnv(t)
	w := e.wallet("acme", "a")
	e.fund("acme", w.ID, 10_000_000)

	r := e.do("withdrawals-create", e.withdrawals.Create, call{key: "wd-1", body: withdrawalBody(w.ID, outside, "3")})
	r.wantOK(t, 201)
	var v TransferView
	r.decode(t, &v)
	if v.Type != sg.TransferWithdrawal || v.State != sg.StatePending || v.Amount != "3.000000" || v.FeeHeld == nil || *v.FeeHeld != "2.000000" ||
		v.RequestedBy != "alice" || v.HoldExpires == "" || !strings.EqualFold(v.ToAddress, outside) || v.NetworkFee != nil {
		t.Fatalf("withdrawal %s", r.body)
	}
	if b := e.balance("acme", w.ID); b.Available != "5.000000" || b.Held != "5.000000" {
		t.Fatalf("after the hold: %+v; want 5 available, 5 (amount and fee) held", b)
	}

	again := e.do("withdrawals-create", e.withdrawals.Create, call{key: "wd-1", body: withdrawalBody(w.ID, outside, "3")})
	again.wantOK(t, 201)
	if again.headers["idempotent-replayed"] != "true" || again.body != r.body {
		t.Fatalf("retry %v %s; want %s", again.headers, again.body, r.body)
	}
	if b := e.balance("acme", w.ID); b.Held != "5.000000" {
		t.Fatalf("a retry held again: %+v", b)
	}

	// Another tenant cannot cancel it.
	e.do("withdrawals-cancel", e.withdrawals.Cancel, call{tenant: "globex", path: map[string]string{"transfer_id": v.ID}}).wantError(t, 404, "not_found", "transfer_id")

	c := e.do("withdrawals-cancel", e.withdrawals.Cancel, call{path: map[string]string{"transfer_id": v.ID}})
	c.wantOK(t, 200)
	var cv TransferView
	c.decode(t, &cv)
	if cv.ID != v.ID || cv.State != sg.StateCancelled {
		t.Fatalf("cancel %s", c.body)
	}
	if b := e.balance("acme", w.ID); b.Available != "10.000000" || b.Held != "0.000000" {
		t.Fatalf("after cancel: %+v; want all available again", b)
	}
	// Cancelling again answers with the cancelled withdrawal.
	e.do("withdrawals-cancel", e.withdrawals.Cancel, call{path: map[string]string{"transfer_id": v.ID}}).wantOK(t, 200)
	// A replay of the create still gives the first answer.
	if r3 := e.do("withdrawals-create", e.withdrawals.Create, call{key: "wd-1", body: withdrawalBody(w.ID, outside, "3")}); r3.body != r.body {
		t.Fatalf("replay after cancel %s; want %s", r3.body, r.body)
	}
}

func TestWithdrawalRefusals(t *testing.T) {
	e := newEnv(t)
	w, frozen, other := e.wallet("acme", "a"), e.wallet("acme", "f"), e.wallet("acme", "o")
	e.fund("acme", w.ID, 10_000_000)
	e.fund("acme", frozen.ID, 10_000_000)
	fr := e.do("freezes-create", e.custody.Freeze, call{body: `{"scope":"wallet","wallet_id":"` + frozen.ID + `","reason":"card fraud report"}`})
	fr.wantOK(t, 201)
	var own string
	for _, a := range other.Addresses {
		if a.Chain == sg.Ethereum {
			own = a.Address
		}
	}
	cases := []struct {
		name        string
		body        string
		status      int
		code, param string
	}{
		{"to a deposit address of the deployment", withdrawalBody(w.ID, own, "1"), 422, "own_address", "to_address"},
		{"to the zero address", withdrawalBody(w.ID, "0x0000000000000000000000000000000000000000", "1"), 422, "destination_denied", "to_address"},
		{"to the burn address", withdrawalBody(w.ID, "0x000000000000000000000000000000000000dEaD", "1"), 422, "destination_denied", "to_address"},
		{"from a frozen wallet", withdrawalBody(frozen.ID, outside, "1"), 422, "frozen", ""},
		{"more than the balance with the fee", withdrawalBody(w.ID, outside, "8.5"), 422, "insufficient_funds", "amount"},
		{"not an address", withdrawalBody(w.ID, "0x1234", "1"), 400, "invalid_address", "to_address"},
		{"zero", withdrawalBody(w.ID, outside, "0"), 400, "amount_not_positive", "amount"},
		{"another tenant's wallet", withdrawalBody(w.ID, outside, "1"), 404, "wallet_not_found", "wallet_id"},
		{"an unknown quote", strings.Replace(withdrawalBody(w.ID, outside, "1"), `"wallet_id"`, `"quote_id":"fq_nope","wallet_id"`, 1), 404, "fee_quote_not_found", "quote_id"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := call{key: "wr-" + string(rune('a'+i)), body: c.body}
			if c.name == "another tenant's wallet" {
				cl.tenant = "globex"
			}
			e.do("withdrawals-create", e.withdrawals.Create, cl).wantError(t, c.status, c.code, c.param)
		})
	}
	for _, id := range []string{w.ID, frozen.ID} {
		if b := e.balance("acme", id); b.Available != "10.000000" || b.Held != "0.000000" {
			t.Fatalf("a refused withdrawal held money on %s: %+v", id, b)
		}
	}
}

func TestQuoteThenWithdrawHoldsTheQuotedFee(t *testing.T) {
	e := newEnv(t)
	w := e.wallet("acme", "a")
	e.fund("acme", w.ID, 10_000_000)
	r := e.do("fee-quotes-get", e.quotes.Get, call{query: map[string]string{"chain": "ethereum", "to_address": outside, "amount": "4"}})
	r.wantOK(t, 200)
	var q QuoteView
	r.decode(t, &q)
	if q.Object != "fee_quote" || q.Fee != "1.250000" || q.Amount != "4.000000" || q.Chain != sg.Ethereum || q.ID == "" || q.ExpiresAt == "" || q.Network["gas"] != "65000" {
		t.Fatalf("quote %s", r.body)
	}
	body := strings.Replace(withdrawalBody(w.ID, outside, "4"), `"wallet_id"`, `"quote_id":"`+q.ID+`","wallet_id"`, 1)
	wr := e.do("withdrawals-create", e.withdrawals.Create, call{key: "wq-1", body: body})
	wr.wantOK(t, 201)
	var v TransferView
	wr.decode(t, &v)
	if v.FeeHeld == nil || *v.FeeHeld != "1.250000" {
		t.Fatalf("withdrawal on a quote %s; want the quoted fee held", wr.body)
	}
	if b := e.balance("acme", w.ID); b.Held != "5.250000" {
		t.Fatalf("held %+v; want amount and quoted fee", b)
	}
	// Another tenant cannot use the quote.
	g := e.wallet("globex", "g")
	e.fund("globex", g.ID, 10_000_000)
	body = strings.Replace(withdrawalBody(g.ID, outside, "4"), `"wallet_id"`, `"quote_id":"`+q.ID+`","wallet_id"`, 1)
	e.do("withdrawals-create", e.withdrawals.Create, call{tenant: "globex", key: "wq-2", body: body}).wantError(t, 404, "fee_quote_not_found", "quote_id")
}

func TestQuoteRefusals(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name        string
		query       map[string]string
		status      int
		code, param string
	}{
		{"no chain", map[string]string{"to_address": outside, "amount": "1"}, 400, "validation_failed", "chain"},
		{"unknown chain", map[string]string{"chain": "bitcoin", "to_address": outside, "amount": "1"}, 400, "validation_failed", "chain"},
		{"no address", map[string]string{"chain": "ethereum", "amount": "1"}, 400, "validation_failed", "to_address"},
		{"not an address", map[string]string{"chain": "ethereum", "to_address": "0xabc", "amount": "1"}, 400, "invalid_address", "to_address"},
		{"zero", map[string]string{"chain": "ethereum", "to_address": outside, "amount": "0"}, 400, "amount_not_positive", "amount"},
		{"negative", map[string]string{"chain": "ethereum", "to_address": outside, "amount": "-2"}, 400, "amount_not_positive", "amount"},
		{"a chain this deployment has no endpoint for", map[string]string{"chain": "tron", "to_address": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "amount": "1"}, 422, "chain_not_configured", "chain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.do("fee-quotes-get", e.quotes.Get, call{query: c.query}).wantError(t, c.status, c.code, c.param)
		})
	}
}

func TestHistoryListsAndFilters(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	e.fund("acme", a.ID, 10_000_000)
	e.clock.Add(time.Minute)
	e.do("transfers-create", e.transfers.Create, call{key: "h-1", body: transferBody(a.ID, b.ID, "1")}).wantOK(t, 201)
	e.clock.Add(time.Minute)
	e.do("withdrawals-create", e.withdrawals.Create, call{key: "h-2", body: withdrawalBody(a.ID, outside, "2")}).wantOK(t, 201)
	path := map[string]string{"wallet_id": a.ID}

	list := func(q map[string]string) List[TransferView] {
		t.Helper()
		r := e.do("wallets-transfers", e.history.List, call{path: path, query: q})
		r.wantOK(t, 200)
		var l List[TransferView]
		r.decode(t, &l)
		return l
	}
	all := list(nil)
	if len(all.Data) != 3 || all.Data[0].Type != sg.TransferWithdrawal || all.Data[2].Type != sg.TransferDeposit {
		t.Fatalf("history %+v; want withdrawal, internal, deposit (newest first)", all.Data)
	}
	cases := []struct {
		query map[string]string
		want  []sg.TransferType
	}{
		{map[string]string{"type": "internal"}, []sg.TransferType{sg.TransferInternal}},
		{map[string]string{"type": "withdrawal", "state": "pending"}, []sg.TransferType{sg.TransferWithdrawal}},
		{map[string]string{"state": "cancelled"}, nil},
		{map[string]string{"chain": "tron"}, nil},
		{map[string]string{"from": "2026-11-02T09:00:30Z"}, []sg.TransferType{sg.TransferWithdrawal, sg.TransferInternal}},
		{map[string]string{"to": "2026-11-02T09:00:30Z"}, []sg.TransferType{sg.TransferDeposit}},
	}
	for _, c := range cases {
		got := list(c.query)
		var types []sg.TransferType
		for _, v := range got.Data {
			types = append(types, v.Type)
		}
		if len(types) != len(c.want) {
			t.Fatalf("%v: %v; want %v", c.query, types, c.want)
		}
		for i := range types {
			if types[i] != c.want[i] {
				t.Fatalf("%v: %v; want %v", c.query, types, c.want)
			}
		}
	}
	page := list(map[string]string{"limit": "2"})
	if len(page.Data) != 2 || !page.HasMore || page.NextCursor == nil {
		t.Fatalf("first page %+v", page)
	}
	rest := list(map[string]string{"limit": "2", "cursor": *page.NextCursor})
	if len(rest.Data) != 1 || rest.HasMore || rest.Data[0].ID != all.Data[2].ID {
		t.Fatalf("second page %+v", rest)
	}

	refusals := []struct {
		query       map[string]string
		code, param string
	}{
		{map[string]string{"type": "refund"}, "validation_failed", "type"},
		{map[string]string{"state": "lost"}, "validation_failed", "state"},
		{map[string]string{"chain": "bitcoin"}, "unsupported_chain", "chain"},
		{map[string]string{"from": "yesterday"}, "validation_failed", "from"},
		{map[string]string{"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"}, "validation_failed", "to"},
		{map[string]string{"limit": "500"}, "validation_failed", "limit"},
	}
	for _, c := range refusals {
		e.do("wallets-transfers", e.history.List, call{path: path, query: c.query}).wantError(t, 400, c.code, c.param)
	}
	e.do("wallets-transfers", e.history.List, call{path: map[string]string{"wallet_id": "not-a-wallet"}}).wantError(t, 404, "not_found", "wallet_id")
}

func TestStatementIsTheWalletsCSV(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	e.fund("acme", a.ID, 10_000_000)
	e.clock.Add(time.Minute)
	body := jsonOf(map[string]any{"from_wallet_id": a.ID, "to_wallet_id": b.ID, "chain": "ethereum", "asset": "USDT", "amount": "1", "memo": "=HYPERLINK(\"x\")"})
	e.do("transfers-create", e.transfers.Create, call{key: "s-1", body: body}).wantOK(t, 201)
	e.clock.Add(time.Minute)
	e.do("withdrawals-create", e.withdrawals.Create, call{key: "s-2", body: withdrawalBody(a.ID, outside, "2")}).wantOK(t, 201)

	rng := map[string]string{"from": "2026-11-01T00:00:00Z", "to": "2026-11-03T00:00:00Z"}
	r := e.do("wallets-statement", e.history.Statement, call{path: map[string]string{"wallet_id": a.ID}, query: rng})
	r.wantOK(t, 200)
	if !strings.HasPrefix(r.headers["content-type"], "text/csv") || !strings.Contains(r.headers["content-disposition"], "statement-"+a.ID+".csv") ||
		r.headers["cache-control"] != "no-store" {
		t.Fatalf("headers %v", r.headers)
	}
	ls := lines(r.body)
	if len(ls) != 4 || ls[0] != strings.Join(statementHeader, ",") {
		t.Fatalf("statement:\n%s", r.body)
	}
	// Oldest first: the deposit, the transfer out (its formula memo made
	// inert), the withdrawal out with the fee it holds.
	for i, want := range [][]string{
		{",deposit,posted,ethereum,USDT,in,10.000000,"},
		{",internal,posted,ethereum,USDT,out,1.000000,0.000000,," + b.ID + ",\"'=HYPERLINK(\"\"x\"\")\""},
		{",withdrawal,pending,ethereum,USDT,out,2.000000,2.000000,,"},
	} {
		for _, part := range want {
			if !strings.Contains(ls[i+1], part) {
				t.Fatalf("line %d %q lacks %q", i+1, ls[i+1], part)
			}
		}
	}
	// The counterparty of the transfer in is a; b's statement says so.
	rb := e.do("wallets-statement", e.history.Statement, call{path: map[string]string{"wallet_id": b.ID}, query: rng})
	rb.wantOK(t, 200)
	if lb := lines(rb.body); len(lb) != 2 || !strings.Contains(lb[1], ",in,1.000000,0.000000,,"+a.ID+",") {
		t.Fatalf("b's statement:\n%s", rb.body)
	}

	refusals := []struct {
		name        string
		c           call
		status      int
		code, param string
	}{
		{"no from", call{path: map[string]string{"wallet_id": a.ID}, query: map[string]string{"to": rng["to"]}}, 400, "validation_failed", "from"},
		{"no to", call{path: map[string]string{"wallet_id": a.ID}, query: map[string]string{"from": rng["from"]}}, 400, "validation_failed", "to"},
		{"another tenant's wallet", call{tenant: "globex", path: map[string]string{"wallet_id": a.ID}, query: rng}, 404, "not_found", ""},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("wallets-statement", e.history.Statement, c.c)
			var eb errorBody
			r.decode(t, &eb)
			if r.status != c.status || eb.Error.Code != c.code || (c.param != "" && eb.Error.Param != c.param) {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
}

const batchHeader = "row_key,from_wallet_id,to_wallet_id,chain,amount,memo\n"

func batchHash(body string) string {
	sum := sha256.Sum256(append([]byte(OpBatch+"\x00"), body...))
	return hex.EncodeToString(sum[:])
}

func TestBatchAppliesEachRowOnceAndReportsTheRest(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	e.fund("acme", a.ID, 10_000_000)
	csv := batchHeader +
		"r1," + a.ID + "," + b.ID + ",ethereum,1.5,march\n" +
		"r2," + a.ID + "," + b.ID + ",ethereum,0,\n" +
		"r1," + a.ID + "," + b.ID + ",ethereum,1,again\n" +
		"r3," + a.ID + "," + b.ID + ",ethereum,100,\n" +
		"r4," + a.ID + "," + a.ID + ",ethereum,1,\n" +
		"r5," + a.ID + "," + b.ID + ",bitcoin,1,\n" +
		"r6," + a.ID + "," + b.ID + ",ethereum,2,\n"
	batch := func(key, body string) reply {
		return e.do("transfers-batch", e.transfers.Batch, call{key: key, ctype: "text/csv; charset=utf-8", body: body})
	}
	r := batch("b-1", csv)
	r.wantOK(t, 200)
	var rep BatchReport
	r.decode(t, &rep)
	if rep.Object != "batch_report" || rep.Rows != 7 || len(rep.Accepted) != 2 || len(rep.Refused) != 5 {
		t.Fatalf("report %s", r.body)
	}
	if rep.Accepted[0].RowKey != "r1" || rep.Accepted[0].Row != 2 || rep.Accepted[0].Replayed || rep.Accepted[1].RowKey != "r6" {
		t.Fatalf("accepted %+v", rep.Accepted)
	}
	wantRefused := []RefusedRow{
		{Row: 3, RowKey: "r2", Code: "amount_not_positive", Param: "amount"},
		{Row: 4, RowKey: "r1", Code: "duplicate_row_key", Param: "row_key"},
		{Row: 5, RowKey: "r3", Code: "insufficient_funds", Param: "amount"},
		{Row: 6, RowKey: "r4", Code: "same_wallet", Param: "to_wallet_id"},
		{Row: 7, RowKey: "r5", Code: "unsupported_chain", Param: "chain"},
	}
	for i, w := range wantRefused {
		got := rep.Refused[i]
		if got.Row != w.Row || got.RowKey != w.RowKey || got.Code != w.Code || got.Param != w.Param || got.Message == "" {
			t.Fatalf("refused[%d] = %+v; want %+v", i, got, w)
		}
	}
	if ba, bb := e.balance("acme", a.ID), e.balance("acme", b.ID); ba.Available != "6.500000" || bb.Available != "3.500000" {
		t.Fatalf("balances %+v %+v", ba, bb)
	}

	// The same file under the same key: the first report, replayed.
	again := batch("b-1", csv)
	if again.status != 200 || again.headers["idempotent-replayed"] != "true" || again.body != r.body {
		t.Fatalf("replay %d %v %s", again.status, again.headers, again.body)
	}
	// Another file under the key is refused.
	batch("b-1", batchHeader+"r9,"+a.ID+","+b.ID+",ethereum,1,\n").wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")

	// The same rows under a new key are replayed by their row keys, never
	// applied twice.
	fresh := batch("b-2", csv)
	fresh.wantOK(t, 200)
	var rep2 BatchReport
	fresh.decode(t, &rep2)
	if len(rep2.Accepted) != 2 || !rep2.Accepted[0].Replayed || rep2.Accepted[0].TransferID != rep.Accepted[0].TransferID {
		t.Fatalf("second run %s", fresh.body)
	}
	if ba := e.balance("acme", a.ID); ba.Available != "6.500000" {
		t.Fatalf("rows applied twice: %+v", ba)
	}
}

func TestBatchKeyClaimedByAnotherRun(t *testing.T) {
	e := newEnv(t)
	a, b := e.wallet("acme", "a"), e.wallet("acme", "b")
	e.fund("acme", a.ID, 10_000_000)
	csv := batchHeader + "r1," + a.ID + "," + b.ID + ",ethereum,1,\n"
	// Another run of the same file holds the key and has not finished.
	if _, claimed, err := e.st.ClaimIdempotency(bg, "acme", OpBatch, "b-held", batchHash(csv), BatchLease); err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	call := call{key: "b-held", ctype: "text/csv", body: csv}
	e.do("transfers-batch", e.transfers.Batch, call).wantError(t, 409, "idempotency_in_progress", "Idempotency-Key")
	if ba := e.balance("acme", a.ID); ba.Available != "10.000000" {
		t.Fatalf("a held key moved money: %+v", ba)
	}
	// Another file under the held key is a reuse of the key.
	call.body = batchHeader + "r2," + a.ID + "," + b.ID + ",ethereum,1,\n"
	e.do("transfers-batch", e.transfers.Batch, call).wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")
	// Once the lease lapses, a retry of the file takes the key over.
	e.clock.Add(BatchLease + time.Second)
	call.body = csv
	r := e.do("transfers-batch", e.transfers.Batch, call)
	r.wantOK(t, 200)
	if ba := e.balance("acme", a.ID); ba.Available != "9.000000" {
		t.Fatalf("after takeover: %+v", ba)
	}
}

func TestBatchRefusesTheFile(t *testing.T) {
	e := newEnv(t)
	rows := "r1,wal_a,wal_b,ethereum,1,\n"
	cases := []struct {
		name        string
		c           call
		status      int
		code, param string
	}{
		{"JSON, not CSV", call{key: "f1", body: batchHeader + rows}, 415, "unsupported_media_type", ""},
		{"no key", call{ctype: "text/csv", body: batchHeader + rows}, 400, "idempotency_key_missing", "Idempotency-Key"},
		{"an unknown column", call{key: "f2", ctype: "text/csv", body: "row_key,from_wallet_id,to_wallet_id,chain,amount,colour\n" + rows}, 400, "unknown_field", "colour"},
		{"a required column missing", call{key: "f3", ctype: "text/csv", body: "row_key,from_wallet_id,to_wallet_id,amount\nr1,a,b,1\n"}, 400, "validation_failed", "chain"},
		{"no rows", call{key: "f4", ctype: "text/csv", body: batchHeader}, 400, "invalid_csv", ""},
		{"ragged rows", call{key: "f5", ctype: "text/csv", body: batchHeader + "r1,a\n"}, 400, "invalid_csv", ""},
		{"too many rows", call{key: "f6", ctype: "text/csv", body: batchHeader + strings.Repeat(rows, MaxBatchRows+1)}, 400, "too_many_rows", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.do("transfers-batch", e.transfers.Batch, c.c).wantError(t, c.status, c.code, c.param)
		})
	}
}
