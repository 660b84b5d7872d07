package tests

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settle: a merchant's day (issue 16, must-show 3 and 4) ----

type feeQuoteJSON struct {
	Amount string `json:"amount"`
	Fee    string `json:"fee"`
	Net    string `json:"net"`
	Lines  []struct {
		Kind   string `json:"kind"`
		Amount string `json:"amount"`
	} `json:"lines"`
}

type settlementReportJSON struct {
	ID               string `json:"id"`
	Chain            string `json:"chain"`
	Status           string `json:"status"`
	PayoutTransferID string `json:"payout_transfer_id"`
	PayoutBatchID    string `json:"payout_batch_id"`
	Totals           struct {
		Gross, Fees, Refunds, Net string
	} `json:"totals"`
	Lines []struct {
		Kind         string `json:"kind"`
		Ref          string `json:"ref"`
		Chain        string `json:"chain"`
		To           string `json:"to"`
		Gross        string `json:"gross"`
		Fee          string `json:"fee"`
		Net          string `json:"net"`
		Cleared      string `json:"cleared"`
		FeeShown     string `json:"fee_shown"`
		FiatCurrency string `json:"fiat_currency"`
		Rate         string `json:"rate"`
	} `json:"lines"`
}

func amt(t testing.TB, s string) sg.Amount {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	a, err := sg.ParseAmount(strings.TrimPrefix(s, "-"), sg.USDTDecimals)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		return -a
	}
	return a
}

// A merchant's day on the local stack: fees set by the platform and shown
// before anything is paid; invoices paid on Tron (priced in EUR) and on
// Ethereum; both chains settled on Ethereum (Tron's value cleared across by
// a named entry); the scheduled settlement closes at its threshold and is
// paid as one payout through the withdrawal pipeline to an outside Ethereum
// address; its report (JSON and CSV) carries every line's fee, never more
// than shown and to the base unit the schedule's, the EUR rate used, and
// totals equal to the settlement wallet's statement.
func TestSettlementMerchantDay(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "invoices:read", "invoices:write", "wallets:read", "transfers:read", "policies:write")
	skipUnlessInvoices(t, e, tok)
	if r := e.do(t, "GET", "/v1/settlements", tok, nil, nil); r.status == 404 {
		t.Skipf("GET /v1/settlements answers 404 %s: the settlement routes are not on this stack", r.errCode())
	}
	admin := e.token(t, tenant(), "platform:admin")

	// The platform sets the merchant's fees; a bad schedule is a named refusal.
	put := func(body string) reply {
		return e.do(t, "PUT", "/v1/platform/fee-schedules/"+ten, admin, map[string]string{"Content-Type": "application/json"}, []byte(body))
	}
	if r := put(`{"chain":"tron","percent":"1","min":"3.000000","max":"2.000000","network_fee":"absorb","version":0}`); r.status != 400 || r.errCode() != "fee_bounds_inverted" {
		t.Fatalf("min above max: %d %s", r.status, r.body)
	}
	if r := put(`{"chain":"tron","percent":"1","fixed":"0.100000","network_fee":"absorb","version":0}`); r.status != 200 {
		t.Fatalf("tron schedule: %d %s", r.status, r.body)
	}
	if r := put(`{"chain":"ethereum","percent":"2","min":"0.500000","network_fee":"pass_through","version":0}`); r.status != 200 {
		t.Fatalf("ethereum schedule: %d %s", r.status, r.body)
	}
	if r := put(`{"chain":"ethereum","percent":"3","network_fee":"absorb","version":0}`); r.status != 409 || r.errCode() != "fee_schedule_changed" {
		t.Fatalf("a put over a stale version: %d %s", r.status, r.body)
	}
	// Shown before anything is confirmed: the fee of an amount, itemised.
	var shown struct {
		Quote feeQuoteJSON `json:"quote"`
	}
	e.do(t, "GET", "/v1/fee-schedule?chain=tron&amount=12.500000", tok, nil, nil).json(t, &shown)
	if shown.Quote.Fee != "0.225000" || shown.Quote.Net != "12.275000" || len(shown.Quote.Lines) != 2 {
		t.Fatalf("tron fee preview: %+v", shown.Quote)
	}

	// The merchant as a customer of the tenant, verified into a tier with
	// cross_chain: Tron's value is cleared to Ethereum (issue 15).
	ctok := custToken(t, e, ten)
	merchant := custCreate(t, e, ctok, `{"name":"Day Merchant","country":"DE"}`)
	var kyc struct {
		ProviderRef string `json:"provider_ref"`
	}
	if r := e.do(t, "POST", "/v1/customers/"+merchant.ID+"/kyc", ctok, nil, []byte(`{"tier":"standard"}`)); r.status != 200 {
		t.Fatalf("kyc start: %d %s", r.status, r.body)
	} else {
		r.json(t, &kyc)
	}
	custKycdev(t, kyc.ProviderRef, "verify")

	// Both chains settle on Ethereum, scheduled at a 25 USDT threshold.
	payee := common.BytesToAddress(crypto.Keccak256([]byte(randHex(8)))[:20]).Hex()
	cfg := func(chain string) reply {
		body := `{"chain":"` + chain + `","mode":"scheduled","schedule":"threshold","threshold":"25.000000","customer_id":"` + merchant.ID + `",` +
			`"destination":{"chain":"ethereum","address":"` + payee + `"},"version":0}`
		return e.do(t, "PUT", "/v1/settlement-config", tok, map[string]string{"Content-Type": "application/json"}, []byte(body))
	}
	var tronCfg, ethCfg struct {
		WalletID string `json:"wallet_id"`
	}
	if r := cfg("tron"); r.status != 200 {
		t.Fatalf("tron config: %d %s", r.status, r.body)
	} else {
		r.json(t, &tronCfg)
	}
	if r := cfg("ethereum"); r.status != 200 {
		t.Fatalf("ethereum config: %d %s", r.status, r.body)
	} else {
		r.json(t, &ethCfg)
	}
	if tronCfg.WalletID == "" || tronCfg.WalletID != ethCfg.WalletID {
		t.Fatalf("settlement wallets %q and %q: want one per tenant", tronCfg.WalletID, ethCfg.WalletID)
	}
	if r := e.do(t, "PUT", "/v1/settlement-config", tok, map[string]string{"Content-Type": "application/json"},
		[]byte(`{"chain":"tron","mode":"instant","destination":{"chain":"ethereum","address":"not-an-address"},"version":1}`)); r.status != 400 {
		t.Fatalf("a bad destination: %d %s", r.status, r.body)
	}
	start := time.Now().UTC().Add(-time.Minute)

	// The day's invoices: 11.50 EUR (12.5 USDT) paid on Tron, 20 USDT on Ethereum.
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	usdtTron, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatalf("the local stack's Tron token: %v", err)
	}
	a := e.createInvoice(t, tok, `{"price":{"currency":"EUR","amount":"11.50"},"chains":["tron"]}`)
	b := e.createInvoice(t, tok, `{"amount":"20","chains":["ethereum"]}`)
	// Shown on the invoice before it is paid: the fee of its amount on
	// each chain it accepts, never more charged (checked on the receipt).
	var preview struct {
		FeePreview []struct {
			Chain, Fee, Net string
		} `json:"fee_preview"`
	}
	e.do(t, "GET", "/v1/invoices/"+a.ID, tok, nil, nil).json(t, &preview)
	if len(preview.FeePreview) != 1 || preview.FeePreview[0].Chain != "tron" || preview.FeePreview[0].Fee != "0.225000" || preview.FeePreview[0].Net != "12.275000" {
		t.Fatalf("the invoice's fee preview: %+v", preview.FeePreview)
	}
	to, _ := address.Parse(sg.Tron, a.address(t, "tron"))
	sendTronUSDT(t, grid, usdtTron, to, 12_500_000)
	e.waitInvoice(t, tok, a.ID, "paid on Tron", func(v invoiceJSON) bool { return v.Status == "paid" })

	// A partial refund of the Tron invoice, to the address that paid it,
	// through the withdrawal pipeline; more than paid is a named refusal,
	// and a retry answers as the first call.
	refund := func(key, body string) reply {
		return e.do(t, "POST", "/v1/invoices/"+a.ID+"/refunds", tok, map[string]string{"Idempotency-Key": key, "Content-Type": "application/json"}, []byte(body))
	}
	if r := refund("r-"+randHex(6), `{"amount":"12.500001"}`); r.status != 422 || r.errCode() != "refund_exceeds_paid" {
		t.Fatalf("a refund above what was paid: %d %s", r.status, r.body)
	}
	rkey := "r-" + randHex(6)
	var rf, again struct {
		ID, State, Type, Amount, Fee string
		ToAddress                    string `json:"to_address"`
	}
	if r := refund(rkey, `{"amount":"2.500000","reason":"one item returned"}`); r.status != 201 {
		t.Fatalf("refund: %d %s", r.status, r.body)
	} else {
		r.json(t, &rf)
	}
	refund(rkey, `{"amount":"2.500000","reason":"one item returned"}`).json(t, &again)
	if rf.Type != "withdrawal" || rf.Amount != "2.500000" || rf.ToAddress == "" || again.ID != rf.ID {
		t.Fatalf("refund %+v, its retry %+v", rf, again)
	}
	if r := refund("r-"+randHex(6), `{"amount":"10.000001"}`); r.status != 422 || r.errCode() != "refund_exceeds_paid" {
		t.Fatalf("a second refund above what is left: %d %s", r.status, r.body)
	}

	// A dispute the merchant lost on the Tron invoice, recorded by the
	// operator: it shares the invoice's cap with the refund, a retry moves
	// nothing twice, and the settlement nets it (cleared back to Tron first).
	ops := e.token(t, ten, "disputes:write")
	chargeback := func(key, body string) reply {
		return e.do(t, "POST", "/v1/invoices/"+a.ID+"/chargebacks", ops, map[string]string{"Idempotency-Key": key, "Content-Type": "application/json"}, []byte(body))
	}
	if r := e.do(t, "POST", "/v1/invoices/"+a.ID+"/chargebacks", tok, map[string]string{"Idempotency-Key": "c-" + randHex(6), "Content-Type": "application/json"},
		[]byte(`{"amount":"1.000000","reason":"dispute lost"}`)); r.status != 403 {
		t.Fatalf("a chargeback with the merchant's own token: %d %s", r.status, r.body)
	}
	if r := chargeback("c-"+randHex(6), `{"amount":"10.000001","reason":"dispute lost"}`); r.status != 422 || r.errCode() != "chargeback_exceeds_paid" {
		t.Fatalf("a chargeback above what is left after the refund: %d %s", r.status, r.body)
	}
	ckey := "c-" + randHex(6)
	var cb, cbAgain struct{ ID, Amount, Chain string }
	if r := chargeback(ckey, `{"amount":"1.000000","reason":"dispute lost: goods not received"}`); r.status != 201 {
		t.Fatalf("chargeback: %d %s", r.status, r.body)
	} else {
		r.json(t, &cb)
	}
	chargeback(ckey, `{"amount":"1.000000","reason":"dispute lost: goods not received"}`).json(t, &cbAgain)
	if cb.ID == "" || cb.Amount != "1.000000" || cb.Chain != "tron" || cbAgain.ID != cb.ID {
		t.Fatalf("chargeback %+v, its retry %+v", cb, cbAgain)
	}
	chargedBack := amt(t, "1.000000")

	sendEthUSDT(t, b.address(t, "ethereum"), "20")
	e.waitInvoice(t, tok, b.ID, "paid on Ethereum", func(v invoiceJSON) bool { return v.Status == "paid" })

	// The threshold is reached: the job closes the settlement and pays it.
	var list struct {
		Data []struct {
			ID, Status, Chain string
		} `json:"data"`
	}
	var stlID string
	for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		e.do(t, "GET", "/v1/settlements", tok, nil, nil).json(t, &list)
		if len(list.Data) == 1 && list.Data[0].Status == "paid" {
			stlID = list.Data[0].ID
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no paid settlement: %+v", list.Data)
		}
	}
	var rep settlementReportJSON
	e.do(t, "GET", "/v1/settlements/"+stlID, tok, nil, nil).json(t, &rep)
	if rep.Chain != "ethereum" || rep.Status != "paid" || rep.PayoutTransferID == "" {
		t.Fatalf("settlement %+v", rep)
	}
	settlementPaidInOneMultisend(t, e, ten, rep)

	// Every invoice line's fee is the schedule's to the base unit, never
	// more than shown; Tron's value was cleared to Ethereum by a named line.
	wantFee := map[string]string{a.ID: "0.225000", b.ID: "0.500000"} // 1% of 12.5 + 0.1; 2% of 20 raised to the 0.5 minimum
	// The refund line is its amount and the Tron payout's network fee held for it.
	refundOut := amt(t, "2.500000") + amt(t, rf.Fee)
	var sumNet, networkFee sg.Amount
	var cleared, invoices, refunds, chargebacks int
	for _, l := range rep.Lines {
		switch l.Kind {
		case "invoice":
			invoices++
			if l.Fee != wantFee[l.Ref] || amt(t, l.Fee) > amt(t, l.FeeShown) || amt(t, l.Net) != amt(t, l.Gross)-amt(t, l.Fee) {
				t.Errorf("invoice line %+v: fee want %s, never above fee_shown", l, wantFee[l.Ref])
			}
			if l.Ref == a.ID && (l.FiatCurrency != "EUR" || l.Rate == "") {
				t.Errorf("the EUR invoice's line carries no rate: %+v", l)
			}
			// The merchant's receipt of the invoice carries the same fee,
			// to the base unit.
			var receipt struct {
				Fees []struct{ Description, Amount string } `json:"fees"`
			}
			e.do(t, "GET", "/v1/invoices/"+l.Ref+"/receipt", tok, nil, nil).json(t, &receipt)
			if len(receipt.Fees) != 1 || receipt.Fees[0].Amount != wantFee[l.Ref] || !strings.Contains(receipt.Fees[0].Description, "fee schedule version") {
				t.Errorf("the receipt of %s lists fees %+v; want one line of %s", l.Ref, receipt.Fees, wantFee[l.Ref])
			}
		case "clearing":
			cleared++
			if want := map[string]string{a.ID: "12.275000", rf.ID: "-" + refundOut.String(), cb.ID: "-" + chargedBack.String()}[l.Ref]; l.Chain != "tron" || l.To != "ethereum" || l.Cleared != want {
				t.Errorf("clearing line %+v, want %s cleared", l, want)
			}
		case "refund":
			refunds++
			if l.Ref != rf.ID || amt(t, l.Net) != -refundOut {
				t.Errorf("refund line %+v, want net -%s", l, refundOut)
			}
		case "chargeback":
			chargebacks++
			if l.Ref != cb.ID || amt(t, l.Net) != -chargedBack {
				t.Errorf("chargeback line %+v, want ref %s and net -%s", l, cb.ID, chargedBack)
			}
		case "network_fee":
			networkFee += amt(t, l.Fee)
		}
		sumNet += amt(t, l.Net)
	}
	if invoices != 2 || cleared != 3 || refunds != 1 || chargebacks != 1 || sumNet != amt(t, rep.Totals.Net) {
		t.Fatalf("%d invoice lines, %d clearing lines, %d refund lines, %d chargeback lines, lines net %s vs totals %s",
			invoices, cleared, refunds, chargebacks, sumNet, rep.Totals.Net)
	}
	if want := amt(t, "12.275000") + amt(t, "19.500000") - refundOut - chargedBack - networkFee; amt(t, rep.Totals.Net) != want ||
		rep.Totals.Fees != (amt(t, "0.725000")+networkFee).String() || amt(t, rep.Totals.Refunds) != -(refundOut+chargedBack) {
		t.Fatalf("totals %+v; want net %s", rep.Totals, want)
	}

	// The CSV says the same.
	r := e.do(t, "GET", "/v1/settlements/"+stlID+"?format=csv", tok, nil, nil)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv report: %d %v %s", r.status, err, r.body)
	}
	csvTotals := map[string]string{}
	for _, row := range rows[1:] {
		if row[0] == "total" {
			csvTotals[row[2]] = row[8]
		}
	}
	if csvTotals["net"] != rep.Totals.Net || csvTotals["fees"] != rep.Totals.Fees || csvTotals["gross"] != rep.Totals.Gross {
		t.Fatalf("csv totals %v vs json %+v", csvTotals, rep.Totals)
	}

	// The settlement wallet's statement reconciles to the report: what came
	// in on Ethereum, less what the refund and the chargeback cleared back to Tron and the
	// network fee, is the report's net, and the one payout is that net.
	q := "from=" + start.Format(time.RFC3339) + "&to=" + time.Now().UTC().Add(time.Minute).Format(time.RFC3339)
	r = e.do(t, "GET", "/v1/wallets/"+ethCfg.WalletID+"/statement?"+q, tok, nil, nil)
	st, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || r.status != 200 {
		t.Fatalf("statement: %d %v %s", r.status, err, r.body)
	}
	var in sg.Amount
	var outs []string
	for _, row := range st[1:] { // created_at, transfer_id, type, state, chain, asset, direction, amount, ...
		if row[4] != "ethereum" {
			continue
		}
		switch row[6] {
		case "in":
			in += amt(t, row[7])
		case "out":
			outs = append(outs, row[1]+" "+row[7])
		}
	}
	var back sg.Amount
	var payout []string
	for _, o := range outs {
		if strings.HasPrefix(o, rep.PayoutTransferID+" ") {
			payout = append(payout, o)
		} else {
			back += amt(t, o[strings.LastIndex(o, " ")+1:])
		}
	}
	if in-back-networkFee != amt(t, rep.Totals.Net) || back != refundOut+chargedBack || len(payout) != 1 || payout[0] != rep.PayoutTransferID+" "+rep.Totals.Net {
		t.Fatalf("statement: in %s (less the network fee %s), outs %v; report net %s paid by %s", in, networkFee, outs, rep.Totals.Net, rep.PayoutTransferID)
	}
	t.Logf("settlement %s: gross %s, fees %s, net %s paid to %s by %s", stlID, rep.Totals.Gross, rep.Totals.Fees, rep.Totals.Net, payee, rep.PayoutTransferID)
}

// settlementPaidInOneMultisend shows a scheduled settlement paid as a row
// of a payout batch: its payout is the row's transfer, posted by the
// batch's one transaction, and that transaction was mined calling the
// local chain's Multisend contract.
func settlementPaidInOneMultisend(t *testing.T, e *env, ten string, rep settlementReportJSON) {
	t.Helper()
	if rep.PayoutBatchID == "" {
		t.Fatalf("settlement %s was not paid through a payout batch: %+v", rep.ID, rep)
	}
	var b struct {
		ID      string
		TxHash  string `json:"tx_hash"`
		Payouts []struct {
			Status     string
			TransferID string `json:"transfer_id"`
			TxHash     string `json:"tx_hash"`
			InBatch    bool   `json:"in_batch_transaction"`
			NetworkFee string `json:"network_fee"`
			Amount     string
		}
	}
	r := e.do(t, "GET", "/v1/payout-batches/"+rep.PayoutBatchID, e.token(t, ten), nil, nil)
	if r.status != 200 {
		t.Fatalf("the settlement's batch: %d %s", r.status, r.body)
	}
	r.json(t, &b)
	row := -1
	for i, p := range b.Payouts {
		if p.TransferID == rep.PayoutTransferID {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("batch %s has no row paying %s: %s", b.ID, rep.PayoutTransferID, r.body)
	}
	p := b.Payouts[row]
	if p.Status != "posted" || !p.InBatch || p.TxHash == "" || p.TxHash != b.TxHash || p.NetworkFee == "" || p.Amount != rep.Totals.Net {
		t.Fatalf("the settlement's row %+v of batch %s (tx %s); want posted by the batch transaction", p, b.ID, b.TxHash)
	}
	info, ec, _, _ := localChain(t)
	tx, _, err := ec.TransactionByHash(context.Background(), common.HexToHash(b.TxHash))
	if err != nil || tx.To() == nil || info.Multisend == "" || *tx.To() != common.HexToAddress(info.Multisend) {
		t.Fatalf("batch transaction %s: %v; want a call of the Multisend %s", b.TxHash, err, info.Multisend)
	}
	rcpt, err := ec.TransactionReceipt(context.Background(), common.HexToHash(b.TxHash))
	if err != nil || rcpt.Status != 1 {
		t.Fatalf("batch transaction %s receipt: %v", b.TxHash, err)
	}
	t.Logf("settlement %s paid as row %d of batch %s: Multisend tx %s, block %d, gas %d", rep.ID, row, b.ID, b.TxHash, rcpt.BlockNumber, rcpt.GasUsed)
}
