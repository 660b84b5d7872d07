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

// money is a fixture whose service moves money in an in-memory ledger:
// the invoice's wallet, the tenant's settlement wallet.
type money struct {
	*fixture
	led      *memstore.Store
	settleW  string
	invoiceW string
}

func newMoney(t *testing.T) *money {
	t.Helper()
	m := &money{fixture: newFixture(t), led: memstore.New()}
	m.svc.Ledger = m.led
	m.settleW, m.invoiceW = sg.NewID("wal", m.now), sg.NewID("wal", m.now.Add(time.Second))
	for i, id := range []string{m.settleW, m.invoiceW} {
		w := sg.Wallet{ID: id, TenantID: m.tn, Index: uint32(i + 1), CreatedAt: m.now}
		if err := m.led.CreateWallet(ctx, w, sg.Idempotency{TenantID: m.tn, Operation: "wallets.create", Key: id, CreatedAt: m.now}); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// fund credits the invoice's wallet on c as a confirmed deposit would.
func (m *money) fund(t *testing.T, c sg.Chain, amount sg.Amount, ref string) {
	t.Helper()
	tr := sg.Transfer{ID: sg.NewID("txn", m.now) + ref[:0], TenantID: m.tn, Type: sg.TransferDeposit, State: sg.StatePosted, ToWallet: m.invoiceW,
		Chain: c, Asset: sg.USDT, Amount: amount, CreatedAt: m.now, UpdatedAt: m.now, Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, c, sg.USDT), Bucket: sg.Available, Delta: -amount},
			{Account: sg.WalletAccount(m.tn, m.invoiceW, c, sg.USDT), Bucket: sg.Available, Delta: amount},
		}}}
	if err := m.led.ApplyTransfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	m.tick(time.Millisecond)
}

func (m *money) balance(t *testing.T, a sg.Account) sg.Amount {
	t.Helper()
	b, err := m.led.AccountBalance(ctx, a, 1)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

func (m *money) configTo(t *testing.T, c, dest sg.Chain) {
	t.Helper()
	cfg := sg.SettlementConfig{Chain: c, Mode: sg.SettleScheduled, Schedule: sg.ScheduleThreshold, Threshold: usdt("1000"), WalletID: m.settleW,
		Destination: sg.SettlementDestination{Chain: dest}}
	m.config(t, cfg)
}

// invoices answers InvoiceByWallet with one invoice.
type invoices struct{ inv sg.Invoice }

func (i invoices) InvoiceByWallet(_ context.Context, tenant, wallet string) (sg.Invoice, error) {
	if i.inv.TenantID != tenant || i.inv.WalletID != wallet {
		return sg.Invoice{}, sg.ErrNotFound
	}
	return i.inv, nil
}

type nextListener struct{ calls int }

func (n *nextListener) OnDeposit(context.Context, sg.WalletDeposit) error { n.calls++; return nil }

// A paid invoice settles through the hook: its gross leaves the invoice's
// wallet, the fee goes to the platform and the net to the settlement wallet;
// paid on Tron and settled on Ethereum, a clearing entry on each chain
// moves the net between the books (the clearing accounts mirror each other)
// and the settlement has a clearing line. Redelivered, nothing moves twice.
func TestInvoiceHookMovesTheMoneyOnceAndClearsAcrossChains(t *testing.T) {
	m := newMoney(t)
	m.schedule(t, sg.Tron, sg.FeeSchedule{Percent: pct("1"), Fixed: usdt("0.1")})
	m.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("2")})
	m.configTo(t, sg.Tron, sg.Ethereum)
	m.configTo(t, sg.Ethereum, sg.Ethereum)

	inv := m.invoice("60", pay{sg.Tron, "40"}, pay{sg.Ethereum, "20"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("40"), "a")
	m.fund(t, sg.Ethereum, usdt("20"), "b")
	next := &nextListener{}
	hook := settlement.InvoiceHook{Next: next, Invoices: invoices{inv}, Settle: m.svc}
	d := sg.WalletDeposit{Tenant: m.tn, Wallet: m.invoiceW, Chain: sg.Tron, Amount: usdt("40"), Ref: "a", State: sg.DepositConfirmed}
	for range 3 { // delivered, then redelivered twice
		if err := hook.OnDeposit(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if next.calls != 3 {
		t.Fatalf("the acquiring service heard %d deposits, want 3", next.calls)
	}
	// The fee shown for the invoice is the least of the chains' on its 60:
	// 1% + 0.1 on Tron = 0.7. Ethereum's 2% of 20 = 0.4 comes first; Tron's
	// 1% of 40 + 0.1 = 0.5 is capped at what is left of the 0.7 shown.
	tronFee, ethFee := usdt("0.3"), usdt("0.4")
	for _, c := range []struct {
		name string
		a    sg.Account
		want sg.Amount
	}{
		{"invoice wallet on tron", sg.WalletAccount(m.tn, m.invoiceW, sg.Tron, sg.USDT), 0},
		{"invoice wallet on ethereum", sg.WalletAccount(m.tn, m.invoiceW, sg.Ethereum, sg.USDT), 0},
		{"fees on tron", sg.SystemAccount(sg.SysFees, sg.Tron, sg.USDT), tronFee},
		{"fees on ethereum", sg.SystemAccount(sg.SysFees, sg.Ethereum, sg.USDT), ethFee},
		{"clearing on tron (value converted out)", sg.SystemAccount(sg.SysSettlement, sg.Tron, sg.USDT), usdt("40") - tronFee},
		{"clearing on ethereum (value converted in)", sg.SystemAccount(sg.SysSettlement, sg.Ethereum, sg.USDT), -(usdt("40") - tronFee)},
		{"settlement wallet on ethereum", sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT), usdt("60") - tronFee - ethFee},
		{"settlement wallet on tron", sg.WalletAccount(m.tn, m.settleW, sg.Tron, sg.USDT), 0},
	} {
		if got := m.balance(t, c.a); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	open := m.open(t, sg.Ethereum)
	if open.Totals.Net != usdt("60")-tronFee-ethFee || open.Totals.Fees != tronFee+ethFee {
		t.Errorf("settlement totals %+v", open.Totals)
	}
	var clearing int
	for _, l := range m.lines(t, open.ID) {
		if l.Kind == sg.LineClearing {
			clearing++
			if l.Chain != sg.Tron || l.To != sg.Ethereum || l.Cleared != usdt("40")-tronFee {
				t.Errorf("clearing line %+v", l)
			}
		}
	}
	if clearing != 1 {
		t.Errorf("%d clearing lines, want 1", clearing)
	}
}

// A freeze over the invoice's wallet leaves the invoice unsettled: nothing
// moves, no line is recorded, and the deposit is not retried forever.
func TestInvoiceHookHoldsToAFreeze(t *testing.T) {
	m := newMoney(t)
	m.configTo(t, sg.Tron, sg.Tron)
	inv := m.invoice("10", pay{sg.Tron, "10"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("10"), "a")
	f := sg.Freeze{ID: "frz_1", TenantID: m.tn, Scope: sg.FreezeWallet, WalletID: m.invoiceW, Required: 2, At: m.now}
	if err := m.led.PutFreeze(ctx, f, m.tn, sg.JournalEntry{}); err != nil {
		t.Fatal(err)
	}
	hook := settlement.InvoiceHook{Invoices: invoices{inv}, Settle: m.svc}
	err := hook.OnDeposit(ctx, sg.WalletDeposit{Tenant: m.tn, Wallet: m.invoiceW, Chain: sg.Tron, Amount: usdt("10"), Ref: "a", State: sg.DepositConfirmed})
	if err != nil {
		t.Fatalf("a frozen wallet's deposit asked for a retry: %v", err)
	}
	if got := m.balance(t, sg.WalletAccount(m.tn, m.invoiceW, sg.Tron, sg.USDT)); got != usdt("10") {
		t.Errorf("the frozen invoice wallet holds %s, want 10", got)
	}
	if _, err := m.st.OpenSettlement(ctx, m.tn, sg.Tron); !errors.Is(err, sg.ErrNotFound) {
		t.Errorf("a settlement was opened for a frozen wallet's invoice: %v", err)
	}
}

// The pipeline's Settler marks a settlement paid when its payout posts and
// failed when it ends without; another payout changes nothing.
func TestPayoutSettlerFollowsTheSettlementsPayout(t *testing.T) {
	m := newMoney(t)
	cfg := sg.SettlementConfig{Chain: sg.Tron, Mode: sg.SettleInstant, WalletID: m.settleW}
	m.config(t, cfg)
	inv := m.invoice("10", pay{sg.Tron, "10"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("10"), "a")
	out := m.addPaid(t, inv)
	if len(out) != 1 || out[0].Status != sg.SettlementPaying {
		t.Fatalf("instant settlement: %+v", out)
	}
	stl := out[0]
	ps := settlement.PayoutSettler{Svc: m.svc}
	other := sg.Transfer{ID: "txn_other", TenantID: m.tn, Type: sg.TransferWithdrawal, State: sg.StatePosted, Metadata: map[string]string{"settlement_id": stl.ID}}
	if err := ps.Settle(ctx, other); err != nil {
		t.Fatalf("another payout naming the settlement: %v", err)
	}
	if got, _ := m.svc.Get(ctx, m.tn, stl.ID); got.Status != sg.SettlementPaying {
		t.Fatalf("another payout moved the settlement to %s", got.Status)
	}
	mine := sg.Transfer{ID: stl.PayoutTransferID, TenantID: m.tn, Type: sg.TransferWithdrawal, State: sg.StatePosted,
		Metadata: map[string]string{"settlement_id": stl.ID}}
	for range 2 {
		if err := ps.Settle(ctx, mine); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := m.svc.Get(ctx, m.tn, stl.ID); got.Status != sg.SettlementPaid {
		t.Fatalf("after its payout posted the settlement is %s", got.Status)
	}
}

// Short liquidity on the payout chain raises the rebalancing alert with
// the instruction that covers it; enough liquidity raises nothing.
func TestCheckLiquidityAlertsWhenAChainIsShort(t *testing.T) {
	m := newMoney(t)
	m.configTo(t, sg.Tron, sg.Ethereum)
	inv := m.invoice("100", pay{sg.Tron, "100"})
	inv.WalletID = m.invoiceW
	m.fund(t, sg.Tron, usdt("100"), "a")
	m.addPaid(t, inv)
	al := &alerts{}
	ins, err := m.svc.CheckLiquidity(ctx, liquidity{sg.Ethereum: usdt("30"), sg.Tron: usdt("500")}, al)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 1 || ins[0].From != sg.Tron || ins[0].To != sg.Ethereum || ins[0].Amount != usdt("70") || al.kind != settlement.EventRebalance {
		t.Fatalf("instructions %+v, alert %q", ins, al.kind)
	}
	al = &alerts{}
	if ins, err := m.svc.CheckLiquidity(ctx, liquidity{sg.Ethereum: usdt("100"), sg.Tron: 0}, al); err != nil || len(ins) != 0 || al.kind != "" {
		t.Fatalf("enough liquidity: %+v %q %v", ins, al.kind, err)
	}
}

type liquidity map[sg.Chain]sg.Amount

func (l liquidity) HotLiquidity(_ context.Context, c sg.Chain) (sg.Amount, error) { return l[c], nil }

type alerts struct{ kind string }

func (a *alerts) Alert(_ context.Context, kind string, _ []settlement.Instruction) error {
	a.kind = kind
	return nil
}

// An invoice paid before its chain had a settlement config, then partly
// refunded (30, and the payout's network fee of 1, from the invoice's
// wallet), then paid 30 more once a config exists: the merchant expects
// what is left of it to be settled, once. With the surplus credited to
// the merchant that is all the invoice's wallet holds (130 kept - 30
// refunded, less the fee it bore: 99); with the surplus owed back to the
// payer it is the invoice's amount less the refund (70), and the surplus
// stays in the invoice's wallet for its refund. A redelivery moves nothing.
func TestLaterPaymentAfterAnEarlyRefundCollectsWhatIsLeftOnce(t *testing.T) {
	for _, c := range []struct {
		name     string
		policy   string
		collect  sg.Amount
		leftOver sg.Amount
	}{
		{"surplus credited", sg.OverpaidCredit, usdt("99"), 0},
		{"surplus refunded", sg.OverpaidRefund, usdt("70"), usdt("29")},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newMoney(t)
			m.svc.Refunds = memstore.NewRefundCaps()
			m.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1")})
			inv := m.invoice("100", pay{sg.Ethereum, "100"})
			inv.WalletID, inv.Policy.Overpaid = m.invoiceW, c.policy
			m.fund(t, sg.Ethereum, usdt("100"), "a")
			if stls := m.addPaid(t, inv); len(stls) != 0 {
				t.Fatalf("settled with no config: %+v", stls)
			}
			// The refund is paid from the invoice's wallet (no config yet).
			from, err := m.svc.RefundSource(ctx, inv, sg.Ethereum, "r1", usdt("30"), usdt("1"), true)
			if err != nil || from.Wallet != m.invoiceW || from.Settled {
				t.Fatalf("refund source %+v %v", from, err)
			}
			out := sg.Transfer{ID: sg.NewID("txn", m.now), TenantID: m.tn, Type: sg.TransferWithdrawal, State: sg.StatePosted, FromWallet: m.invoiceW,
				Chain: sg.Ethereum, Asset: sg.USDT, Amount: usdt("30"), Fee: usdt("1"), CreatedAt: m.now, UpdatedAt: m.now, Entry: sg.Entry{Postings: []sg.Posting{
					{Account: sg.WalletAccount(m.tn, m.invoiceW, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -usdt("31")},
					{Account: sg.SystemAccount(sg.SysOutbound, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: usdt("31")},
				}}}
			if err := m.led.ApplyTransfer(ctx, out); err != nil {
				t.Fatal(err)
			}
			cfg := daily(sg.Ethereum, 0)
			cfg.WalletID = m.settleW
			m.config(t, cfg)
			// A later payment of 30.
			m.fund(t, sg.Ethereum, usdt("30"), "b")
			inv.Payments = append(inv.Payments, sg.InvoicePayment{Ref: inv.ID + "-late", Chain: sg.Ethereum, Amount: usdt("30"), State: sg.PaymentConfirmed, SeenAt: m.now})
			inv.Paid, inv.Status = usdt("130"), sg.InvoiceOverpaid
			invWallet := sg.WalletAccount(m.tn, m.invoiceW, sg.Ethereum, sg.USDT)
			stlWallet := sg.WalletAccount(m.tn, m.settleW, sg.Ethereum, sg.USDT)
			for i := range 2 { // the payment, then a redelivery
				if _, err := m.svc.AddPaidInvoice(ctx, m.tn, inv); err != nil {
					t.Fatalf("delivery %d: %v", i, err)
				}
			}
			fee := c.collect / 100 // 1%
			if got := m.balance(t, stlWallet); got != c.collect-fee {
				t.Errorf("the settlement wallet holds %s; want %s (%s less the 1%% fee)", got, c.collect-fee, c.collect)
			}
			if got := m.balance(t, invWallet); got != c.leftOver {
				t.Errorf("the invoice's wallet holds %s; want %s", got, c.leftOver)
			}
			ls := lineOf(m.lines(t, m.open(t, sg.Ethereum).ID), sg.LineInvoice)
			if len(ls) != 1 || ls[0].Gross != c.collect || ls[0].Fee != fee || ls[0].Net != c.collect-fee {
				t.Fatalf("invoice lines %+v; want one of gross %s, fee %s", ls, c.collect, fee)
			}
		})
	}
}
