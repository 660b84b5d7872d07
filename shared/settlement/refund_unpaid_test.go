package settlement_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A refund paid on Tron of an invoice settled on Ethereum had its value
// cleared back to Tron; when its payout ends unpaid, RefundUnpaid takes the
// value forward again by what was cleared back, releases the reservation
// and nets the refund line back with an adjustment and its clearing line,
// once however often it is heard: the books and the open settlement are
// as before the refund (value cleared from Tron the invoice's net).
func TestRefundUnpaidAcrossChainsUndoesTheClearing(t *testing.T) {
	m := chargebacks(t, sg.Tron, sg.Ethereum)
	inv := m.paidInvoice(t, sg.Tron, "50") // 49.5 into the Ethereum settlement wallet
	amount, fee := usdt("10"), usdt("0.5")
	from, err := m.svc.RefundSource(ctx, inv, sg.Tron, "r1", amount, fee, true)
	if err != nil || from.Wallet != m.settleW || !from.Settled {
		t.Fatalf("refund source %+v %v", from, err)
	}
	if got := m.balance(t, sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT)); got != usdt("10.5") {
		t.Fatalf("cleared back to tron: %s, want 10.5", got)
	}
	// The payout's hold was placed and voided: it nets nothing in the books.
	p := sg.Transfer{ID: sg.NewID("txn", m.now), TenantID: m.tn, Type: sg.TransferWithdrawal, State: sg.StateCancelled, FromWallet: m.settleW,
		Chain: sg.Tron, Asset: sg.USDT, Amount: amount, Fee: fee}
	if _, err := m.svc.AddRefund(ctx, m.tn, settlement.Reversal{ID: p.ID, InvoiceID: inv.ID, Chain: sg.Tron, Amount: amount + fee}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := m.svc.RefundUnpaid(ctx, inv, p, "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := m.svc.Refunds.Refunded(ctx, m.tn, inv.ID); got != 0 {
		t.Errorf("refunded %s, want 0", got)
	}
	for _, c := range []struct {
		name string
		a    sg.Account
		want sg.Amount
	}{
		{"settlement wallet on ethereum", sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT), usdt("49.5")},
		{"settlement wallet on tron", sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT), 0},
		{"clearing on tron", sg.SystemAccount(sg.SysSettlement, sg.Tron, sg.USDT), usdt("49.5")},
		{"clearing on ethereum", sg.SystemAccount(sg.SysSettlement, sg.Ethereum, sg.USDT), -usdt("49.5")},
	} {
		if got := m.balance(t, c.a); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	open := m.open(t, sg.Ethereum)
	ls := m.lines(t, open.ID)
	if adj := lineOf(ls, sg.LineAdjustment); len(adj) != 1 || adj[0].Ref != p.ID || adj[0].Net != usdt("10.5") ||
		len(lineOf(ls, sg.LineClearing)) != 3 || open.Totals.Net != usdt("49.5") || open.Totals.Cleared != usdt("49.5") {
		t.Fatalf("lines %+v, totals %+v; want one adjustment of 10.5 and the net and cleared value of the invoice", ls, open.Totals)
	}
	// A payout still in flight is refused: nothing is given back.
	p.State = sg.StateBroadcast
	if err := m.svc.RefundUnpaid(ctx, inv, p, "r1"); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("a payout in flight: %v", err)
	}
}
