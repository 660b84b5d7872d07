package settlement_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// hookedLedger is the in-memory ledger with hooks: onBalance runs after
// each read of a balance, onApply before each transfer is applied.
type hookedLedger struct {
	settlement.Ledger
	onBalance func(n int)
	onApply   func(t sg.Transfer)
	mu        sync.Mutex
	reads     int
}

func (h *hookedLedger) AccountBalance(ctx context.Context, a sg.Account, shards int) (sg.Balance, error) {
	h.mu.Lock()
	h.reads++
	n := h.reads
	h.mu.Unlock()
	bal, err := h.Ledger.AccountBalance(ctx, a, shards)
	if h.onBalance != nil {
		h.onBalance(n)
	}
	return bal, err
}

func (h *hookedLedger) ApplyTransfer(ctx context.Context, t sg.Transfer) error {
	if h.onApply != nil {
		h.onApply(t)
	}
	return h.Ledger.ApplyTransfer(ctx, t)
}

// owing is a chargeback fixture on Ethereum whose settlement wallet holds
// 297: 99 owed to a closed settlement not yet paid, and 198 of the open
// one (invoices of 100 each, fee 1). It answers the open settlement's two
// invoices and the open settlement.
func owing(t *testing.T) (*money, [2]sg.Invoice, sg.Settlement) {
	t.Helper()
	m := chargebacks(t, sg.Ethereum, sg.Ethereum)
	m.svc.Committed = m.st
	m.paidInvoice(t, sg.Ethereum, "100")
	closeNow(t, m, m.open(t, sg.Ethereum))
	invs := [2]sg.Invoice{m.paidInvoice(t, sg.Ethereum, "100"), m.paidInvoice(t, sg.Ethereum, "100")}
	return m, invs, m.open(t, sg.Ethereum)
}

// closeNow closes stl as the job does when its payout waits.
func closeNow(t *testing.T, m *money, stl sg.Settlement) sg.Settlement {
	t.Helper()
	out, err := tryClose(m, stl)
	if err != nil {
		t.Fatalf("close %s: %v", stl.ID, err)
	}
	return out
}

func tryClose(m *money, stl sg.Settlement) (sg.Settlement, error) {
	stl.Status, stl.ClosedAt, stl.Period.To, stl.DueAt, stl.Attempt = sg.SettlementClosed, m.now, m.now, m.now, 1
	return m.st.UpdateSettlement(ctx, stl)
}

// owedCovered fails the test when the settlement wallet holds less than
// its closed settlements not yet paid are owed.
func owedCovered(t *testing.T, m *money) {
	t.Helper()
	c, err := m.st.SettlementCommitted(ctx, m.tn, sg.Ethereum)
	if err != nil {
		t.Fatal(err)
	}
	if bal := m.balance(t, sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT)); bal < c.Net {
		t.Fatalf("the settlement wallet holds %s; its closed settlements are owed %s (%d)", bal, c.Net, c.Count)
	}
}

// Two chargebacks of 100 (of two invoices) that each fit alone (297 -
// 100 leaves the 99 owed) but not together, checked at the same time: exactly one moves
// its money, the other is refused with settlement_funds_committed and
// changes nothing (no entry, no reservation of the invoice's cap, no line).
func TestConcurrentReversalsThatFitOnlyAloneOneIsRefused(t *testing.T) {
	m, invs, open := owing(t)
	// Both checks have read the wallet's balance before either goes on.
	var arrived sync.WaitGroup
	arrived.Add(2)
	led := &hookedLedger{Ledger: m.led, onBalance: func(n int) {
		if n <= 2 {
			arrived.Done()
			waitFor(&arrived)
		}
	}}
	m.svc.Ledger = led
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = m.svc.RecordChargeback(ctx, invs[i], settlement.Chargeback{Key: "cb-1", Chain: sg.Ethereum, Amount: usdt("100")})
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, sg.ErrSettlementFundsCommitted):
			refused++
		default:
			t.Fatalf("a chargeback answered %v", err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d accepted, %d refused (settlement_funds_committed); want one each", ok, refused)
	}
	if got := m.balance(t, sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT)); got != usdt("197") {
		t.Errorf("settlement wallet %s, want 197", got)
	}
	if got := m.balance(t, sg.SystemAccount(sg.SysChargebacks, sg.Ethereum, sg.USDT)); got != usdt("100") {
		t.Errorf("chargebacks account %s, want 100", got)
	}
	a, _ := m.svc.Refunds.Refunded(ctx, m.tn, invs[0].ID)
	b, _ := m.svc.Refunds.Refunded(ctx, m.tn, invs[1].ID)
	if a+b != usdt("100") || (errs[0] == nil) != (a != 0) {
		t.Errorf("the invoices' refunded sums %s and %s; want 100 on the accepted one only", a, b)
	}
	if ls := lineOf(m.lines(t, open.ID), sg.LineChargeback); len(ls) != 1 {
		t.Errorf("chargeback lines %+v; want one", ls)
	}
	if c, _ := m.st.SettlementCommitted(ctx, m.tn, sg.Ethereum); len(c.Reserved) != 0 || c.Net != usdt("99") {
		t.Errorf("the counter after both: %+v; want 99 owed and no reservation", c)
	}
	owedCovered(t, m)
}

// waitFor waits for wg with a generous bound (then goes on: the code
// under test may not read twice, and the assertions tell).
func waitFor(wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// A reversal racing a settlement's close. When the open settlement
// closes between the chargeback's check and its move, the chargeback is
// checked again and refused (the closed nets now take all the wallet
// holds). When the chargeback was admitted first, the settlement does not
// close until the chargeback's line is in it (ErrSettlementReversing);
// then it closes with the chargeback netted. Either way the wallet covers
// what closed settlements are owed.
func TestReversalRacingAClose(t *testing.T) {
	t.Run("the close lands between the check and the move: refused", func(t *testing.T) {
		m, invs, open := owing(t)
		inv := invs[0]
		m.svc.Ledger = &hookedLedger{Ledger: m.led, onBalance: func(n int) {
			if n == 1 {
				closeNow(t, m, open)
			}
		}}
		_, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "cb-1", Chain: sg.Ethereum, Amount: usdt("100")})
		if !errors.Is(err, sg.ErrSettlementFundsCommitted) {
			t.Fatalf("chargeback after the close: %v; want settlement_funds_committed", err)
		}
		if got := m.balance(t, sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT)); got != usdt("297") {
			t.Errorf("settlement wallet %s, want 297 (nothing moved)", got)
		}
		if got, _ := m.svc.Refunds.Refunded(ctx, m.tn, inv.ID); got != 0 {
			t.Errorf("refunded %s after a refusal", got)
		}
		owedCovered(t, m)
	})
	t.Run("the chargeback is admitted first: the close waits for its line", func(t *testing.T) {
		m, invs, open := owing(t)
		inv := invs[0]
		var closeErr error
		tried := false
		m.svc.Ledger = &hookedLedger{Ledger: m.led, onApply: func(tr sg.Transfer) {
			if !tried && tr.Metadata["chargeback"] == "true" {
				tried = true
				cur, err := m.st.Settlement(ctx, m.tn, open.ID)
				if err != nil {
					t.Error(err)
					return
				}
				_, closeErr = tryClose(m, cur)
			}
		}}
		if _, _, err := m.svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: "cb-1", Chain: sg.Ethereum, Amount: usdt("100")}); err != nil {
			t.Fatal(err)
		}
		if !tried || !errors.Is(closeErr, sg.ErrSettlementReversing) {
			t.Fatalf("closing while the chargeback was on its way: %v; want it refused (settlement_reversing)", closeErr)
		}
		cur, err := m.st.Settlement(ctx, m.tn, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status != sg.SettlementOpen || len(lineOf(m.lines(t, open.ID), sg.LineChargeback)) != 1 {
			t.Fatalf("the settlement is %s with lines %+v; want open with the chargeback's line", cur.Status, m.lines(t, open.ID))
		}
		closed := closeNow(t, m, cur) // the line is in: it closes
		if closed.Totals.Net != usdt("98") {
			t.Errorf("closed net %s, want 98 (198 - 100)", closed.Totals.Net)
		}
		owedCovered(t, m)
	})
}

// A refund is admitted when its source is readied, before its payout
// holds the money: a second refund readied before the first's payout is
// checked against the first's reservation and refused when both would
// not fit; a refund refused at its payout gives its reservation back,
// and one whose line is recorded (AddRefund with its key) too.
func TestRefundReservationsCountUntilRecorded(t *testing.T) {
	m, invs, _ := owing(t)
	if _, err := m.svc.RefundSource(ctx, invs[0], sg.Ethereum, "r-1", usdt("100"), 0, true); err != nil {
		t.Fatal(err)
	}
	if _, err := m.svc.RefundSource(ctx, invs[1], sg.Ethereum, "r-2", usdt("100"), 0, true); !errors.Is(err, sg.ErrSettlementFundsCommitted) {
		t.Fatalf("a second refund readied while the first is on its way: %v; want settlement_funds_committed", err)
	}
	if got, _ := m.svc.Refunds.Refunded(ctx, m.tn, invs[1].ID); got != 0 {
		t.Fatalf("refunded %s of the refused one", got)
	}
	// The first is refused at its payout: the second fits now.
	if err := m.svc.RefundRefused(ctx, invs[0], sg.Ethereum, "r-1", usdt("100"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := m.svc.RefundSource(ctx, invs[1], sg.Ethereum, "r-2", usdt("100"), 0, true); err != nil {
		t.Fatalf("after the first was refused: %v", err)
	}
	// Its line recorded under its key, the reservation is gone.
	if _, err := m.svc.AddRefund(ctx, m.tn, settlement.Reversal{ID: "txn_r2", InvoiceID: invs[1].ID, Chain: sg.Ethereum, Amount: usdt("100"), Key: "r-2"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := m.st.SettlementCommitted(ctx, m.tn, sg.Ethereum); len(c.Reserved) != 0 {
		t.Fatalf("reservations after the line: %+v", c.Reserved)
	}
}
