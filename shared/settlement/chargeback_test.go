package settlement_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// chargebacks is a money fixture with refund counters and a daily
// settlement of cfgChain paid on dest.
func chargebacks(t *testing.T, cfgChain, dest sg.Chain) *money {
	t.Helper()
	m := newMoney(t)
	m.svc.Refunds = memstore.NewRefundCaps()
	m.schedule(t, cfgChain, sg.FeeSchedule{Percent: pct("1")})
	cfg := daily(cfgChain, 0)
	cfg.WalletID, cfg.Destination.Chain = m.settleW, dest
	m.config(t, cfg)
	return m
}

// paidInvoice is an invoice of amount paid on c and settled (its net moved
// into the settlement wallet).
func (m *money) paidInvoice(t *testing.T, c sg.Chain, amount string) sg.Invoice {
	t.Helper()
	inv := m.invoice(amount, pay{c, amount})
	inv.WalletID = m.invoiceW
	m.fund(t, c, usdt(amount), "a")
	m.addPaid(t, inv)
	return inv
}

func lineOf(ls []sg.SettlementLine, k sg.SettlementLineKind) []sg.SettlementLine {
	var out []sg.SettlementLine
	for _, l := range ls {
		if l.Kind == k {
			out = append(out, l)
		}
	}
	return out
}

// A chargeback moves its amount out of the settlement wallet into the
// platform's chargebacks account once (a retry under the same key moves
// nothing and answers the same entry), shares the invoice's cap with its
// refunds, and the scheduled settlement nets it as a chargeback line: the
// payout is the wallet's balance, and the report (JSON and CSV) shows it.
func TestChargebackMovesMoneyOnceAndIsNetted(t *testing.T) {
	m := chargebacks(t, sg.Ethereum, sg.Ethereum)
	inv := m.paidInvoice(t, sg.Ethereum, "100") // fee 1: net 99 in the settlement wallet
	wallet := sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT)
	sink := sg.SystemAccount(sg.SysChargebacks, sg.Ethereum, sg.USDT)
	cb := settlement.Chargeback{Key: "cb-1", Chain: sg.Ethereum, Amount: usdt("30"), Reason: "goods not received"}
	var first sg.Transfer
	for i := range 3 { // the request, then two retries
		tr, stls, err := m.svc.RecordChargeback(ctx, inv, cb)
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if i == 0 {
			first = tr
		} else if tr.ID != first.ID {
			t.Fatalf("a retry answered entry %s, the first %s", tr.ID, first.ID)
		}
		if i == 0 && (len(stls) != 1 || stls[0].Totals.Net != usdt("69")) {
			t.Fatalf("the open settlement after the chargeback: %+v", stls)
		}
	}
	if first.Memo != "chargeback of invoice "+inv.ID || first.Metadata["reason"] != "goods not received" {
		t.Errorf("the entry is not named: %q %v", first.Memo, first.Metadata)
	}
	if got := m.balance(t, wallet); got != usdt("69") {
		t.Errorf("settlement wallet %s after three tries, want 69", got)
	}
	if got := m.balance(t, sink); got != usdt("30") {
		t.Errorf("chargebacks account %s, want 30", got)
	}
	open := m.open(t, sg.Ethereum)
	if ls := lineOf(m.lines(t, open.ID), sg.LineChargeback); len(ls) != 1 || ls[0].Net != -usdt("30") || ls[0].Ref != first.ID {
		t.Fatalf("chargeback lines %+v", ls)
	}

	// Refunds and chargebacks share what was paid: 100 - 50 refunded - 30.
	if err := m.svc.Refunds.ReserveRefund(ctx, m.tn, inv.ID, "r-1", usdt("50"), inv.Paid); err != nil {
		t.Fatal(err)
	}
	over := settlement.Chargeback{Key: "cb-2", Chain: sg.Ethereum, Amount: usdt("20.000001"), Reason: "second dispute"}
	if _, _, err := m.svc.RecordChargeback(ctx, inv, over); !errors.Is(err, sg.ErrChargebackExceedsPaid) {
		t.Fatalf("a chargeback above what is left: %v", err)
	}
	if got := m.balance(t, wallet); got != usdt("69") {
		t.Fatalf("a refused chargeback moved money: wallet %s", got)
	}
	if _, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "cb-3", Chain: sg.Ethereum, Amount: usdt("19"), Reason: "second dispute"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "cb-4", Chain: sg.Tron, Amount: usdt("1"), Reason: "x"}); !errors.Is(err, sg.ErrChargebackChain) {
		t.Fatalf("a chargeback on a chain the invoice was not paid on: %v", err)
	}

	// The daily cut-off: the settlement nets both chargebacks and pays what
	// the wallet holds.
	m.now = m.now.Add(24 * time.Hour)
	if _, err := m.svc.CloseDue(ctx, m.now); err != nil {
		t.Fatal(err)
	}
	stl, err := m.svc.Get(ctx, m.tn, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	bal := m.balance(t, wallet)
	if stl.Status != sg.SettlementPaying || stl.Totals.Net != bal || bal != usdt("50") || m.pay.paid[stl.PayoutTransferID] != bal {
		t.Fatalf("settlement %s net %s paid %s; the wallet holds %s (want 50)", stl.Status, stl.Totals.Net, m.pay.paid[stl.PayoutTransferID], bal)
	}
	lines := m.lines(t, stl.ID)
	v := settlement.View(stl, lines)
	var inReport int
	for _, l := range v.Lines {
		if l.Kind == "chargeback" {
			inReport++
		}
	}
	raw, err := settlement.CSV(v)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var inCSV int
	var csvNet sg.Amount
	for _, r := range rows[1:] {
		if r[0] == "line" && r[2] == "chargeback" {
			inCSV++
			a, _ := sg.ParseAmount(r[8][1:], sg.USDTDecimals)
			csvNet -= a
		}
	}
	if inReport != 2 || inCSV != 2 || csvNet != -usdt("49") || v.Totals.Refunds != "-49.000000" {
		t.Fatalf("report: %d chargeback lines (csv %d, net %s), refunds total %s", inReport, inCSV, csvNet, v.Totals.Refunds)
	}
}

// A freeze over the settlement wallet refuses a chargeback, and a wallet
// holding less than the amount refuses it too: neither moves money nor
// takes from what is left to refund.
func TestChargebackRefusalsChangeNothing(t *testing.T) {
	m := chargebacks(t, sg.Tron, sg.Tron)
	inv := m.paidInvoice(t, sg.Tron, "100") // 99 in the settlement wallet
	wallet := sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT)

	// More than the wallet holds (the fee went to the platform).
	_, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "k-all", Chain: sg.Tron, Amount: usdt("100"), Reason: "fraud"})
	if !errors.Is(err, sg.ErrInsufficientFunds) {
		t.Fatalf("a chargeback above the wallet's balance: %v", err)
	}
	f := sg.Freeze{ID: "frz_1", TenantID: m.tn, Scope: sg.FreezeWallet, WalletID: m.settleW, Required: 2, At: m.now}
	if err := m.led.PutFreeze(ctx, f, m.tn, sg.JournalEntry{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "k-frozen", Chain: sg.Tron, Amount: usdt("5"), Reason: "fraud"}); !errors.Is(err, settlement.ErrCollectFrozen) {
		t.Fatalf("a chargeback from a frozen wallet: %v", err)
	}
	if got := m.balance(t, wallet); got != usdt("99") {
		t.Errorf("wallet %s after two refusals, want 99", got)
	}
	if got, _ := m.svc.Refunds.Refunded(ctx, m.tn, inv.ID); got != 0 {
		t.Errorf("refusals reserved %s of the invoice", got)
	}
	if ls := lineOf(m.lines(t, m.open(t, sg.Tron).ID), sg.LineChargeback); len(ls) != 0 {
		t.Errorf("refusals recorded lines %+v", ls)
	}
}

// Paid on Tron and settled on Ethereum: the value comes back from the
// Ethereum settlement wallet through the named conversion, leaves on Tron
// for the chargebacks account, and the Ethereum settlement has the
// chargeback line with its clearing line; each chain's books balance.
func TestChargebackAcrossChains(t *testing.T) {
	m := chargebacks(t, sg.Tron, sg.Ethereum)
	inv := m.paidInvoice(t, sg.Tron, "50") // 49.5 into the Ethereum settlement wallet
	if _, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "k", Chain: sg.Tron, Amount: usdt("10"), Reason: "dispute"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		a    sg.Account
		want sg.Amount
	}{
		{"settlement wallet on ethereum", sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT), usdt("39.5")},
		{"settlement wallet on tron", sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT), 0},
		{"chargebacks on tron", sg.SystemAccount(sg.SysChargebacks, sg.Tron, sg.USDT), usdt("10")},
		{"clearing on tron", sg.SystemAccount(sg.SysSettlement, sg.Tron, sg.USDT), usdt("39.5")},
		{"clearing on ethereum", sg.SystemAccount(sg.SysSettlement, sg.Ethereum, sg.USDT), -usdt("39.5")},
	} {
		if got := m.balance(t, c.a); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	open := m.open(t, sg.Ethereum)
	ls := m.lines(t, open.ID)
	cb, cl := lineOf(ls, sg.LineChargeback), lineOf(ls, sg.LineClearing)
	if len(cb) != 1 || cb[0].Chain != sg.Tron || len(cl) != 2 || cl[1].Cleared != -usdt("10") || open.Totals.Net != usdt("39.5") {
		t.Fatalf("lines %+v, totals %+v", ls, open.Totals)
	}
}

// Where the chain is not settled the chargeback leaves the invoice's
// wallet; no settlement line is recorded.
func TestChargebackUnsettledChain(t *testing.T) {
	m := chargebacks(t, sg.Ethereum, sg.Ethereum)
	inv := m.invoice("20", pay{sg.Tron, "20"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("20"), "a")
	tr, stls, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "k", Chain: sg.Tron, Amount: usdt("5"), Reason: "dispute"})
	if err != nil || len(stls) != 0 || tr.FromWallet != m.invoiceW {
		t.Fatalf("%+v %+v %v", tr, stls, err)
	}
	if got := m.balance(t, sg.WalletAccount(m.tn, m.invoiceW, sg.Tron, sg.USDT)); got != usdt("15") {
		t.Fatalf("invoice wallet %s, want 15", got)
	}
}
