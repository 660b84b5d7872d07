package tests

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- tronms: Tron batch payouts ----

// On the local stack (the Tron stand-in running the Multisend the stack
// configures as MULTISEND_TRON) a batch of Tron payouts with a recipient the
// token refuses is paid through the API in one Tron transaction: the other
// rows are posted with their share of the TRX burnt, the refused row ends
// failed with recipient_refused_by_token and its hold voided (the wallet
// keeps its amount), and the books reconcile: the statement's lines add up
// to the wallet's balance and the reconciliation passes.
func TestPayoutBatchTronRefusedRecipientOnLocalStack(t *testing.T) {
	e := stack(t)
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	usdt, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if grid.URL == "" || err != nil || os.Getenv("STABLEGATE_MULTISEND_TRON") == "" {
		t.Skip("the stack runs no Tron stand-in with a Multisend")
	}
	start := time.Now().UTC().Add(-time.Minute)
	ten := tenant()
	tok := e.token(t, ten)
	l, st := ledgerOn(t, rawDB(t))
	a := e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "50")
	const refused = 1
	var to []address.Account
	var rows []string
	for i := 0; i < 4; i++ {
		to = append(to, acct("tron batch recipient "+randHex(8)))
		rows = append(rows, fmt.Sprintf(`{"chain":"tron","to_address":%q,"amount":"%d"}`, to[i].Tron(), i+1))
	}
	body, _ := json.Marshal(map[string]any{"address": to[refused].Tron(), "refuse": true})
	if r, err := http.Post(grid.URL+tronfix.DevRefusePath, "application/json", bytes.NewReader(body)); err != nil || r.StatusCode != 200 {
		t.Fatalf("refuse a recipient: %v", err)
	} else {
		r.Body.Close()
	}
	r := e.do(t, "POST", "/v1/payout-batches", tok, idem(), []byte(fmt.Sprintf(`{"wallet_id":%q,"asset":"USDT","payouts":[%s]}`, a.ID, strings.Join(rows, ","))))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var b struct {
		ID      string
		TxHash  string `json:"tx_hash"`
		Payouts []struct {
			Status     string
			TransferID string  `json:"transfer_id"`
			TxHash     string  `json:"tx_hash"`
			InBatch    bool    `json:"in_batch_transaction"`
			NetworkFee *string `json:"network_fee"`
			Reason     string
		}
	}
	r.json(t, &b)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r = e.do(t, "GET", "/v1/payout-batches/"+b.ID, tok, nil, nil)
		r.json(t, &b)
		ended := 0
		for _, p := range b.Payouts {
			if p.Status == "posted" || p.Status == "failed" {
				ended++
			}
		}
		if ended == len(rows) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch not ended: %s", r.body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if b.TxHash == "" {
		t.Fatalf("no batch transaction: %s", r.body)
	}
	ctx := context.Background()
	var spent sg.Amount
	for i, p := range b.Payouts {
		got := tronBalance(t, grid, usdt, to[i])
		if i == refused {
			if p.Status != "failed" || !p.InBatch || !strings.Contains(p.Reason, sg.ErrRecipientRefused.Code) || got != 0 {
				t.Fatalf("refused row: %s, recipient holds %d: %s", p.Status, got, r.body)
			}
			continue
		}
		if p.Status != "posted" || !p.InBatch || p.TxHash != b.TxHash || p.NetworkFee == nil || got != int64(i+1)*1_000_000 {
			t.Fatalf("row %d not paid by the one batch transaction (holds %d): %s", i, got, r.body)
		}
	}
	// The wallet: what the posted rows took (amount and fee charged),
	// nothing held; the refused amount back.
	for _, p := range b.Payouts {
		tr, err := st.Ledger.Transfer(ctx, ten, p.TransferID)
		if err != nil {
			t.Fatal(err)
		}
		if tr.State == sg.StatePosted {
			spent += tr.Amount + tr.ChargedFee()
		} else if tr.State != sg.StateFailed {
			t.Fatalf("transfer %s in %s", tr.ID, tr.State)
		}
	}
	bal, err := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, a.ID, sg.Tron, sg.USDT), 1)
	if err != nil || bal.Held != 0 || bal.Available != 50_000_000-spent {
		t.Fatalf("wallet %+v (%v); want %d available, nothing held", bal, err, 50_000_000-spent)
	}
	// The statement adds up to that balance: the deposit in, the posted
	// payouts out with their fees; the failed row moved nothing. (The
	// statement is fed by the table's stream: its last lines may come a
	// moment after the API shows the rows ended.)
	q := "from=" + start.Format(time.RFC3339) + "&to=" + time.Now().UTC().Add(time.Minute).Format(time.RFC3339)
	for wait := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		r = e.do(t, "GET", "/v1/wallets/"+a.ID+"/statement?"+q, tok, nil, nil)
		lines, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil || r.status != 200 {
			t.Fatalf("statement: %d %v %s", r.status, err, r.body)
		}
		var net sg.Amount
		failed := 0
		for _, row := range lines[1:] { // created_at, transfer_id, type, state, chain, asset, direction, amount, fee, ...
			switch {
			case row[4] != "tron":
			case row[3] == "failed":
				failed++
			case row[6] == "in":
				net += amt(t, row[7])
			case row[6] == "out" && row[3] == "posted":
				net -= amt(t, row[7]) + amt(t, row[8])
			}
		}
		if net == bal.Available && failed == 1 {
			break
		}
		if time.Now().After(wait) {
			t.Fatalf("statement nets %s with %d failed lines; the wallet holds %s:\n%s", net, failed, bal.Available, r.body)
		}
	}
	rr := e.do(t, "GET", "/v1/reconciliation", tok, nil, nil)
	var rep reconJSON
	rr.json(t, &rep)
	if rr.status != 200 || !rep.OK {
		t.Fatalf("books after the batch: %d %s", rr.status, rr.body)
	}
	t.Logf("tron batch %s: 3 paid, 1 refused in %s", b.ID, b.TxHash)
}
