package api

import (
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func (e *env) batches() PayoutBatches {
	return PayoutBatches{B: &ledger.Batches{W: e.wd, Store: &memstore.PayoutBatches{}, Claims: e.st}}
}

// POST /v1/payout-batches creates one withdrawal per valid row, names each
// refused row with its code, replays under its key and refuses the key
// with another body; GET shows each row; another tenant sees nothing.
func TestPayoutBatchesCreateAndGet(t *testing.T) {
	e := newEnv(t)
	h := e.batches()
	w := e.wallet("acme", "payroll")
	e.fund("acme", w.ID, 100_000_000) // 100 USDT
	body := `{"wallet_id":"` + w.ID + `","asset":"USDT","payouts":[
		{"chain":"ethereum","to_address":"0x52908400098527886E0F7030069857D2E4169EE7","amount":"10"},
		{"chain":"ethereum","to_address":"0xnot-an-address","amount":"1"},
		{"chain":"ethereum","to_address":"0x8617E340B3D01FA5F11F306F4090FD50E238070D","amount":"500"},
		{"chain":"ethereum","to_address":"0x8617E340B3D01FA5F11F306F4090FD50E238070D","amount":"20","idempotency_key":"row-x"}]}`
	r := e.do("payout-batches-create", h.Create, call{key: "b1", body: body})
	r.wantOK(t, 201)
	var v PayoutBatchView
	r.decode(t, &v)
	if v.State != sg.BatchOpen || len(v.Payouts) != 4 || v.Totals.Refused != 2 {
		t.Fatalf("batch %+v; want 4 rows, 2 refused", v)
	}
	wantRow := func(i int, status, code string) {
		t.Helper()
		p := v.Payouts[i]
		if p.Status != status || (code == "") != (p.Error == nil) || (p.Error != nil && p.Error.Code != code) {
			t.Fatalf("row %d = %+v; want %s %s", i, p, status, code)
		}
	}
	wantRow(0, "pending", "")
	wantRow(1, "refused", "invalid_address")
	wantRow(2, "refused", "insufficient_funds")
	wantRow(3, "pending", "")
	if v.Payouts[0].IdempotencyKey != "b1#0" || v.Payouts[3].IdempotencyKey != "row-x" {
		t.Fatalf("row keys %q, %q; want b1#0 and row-x", v.Payouts[0].IdempotencyKey, v.Payouts[3].IdempotencyKey)
	}
	// Two holds of amount plus the fee.
	if b := e.balance("acme", w.ID); b.Held != "34.000000" {
		t.Fatalf("held %s; want 34.000000", b.Held)
	}
	again := e.do("payout-batches-create", h.Create, call{key: "b1", body: body})
	again.wantOK(t, 200)
	if again.headers["idempotent-replayed"] != "true" {
		t.Fatal("a replay is not marked")
	}
	e.do("payout-batches-create", h.Create, call{key: "b1", body: strings.Replace(body, `"10"`, `"11"`, 1)}).wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")
	if b := e.balance("acme", w.ID); b.Held != "34.000000" {
		t.Fatalf("held %s after the replays; want 34.000000", b.Held)
	}
	g := e.do("payout-batches-get", h.Get, call{path: map[string]string{"batch_id": v.ID}})
	g.wantOK(t, 200)
	var gv PayoutBatchView
	g.decode(t, &gv)
	if gv.Payouts[0].TransferID != v.Payouts[0].TransferID || gv.Totals.Open != 2 {
		t.Fatalf("GET = %+v", gv)
	}
	e.do("payout-batches-get", h.Get, call{tenant: "other", path: map[string]string{"batch_id": v.ID}}).wantError(t, 404, "not_found", "batch_id")
}

// A CSV batch names one wallet on every row; an empty batch and an
// unknown field are refused before anything is held.
func TestPayoutBatchesCSVAndRefusals(t *testing.T) {
	e := newEnv(t)
	h := e.batches()
	w := e.wallet("acme", "csv")
	e.fund("acme", w.ID, 50_000_000)
	csv := "wallet_id,chain,to_address,amount,memo\n" +
		w.ID + ",ethereum,0x52908400098527886E0F7030069857D2E4169EE7,5,November\n" +
		w.ID + ",ethereum,0x8617E340B3D01FA5F11F306F4090FD50E238070D,6,\n"
	r := e.do("payout-batches-create", h.Create, call{key: "c1", ctype: "text/csv", body: csv})
	r.wantOK(t, 201)
	var v PayoutBatchView
	r.decode(t, &v)
	if len(v.Payouts) != 2 || v.Totals.Refused != 0 || v.Payouts[1].Amount != "6.000000" {
		t.Fatalf("CSV batch %+v", v)
	}
	mixed := "wallet_id,chain,to_address,amount\n" + w.ID + ",ethereum,0x52908400098527886E0F7030069857D2E4169EE7,5\nwal_other,ethereum,0x52908400098527886E0F7030069857D2E4169EE7,5\n"
	e.do("payout-batches-create", h.Create, call{key: "c2", ctype: "text/csv", body: mixed}).wantError(t, 400, "validation_failed", "wallet_id")
	e.do("payout-batches-create", h.Create, call{key: "c3", body: `{"wallet_id":"` + w.ID + `","asset":"USDT","payouts":[]}`}).wantError(t, 400, "batch_empty", "payouts")
	e.do("payout-batches-create", h.Create, call{key: "c4", body: `{"wallet_id":"` + w.ID + `","asset":"USDT","payouts":[],"colour":1}`}).wantError(t, 400, "unknown_field", "colour")
	e.do("payout-batches-create", h.Create, call{body: `{}`}).wantError(t, 400, "idempotency_key_missing", "Idempotency-Key")
	if b := e.balance("acme", w.ID); b.Held != "15.000000" {
		t.Fatalf("held %s; want 15.000000 (the first batch's two holds only)", b.Held)
	}
}

// A batch paying two chains shows each chain's transaction (its step, hash
// and counts) under transactions, names no single chain or hash at the
// top, and is done once the tracker has ended every member of each; a
// batch of one transaction still names it at the top.
func TestViewPayoutBatchShowsEachChainsTransaction(t *testing.T) {
	rows := []sg.BatchRow{
		{Index: 0, Key: "k#0", Chain: sg.Ethereum, ToAddress: "0xE73a1eD9795A7BD400591a8eac8855442ba81478", Amount: 5, TransferID: "txn_e1"},
		{Index: 1, Key: "k#1", Chain: sg.Tron, ToAddress: "TTYAc49GQiGjXEDbDZNJNrCfr3ameKJETk", Amount: 6, TransferID: "txn_t1"},
		{Index: 2, Key: "k#2", Chain: sg.Tron, ToAddress: "TH1sZunCh4SgoMUGf7jJ8qUEyxRBqGQUed", Amount: 7, TransferID: "txn_t2"},
	}
	b := sg.PayoutBatch{ID: "pb_1", Wallet: "wal_1", State: sg.BatchBroadcast, Rows: rows, Legs: []sg.BatchLeg{
		{Chain: sg.Ethereum, Job: "pb_1.ethereum", State: sg.BatchBroadcast, Members: []string{"txn_e1"}, TxHash: "0xeth"},
		{Chain: sg.Tron, Job: "pb_1.tron", State: sg.BatchDone, Members: []string{"txn_t1", "txn_t2"}, TxHash: "trx"},
	}}
	ts := map[string]sg.Transfer{
		"txn_e1": {ID: "txn_e1", Chain: sg.Ethereum, State: sg.StateBroadcast, Amount: 5, TxHash: "0xeth"},
		"txn_t1": {ID: "txn_t1", Chain: sg.Tron, State: sg.StatePosted, Amount: 6, TxHash: "trx"},
		"txn_t2": {ID: "txn_t2", Chain: sg.Tron, State: sg.StateFailed, Amount: 7, TxHash: "trx"},
	}
	v := ViewPayoutBatch(b, ts)
	want := []PayoutBatchLeg{{Chain: sg.Ethereum, State: sg.BatchBroadcast, TxHash: "0xeth", Payouts: 1},
		{Chain: sg.Tron, State: sg.BatchDone, TxHash: "trx", Payouts: 2, Paid: 1, Failed: 1}}
	if v.State != sg.BatchBroadcast || v.Chain != "" || v.TxHash != "" || len(v.Legs) != 2 || v.Legs[0] != want[0] || v.Legs[1] != want[1] {
		t.Fatalf("view %+v legs %+v; want broadcast, no single chain, legs %+v", v, v.Legs, want)
	}
	for i, p := range v.Payouts {
		if !p.InBatchTx {
			t.Fatalf("row %d not shown in its chain's batch transaction", i)
		}
	}
	// The tracker posts the Ethereum member: its leg, and so the batch, is done.
	e := ts["txn_e1"]
	e.State = sg.StatePosted
	ts["txn_e1"] = e
	if v := ViewPayoutBatch(b, ts); v.State != sg.BatchDone || v.Legs[0].State != sg.BatchDone || v.Legs[0].Paid != 1 {
		t.Fatalf("after the member ended: %s, legs %+v; want done", v.State, v.Legs)
	}
	one := b
	one.Legs = b.Legs[1:]
	if v := ViewPayoutBatch(one, ts); v.Chain != sg.Tron || v.TxHash != "trx" || len(v.Legs) != 1 || v.Payouts[0].InBatchTx {
		t.Fatalf("one-transaction batch: chain %q tx %q legs %+v, row 0 in batch %v", v.Chain, v.TxHash, v.Legs, v.Payouts[0].InBatchTx)
	}
	open := sg.PayoutBatch{ID: "pb_2", State: sg.BatchOpen, Rows: rows}
	if v := ViewPayoutBatch(open, nil); v.State != sg.BatchOpen || v.Legs == nil || len(v.Legs) != 0 {
		t.Fatalf("open batch: %s legs %#v; want open with an empty list", v.State, v.Legs)
	}
}
