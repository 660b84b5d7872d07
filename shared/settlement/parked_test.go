package settlement_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// flakyUnpark fails the next n unparks, as a crash after the invoice was
// settled and before it was unparked would leave it.
type flakyUnpark struct {
	list *memstore.ParkedInvoices
	fail int
}

func (f *flakyUnpark) ParkInvoice(ctx context.Context, p sg.ParkedInvoice) error {
	return f.list.ParkInvoice(ctx, p)
}

func (f *flakyUnpark) ParkedInvoices(ctx context.Context, after string, limit int) ([]sg.ParkedInvoice, error) {
	return f.list.ParkedInvoices(ctx, after, limit)
}

func (f *flakyUnpark) UnparkInvoice(ctx context.Context, tenant, invoiceID string) error {
	if f.fail > 0 {
		f.fail--
		return sg.Unavailable("test.unpark", errors.New("stopped before the unpark"))
	}
	return f.list.UnparkInvoice(ctx, tenant, invoiceID)
}

// An invoice paid while a freeze covers its wallet is parked by the
// deposit hook (once, however often the deposit is offered); the job
// leaves it while the freeze holds and settles it once the freeze is
// lifted: its money moves into the settlement wallet and its line into
// the open settlement, once, even when the job stops before unparking it
// and runs again. (Before: the hook only logged it, and no job ever
// settled it.)
func TestAnInvoicePaidUnderAFreezeSettlesOnceItIsLifted(t *testing.T) {
	m := newMoney(t)
	m.configTo(t, sg.Tron, sg.Tron)
	inv := m.invoice("10", pay{sg.Tron, "10"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("10"), "a")
	list := &memstore.ParkedInvoices{}
	parked := &flakyUnpark{list: list}
	m.svc.Parked, m.svc.Invoices = parked, invoices{inv}
	f := sg.Freeze{ID: "frz_1", TenantID: m.tn, Scope: sg.FreezeWallet, WalletID: m.invoiceW, Required: 2, At: m.now}
	if err := m.led.PutFreeze(ctx, f, m.tn, sg.JournalEntry{}); err != nil {
		t.Fatal(err)
	}
	hook := settlement.InvoiceHook{Invoices: invoices{inv}, Settle: m.svc}
	for range 2 { // delivered, then redelivered
		if err := hook.OnDeposit(ctx, sg.WalletDeposit{Tenant: m.tn, Wallet: m.invoiceW, Chain: sg.Tron, Amount: usdt("10"), Ref: "a", State: sg.DepositConfirmed}); err != nil {
			t.Fatalf("a frozen wallet's deposit asked for a retry: %v", err)
		}
	}
	if ps, _ := list.ParkedInvoices(ctx, "", 10); len(ps) != 1 || ps[0].InvoiceID != inv.ID || ps[0].WalletID != m.invoiceW {
		t.Fatalf("parked %+v; want the invoice once", ps)
	}
	invAcct, stlAcct := sg.WalletAccount(m.tn, m.invoiceW, sg.Tron, sg.USDT), sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT)

	m.tick(time.Hour)
	if res, err := m.svc.CloseDue(ctx, m.now); err != nil || res.Redriven != 0 {
		t.Fatalf("a run under the freeze: %+v %v", res, err)
	}
	if got := m.balance(t, invAcct); got != usdt("10") {
		t.Fatalf("the frozen invoice wallet holds %s, want 10", got)
	}
	if _, err := m.st.OpenSettlement(ctx, m.tn, sg.Tron); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("a settlement was opened under the freeze: %v", err)
	}

	for _, who := range []string{"ops-a", "ops-b"} {
		var err error
		if f, err = m.led.VoteUnfreeze(ctx, f, sg.Approval{Approver: who, Approve: true, At: m.now}, m.tn, sg.JournalEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	if !f.Lifted {
		t.Fatal("the freeze is not lifted")
	}
	parked.fail = 1
	m.tick(time.Hour)
	if _, err := m.svc.CloseDue(ctx, m.now); sg.KindOf(err) != sg.KindUnavailable {
		t.Fatalf("the run that stopped before the unpark: %v", err)
	}
	m.tick(time.Hour)
	if _, err := m.svc.CloseDue(ctx, m.now); err != nil {
		t.Fatalf("the next run: %v", err)
	}
	m.tick(time.Hour)
	if res, err := m.svc.CloseDue(ctx, m.now); err != nil || res.Redriven != 0 {
		t.Fatalf("a run with nothing parked: %+v %v", res, err)
	}
	if got := m.balance(t, invAcct); got != 0 {
		t.Errorf("the invoice wallet holds %s after the lift, want 0", got)
	}
	if got := m.balance(t, stlAcct); got != usdt("10") {
		t.Errorf("the settlement wallet holds %s, want 10 (once)", got)
	}
	open, err := m.st.OpenSettlement(ctx, m.tn, sg.Tron)
	if err != nil || open.LineCount != 1 || open.Totals.Net != usdt("10") {
		t.Fatalf("open settlement %+v %v; want the invoice's one line of 10", open, err)
	}
	if ps, _ := list.ParkedInvoices(ctx, "", 10); len(ps) != 0 {
		t.Fatalf("still parked: %+v", ps)
	}
}
