package settlement_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

const (
	ethAddr  = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
	tronAddr = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
)

func usdt(s string) sg.Amount {
	a, err := sg.ParseAmount(s, sg.USDTDecimals)
	if err != nil {
		panic(s + ": " + err.Error())
	}
	return a
}

func pct(s string) sg.FeeRate {
	r, err := sg.ParsePercent(s)
	if err != nil {
		panic(s + ": " + err.Error())
	}
	return r
}

// payer stands in for the withdrawal pipeline: one transfer per
// (settlement, attempt), or a refusal.
type payer struct {
	mu     sync.Mutex
	ids    map[string]string
	calls  int
	refuse error
	fault  error
	paid   map[string]sg.Amount
}

func (p *payer) Pay(_ context.Context, s sg.Settlement) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fault != nil {
		return "", p.fault
	}
	if p.refuse != nil {
		return "", p.refuse
	}
	key := fmt.Sprintf("%s#%d", s.ID, s.Attempt)
	if id, ok := p.ids[key]; ok {
		return id, nil
	}
	id := fmt.Sprintf("tr_%d", len(p.ids)+1)
	p.ids[key] = id
	p.paid[id] = s.Totals.Net
	return id, nil
}

type netFees map[sg.Chain]sg.Amount

func (n netFees) NetworkFee(_ context.Context, c sg.Chain) (sg.Amount, error) { return n[c], nil }

type fixture struct {
	st    *memstore.Settlements
	svc   *settlement.Service
	pay   *payer
	now   time.Time
	tn    string
	clock func() time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{st: memstore.NewSettlements(), pay: &payer{ids: map[string]string{}, paid: map[string]sg.Amount{}},
		now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), tn: "t-" + t.Name()}
	f.clock = func() time.Time { return f.now }
	f.svc = &settlement.Service{Fees: &settlement.Fees{Schedules: f.st, Now: f.clock}, Configs: f.st, Store: f.st, Payer: f.pay, Now: f.clock}
	return f
}

func (f *fixture) tick(d time.Duration) { f.now = f.now.Add(d) }

func (f *fixture) schedule(t *testing.T, c sg.Chain, s sg.FeeSchedule) {
	t.Helper()
	s.TenantID, s.Chain = f.tn, c
	if s.NetworkFee == "" {
		s.NetworkFee = sg.NetworkAbsorb
	}
	cur, err := f.st.FeeSchedule(ctx, f.tn, c)
	if err == nil {
		s.Version = cur.Version
	}
	if _, err := f.svc.Fees.PutSchedule(ctx, s); err != nil {
		t.Fatalf("PutSchedule: %v", err)
	}
}

func (f *fixture) config(t *testing.T, cfg sg.SettlementConfig) {
	t.Helper()
	cfg.TenantID = f.tn
	if cfg.Destination.Chain == "" {
		cfg.Destination.Chain = cfg.Chain
	}
	if cfg.Destination.Address == "" {
		cfg.Destination.Address = map[sg.Chain]string{sg.Ethereum: ethAddr, sg.Tron: tronAddr}[cfg.Destination.Chain]
	}
	if cur, err := f.st.SettlementConfig(ctx, f.tn, cfg.Chain); err == nil {
		cfg.Version = cur.Version
	}
	if _, err := f.svc.PutConfig(ctx, cfg); err != nil {
		t.Fatalf("PutConfig: %v", err)
	}
}

func daily(c sg.Chain, hour int) sg.SettlementConfig {
	return sg.SettlementConfig{Chain: c, Mode: sg.SettleScheduled, Schedule: sg.ScheduleDaily, CutoffHour: hour}
}

type pay struct {
	chain  sg.Chain
	amount string
}

// invoice is a paid invoice of amount created now (a minute after any
// schedule set before), with confirmed payments.
func (f *fixture) invoice(amount string, pays ...pay) sg.Invoice {
	f.tick(time.Minute)
	inv := sg.Invoice{ID: sg.NewID("inv", f.now), TenantID: f.tn, Amount: usdt(amount), Chains: []sg.Chain{sg.Ethereum, sg.Tron},
		CreatedAt: f.now, ExpiresAt: f.now.Add(time.Hour), Policy: sg.DefaultInvoicePolicy, Status: sg.InvoicePaid}
	for i, p := range pays {
		inv.Payments = append(inv.Payments, sg.InvoicePayment{Ref: fmt.Sprintf("%s-%d", inv.ID, i), Chain: p.chain, Amount: usdt(p.amount),
			State: sg.PaymentConfirmed, SeenAt: f.now})
		inv.Paid += usdt(p.amount)
	}
	if inv.Paid > inv.Amount {
		inv.Status = sg.InvoiceOverpaid
	}
	return inv
}

func (f *fixture) addPaid(t *testing.T, inv sg.Invoice) []sg.Settlement {
	t.Helper()
	out, err := f.svc.AddPaidInvoice(ctx, f.tn, inv)
	if err != nil {
		t.Fatalf("AddPaidInvoice: %v", err)
	}
	return out
}

func (f *fixture) lines(t *testing.T, id string) []sg.SettlementLine {
	t.Helper()
	ls, _, err := f.svc.Lines(ctx, f.tn, id, sg.Page{Limit: 100})
	if err != nil {
		t.Fatalf("Lines: %v", err)
	}
	return ls
}

func (f *fixture) open(t *testing.T, c sg.Chain) sg.Settlement {
	t.Helper()
	s, err := f.st.OpenSettlement(ctx, f.tn, c)
	if err != nil {
		t.Fatalf("OpenSettlement(%s): %v", c, err)
	}
	return s
}

func lineAmounts(l sg.FeeLine) string { return fmt.Sprintf("%s=%s", l.Kind, l.Amount) }

// The fee of an amount is the schedule's, itemised, to the base unit, at
// every edge of the schedule.
func TestFeeScheduleMath(t *testing.T) {
	cases := []struct {
		name   string
		s      sg.FeeSchedule
		amount string
		fee    string
		lines  []string
	}{
		{"zero schedule charges nothing", sg.FeeSchedule{}, "100", "0.000000", nil},
		{"zero amount is charged nothing", sg.FeeSchedule{Percent: pct("2.9"), Fixed: usdt("0.3"), Min: usdt("1")}, "0", "0.000000", nil},
		{"percent only", sg.FeeSchedule{Percent: pct("2.9")}, "100", "2.900000", []string{"percent=2.900000"}},
		{"percent with 4 decimals of a percent", sg.FeeSchedule{Percent: pct("0.0001")}, "1", "0.000001", []string{"percent=0.000001"}},
		{"percent at x.5 base units rounds up", sg.FeeSchedule{Percent: sg.FeeRateBPS(1)}, "0.005", "0.000001", []string{"percent=0.000001"}},
		{"percent just under x.5 rounds down", sg.FeeSchedule{Percent: sg.FeeRateBPS(1)}, "0.004999", "0.000000", nil},
		{"percent at 1.5 base units rounds up to 2", sg.FeeSchedule{Percent: sg.FeeRateBPS(1)}, "0.015", "0.000002", []string{"percent=0.000002"}},
		{"percent at 2.5 base units rounds up to 3 (half up, not to even)", sg.FeeSchedule{Percent: sg.FeeRateBPS(1)}, "0.025", "0.000003", []string{"percent=0.000003"}},
		{"fixed only", sg.FeeSchedule{Fixed: usdt("0.3")}, "10", "0.300000", []string{"fixed=0.300000"}},
		{"percent and fixed add up", sg.FeeSchedule{Percent: pct("2.9"), Fixed: usdt("0.3")}, "10", "0.590000", []string{"percent=0.290000", "fixed=0.300000"}},
		{"min binds", sg.FeeSchedule{Percent: pct("1"), Min: usdt("0.5")}, "10", "0.500000", []string{"percent=0.100000", "min_adjust=0.400000"}},
		{"min exactly met adds no line", sg.FeeSchedule{Percent: pct("1"), Min: usdt("0.1")}, "10", "0.100000", []string{"percent=0.100000"}},
		{"max binds", sg.FeeSchedule{Percent: pct("1"), Max: usdt("25")}, "10000", "25.000000", []string{"percent=100.000000", "max_cap=-75.000000"}},
		{"max exactly met adds no line", sg.FeeSchedule{Percent: pct("1"), Max: usdt("100")}, "10000", "100.000000", []string{"percent=100.000000"}},
		{"a fee never exceeds the amount", sg.FeeSchedule{Fixed: usdt("0.3")}, "0.1", "0.100000", []string{"fixed=0.300000", "max_cap=-0.200000"}},
		{"min above the amount is capped at the amount", sg.FeeSchedule{Min: usdt("1")}, "0.25", "0.250000", []string{"min_adjust=1.000000", "max_cap=-0.750000"}},
		{"100 percent takes it all", sg.FeeSchedule{Percent: sg.MaxFeeRate}, "7.123457", "7.123457", []string{"percent=7.123457"}},
		{"large amounts do not overflow", sg.FeeSchedule{Percent: pct("99.9999")}, "9000000000000", "8999991000000.000000", []string{"percent=8999991000000.000000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fee := c.s.FeeOn(usdt(c.amount))
			var got []string
			var sum sg.Amount
			for _, l := range fee.Lines {
				got = append(got, lineAmounts(l))
				sum += l.Amount
			}
			if fee.Amount.String() != c.fee || fmt.Sprint(got) != fmt.Sprint(c.lines) {
				t.Fatalf("fee %s lines %v; want %s %v", fee.Amount, got, c.fee, c.lines)
			}
			if sum != fee.Amount {
				t.Fatalf("lines sum to %s, fee is %s", sum, fee.Amount)
			}
		})
	}
}

// A quote is the current schedule's, with the network fee as a line only
// when it is passed through; a tenant with no schedule gets the default.
func TestQuote(t *testing.T) {
	f := newFixture(t)
	f.svc.Fees.Network = netFees{sg.Ethereum: usdt("1.2"), sg.Tron: usdt("0.9")}
	f.svc.Fees.Default = sg.FeeSchedule{Percent: pct("1")}
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("2"), NetworkFee: sg.NetworkPassThrough})
	cases := []struct {
		name  string
		chain sg.Chain
		fee   string
		net   string
	}{
		{"pass-through network fee is a line of its own", sg.Ethereum, "3.200000", "1.200000"},
		{"no schedule: the default, network fee absorbed", sg.Tron, "1.000000", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := f.svc.Fees.Quote(ctx, f.tn, c.chain, usdt("100"))
			if err != nil {
				t.Fatal(err)
			}
			var network string
			for _, l := range q.Lines {
				if l.Kind == sg.FeeNetwork {
					network = l.Amount.String()
				}
			}
			if q.Amount.String() != c.fee || network != c.net {
				t.Fatalf("quote %s (network %q); want %s (%q)", q.Amount, network, c.fee, c.net)
			}
		})
	}
	if _, err := f.svc.Fees.Quote(ctx, f.tn, "bitcoin", 1); !errors.Is(err, sg.ErrValidation) {
		t.Fatalf("unknown chain: %v", err)
	}
}

// Must-show 4 at the service level: the fee on a settlement line is the
// schedule's on what was received, to the base unit, and never more than
// the fee shown when the invoice was created.
func TestFeeChargedNeverExceedsShown(t *testing.T) {
	cases := []struct {
		name    string
		before  sg.FeeSchedule // in force when the invoice is created
		after   *sg.FeeSchedule
		amount  string
		paid    string
		fee     string
		shown   string
		cappedM bool
	}{
		{"paid exactly: the schedule's fee", sg.FeeSchedule{Percent: pct("2.9"), Fixed: usdt("0.3")}, nil, "100", "100", "3.200000", "3.200000", false},
		{"overpaid: the fee on more is capped at the fee shown", sg.FeeSchedule{Percent: pct("2.9")}, nil, "100", "150", "2.900000", "2.900000", true},
		{"schedule raised after creation: the fee shown holds", sg.FeeSchedule{Percent: pct("1")}, &sg.FeeSchedule{Percent: pct("5")}, "100", "100", "1.000000", "1.000000", true},
		{"schedule lowered after creation: the lower fee", sg.FeeSchedule{Percent: pct("5")}, &sg.FeeSchedule{Percent: pct("1")}, "100", "100", "1.000000", "5.000000", false},
		{"rounding at x.5 on both sides agrees", sg.FeeSchedule{Percent: sg.FeeRateBPS(1)}, nil, "0.005", "0.005", "0.000001", "0.000001", false},
		{"min binds on the invoice and the payment alike", sg.FeeSchedule{Percent: pct("1"), Min: usdt("0.5")}, nil, "10", "10", "0.500000", "0.500000", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.config(t, daily(sg.Tron, 17))
			f.schedule(t, sg.Tron, c.before)
			inv := f.invoice(c.amount, pay{sg.Tron, c.paid})
			if c.after != nil {
				f.tick(time.Minute)
				f.schedule(t, sg.Tron, *c.after)
			}
			shown, err := f.svc.Fees.Shown(ctx, inv, sg.Tron)
			if err != nil {
				t.Fatal(err)
			}
			stls := f.addPaid(t, inv)
			ls := f.lines(t, stls[0].ID)
			if len(ls) != 1 {
				t.Fatalf("%d lines; want 1", len(ls))
			}
			l := ls[0]
			if l.Fee.String() != c.fee || l.FeeShown.String() != c.shown || shown.Amount.String() != c.shown {
				t.Fatalf("fee %s shown %s (Shown %s); want %s shown %s", l.Fee, l.FeeShown, shown.Amount, c.fee, c.shown)
			}
			if l.Fee > l.FeeShown || l.Net != l.Gross-l.Fee || l.Gross != usdt(c.paid) {
				t.Fatalf("line %+v", l)
			}
		})
	}
}

// A redelivered paid invoice, refund or chargeback is recorded once.
func TestLinesAreIdempotent(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 17))
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1")})
	inv := f.invoice("100", pay{sg.Ethereum, "100"})
	refund := settlement.Reversal{ID: "tr_refund1", InvoiceID: inv.ID, Chain: sg.Ethereum, Amount: usdt("10")}
	for i := range 3 {
		f.addPaid(t, inv)
		if _, err := f.svc.AddRefund(ctx, f.tn, refund); err != nil {
			t.Fatalf("delivery %d: AddRefund: %v", i, err)
		}
		if _, err := f.svc.AddChargeback(ctx, f.tn, settlement.Reversal{ID: "tr_cb1", Chain: sg.Ethereum, Amount: usdt("5")}); err != nil {
			t.Fatalf("delivery %d: AddChargeback: %v", i, err)
		}
	}
	s := f.open(t, sg.Ethereum)
	if s.LineCount != 3 || s.Totals.Net != usdt("84") {
		t.Fatalf("%d lines, net %s; want 3 lines, 84 (99 - 10 - 5)", s.LineCount, s.Totals.Net)
	}
	if _, err := f.svc.AddPaidInvoice(ctx, f.tn, sg.Invoice{ID: "inv_x", TenantID: f.tn, Status: sg.InvoiceOpen}); !errors.Is(err, sg.ErrInvoiceNotPaid) {
		t.Fatalf("an open invoice: %v", err)
	}
	if _, err := f.svc.AddPaidInvoice(ctx, "other", inv); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant's invoice: %v", err)
	}
}

// A daily settlement closes at its cut-off (not a second before) and is
// paid once; a threshold settlement as soon as its net reaches it; the
// minimum payout carries a small one over to the next cut-off.
func TestClosing(t *testing.T) {
	t.Run("daily cut-off", func(t *testing.T) {
		f := newFixture(t) // 09:00 UTC
		f.config(t, daily(sg.Ethereum, 17))
		f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
		s := f.open(t, sg.Ethereum)
		cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
		if !s.DueAt.Equal(cut) {
			t.Fatalf("due %s; want %s", s.DueAt, cut)
		}
		res, err := f.svc.CloseDue(ctx, cut.Add(-time.Second))
		if err != nil || res.Due != 0 || f.pay.calls != 0 {
			t.Fatalf("before the cut-off: %+v, %v, %d payouts", res, err, f.pay.calls)
		}
		res, err = f.svc.CloseDue(ctx, cut)
		if err != nil || res.Closed != 1 || res.Paying != 1 {
			t.Fatalf("at the cut-off: %+v, %v", res, err)
		}
		got, _ := f.svc.Get(ctx, f.tn, s.ID)
		if got.Status != sg.SettlementPaying || got.PayoutTransferID == "" || !got.Period.To.Equal(cut) || got.Destination.Address != ethAddr || got.Attempt != 1 {
			t.Fatalf("after the cut-off: %+v", got)
		}
		if res, _ := f.svc.CloseDue(ctx, cut.Add(time.Hour)); res.Due != 0 || f.pay.calls != 1 {
			t.Fatalf("ran again: %+v, %d payouts", res, f.pay.calls)
		}
		f.addPaid(t, f.invoice("5", pay{sg.Ethereum, "5"}))
		if next := f.open(t, sg.Ethereum); next.ID == s.ID || !next.DueAt.Equal(cut) {
			// the clock is still 09:0x: the next line opens a new settlement due at today's cut-off
			t.Fatalf("the next line went to %s due %s", next.ID, next.DueAt)
		}
	})
	t.Run("threshold", func(t *testing.T) {
		f := newFixture(t)
		f.config(t, sg.SettlementConfig{Chain: sg.Tron, Mode: sg.SettleScheduled, Schedule: sg.ScheduleThreshold, Threshold: usdt("100")})
		f.addPaid(t, f.invoice("60", pay{sg.Tron, "60"}))
		if s := f.open(t, sg.Tron); !s.DueAt.IsZero() {
			t.Fatalf("below the threshold but due at %s", s.DueAt)
		}
		stls := f.addPaid(t, f.invoice("40", pay{sg.Tron, "40"}))
		if len(stls) != 1 || stls[0].Status != sg.SettlementPaying || stls[0].Totals.Net != usdt("100") {
			t.Fatalf("at the threshold: %+v", stls)
		}
	})
	t.Run("minimum payout carries over", func(t *testing.T) {
		f := newFixture(t)
		cfg := daily(sg.Ethereum, 17)
		cfg.MinPayout = usdt("50")
		f.config(t, cfg)
		f.addPaid(t, f.invoice("20", pay{sg.Ethereum, "20"}))
		cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
		res, err := f.svc.CloseDue(ctx, cut)
		if err != nil || res.Deferred != 1 || f.pay.calls != 0 {
			t.Fatalf("below the minimum: %+v, %v", res, err)
		}
		s := f.open(t, sg.Ethereum)
		if !s.DueAt.Equal(cut.Add(24 * time.Hour)) {
			t.Fatalf("carried over to %s; want the next cut-off", s.DueAt)
		}
		f.now = cut.Add(time.Hour)
		f.addPaid(t, f.invoice("40", pay{sg.Ethereum, "40"}))
		if res, err := f.svc.CloseDue(ctx, cut.Add(24*time.Hour)); err != nil || res.Closed != 1 {
			t.Fatalf("next day: %+v, %v", res, err)
		}
		if got, _ := f.svc.Get(ctx, f.tn, s.ID); got.Totals.Net != usdt("60") || got.LineCount != 2 {
			t.Fatalf("paid %s over %d lines; want 60 over 2", got.Totals.Net, got.LineCount)
		}
	})
}

// Instant: each paid invoice is its own settlement, closed and paid at once,
// net of its fee and of the pass-through network fee.
func TestInstant(t *testing.T) {
	f := newFixture(t)
	f.svc.Fees.Network = netFees{sg.Ethereum: usdt("1")}
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1"), NetworkFee: sg.NetworkPassThrough})
	f.config(t, sg.SettlementConfig{Chain: sg.Ethereum, Mode: sg.SettleInstant})
	a := f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
	b := f.addPaid(t, f.invoice("50", pay{sg.Ethereum, "50"}))
	if len(a) != 1 || len(b) != 1 || a[0].ID == b[0].ID {
		t.Fatalf("settlements %v %v; want one each", a, b)
	}
	for _, s := range []sg.Settlement{a[0], b[0]} {
		if s.Status != sg.SettlementPaying {
			t.Fatalf("%s is %s; want paying", s.ID, s.Status)
		}
		ls := f.lines(t, s.ID)
		if len(ls) != 2 || ls[0].Kind != sg.LineInvoice || ls[1].Kind != sg.LineNetworkFee || ls[1].Fee != usdt("1") {
			t.Fatalf("lines %+v", ls)
		}
	}
	if a[0].Totals.Net != usdt("98") || b[0].Totals.Net != usdt("48.5") || f.pay.paid[a[0].PayoutTransferID] != usdt("98") {
		t.Fatalf("nets %s %s; want 98 and 48.5", a[0].Totals.Net, b[0].Totals.Net)
	}
	if _, err := f.st.OpenSettlement(ctx, f.tn, sg.Ethereum); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("an instant settlement stayed open: %v", err)
	}
}

// Refunds and chargebacks net against the invoices of the settlement.
func TestRefundsAndChargebacksNet(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 0))
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1")})
	f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
	f.addPaid(t, f.invoice("200", pay{sg.Ethereum, "200"}))
	if _, err := f.svc.AddRefund(ctx, f.tn, settlement.Reversal{ID: "tr_r1", Chain: sg.Ethereum, Amount: usdt("30")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddChargeback(ctx, f.tn, settlement.Reversal{ID: "tr_c1", Chain: sg.Ethereum, Amount: usdt("20")}); err != nil {
		t.Fatal(err)
	}
	s := f.open(t, sg.Ethereum)
	want := sg.SettlementTotals{Gross: usdt("300"), Fees: usdt("3"), Refunds: -usdt("50"), Net: usdt("247")}
	if s.Totals != want {
		t.Fatalf("totals %+v; want %+v", s.Totals, want)
	}
	if _, err := f.svc.AddRefund(ctx, f.tn, settlement.Reversal{ID: "tr_r2", Chain: sg.Ethereum}); !errors.Is(err, sg.ErrAmountNotPositive) {
		t.Fatalf("a refund of nothing: %v", err)
	}
}

// A merchant paid on Tron and settled on Ethereum: its lines land in the
// Ethereum settlement with a named clearing line each, and the liabilities
// move to Ethereum.
func TestCrossChainClearing(t *testing.T) {
	f := newFixture(t)
	cfg := daily(sg.Tron, 17)
	cfg.Destination = sg.SettlementDestination{Chain: sg.Ethereum, Address: ethAddr}
	f.config(t, cfg)
	f.config(t, daily(sg.Ethereum, 17))
	f.schedule(t, sg.Tron, sg.FeeSchedule{Percent: pct("1")})
	f.addPaid(t, f.invoice("100", pay{sg.Tron, "100"}))
	f.addPaid(t, f.invoice("50", pay{sg.Ethereum, "50"}))
	if _, err := f.svc.AddRefund(ctx, f.tn, settlement.Reversal{ID: "tr_r1", Chain: sg.Tron, Amount: usdt("10")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.OpenSettlement(ctx, f.tn, sg.Tron); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("a Tron settlement was opened: %v", err)
	}
	s := f.open(t, sg.Ethereum)
	ls := f.lines(t, s.ID)
	var got []string
	for _, l := range ls {
		got = append(got, fmt.Sprintf("%s/%s/%s->%s net %s cleared %s", l.Kind, l.Chain, l.Ref[:3], l.To, l.Net, l.Cleared))
	}
	want := []string{
		"invoice/tron/inv-> net 99.000000 cleared 0.000000",
		"clearing/tron/inv->ethereum net 0.000000 cleared 99.000000",
		"invoice/ethereum/inv-> net 50.000000 cleared 0.000000",
		"refund/tron/tr_-> net -10.000000 cleared 0.000000",
		"clearing/tron/tr_->ethereum net 0.000000 cleared -10.000000",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines\n%v\nwant\n%v", got, want)
	}
	if s.Totals.Net != usdt("139") {
		t.Fatalf("net %s; want 139", s.Totals.Net)
	}
	liab, _ := f.svc.Liabilities(ctx)
	if liab[sg.Ethereum] != usdt("139") || liab[sg.Tron] != 0 {
		t.Fatalf("liabilities %v; want all of it on ethereum", liab)
	}
}

// Liabilities count what unpaid settlements owe per payout chain: they
// rise with lines, hold through close and payout request, fall when paid.
func TestLiabilitiesCounter(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 17))
	f.config(t, daily(sg.Tron, 17))
	f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
	f.addPaid(t, f.invoice("70", pay{sg.Tron, "70"}))
	check := func(step string, eth, tron string) {
		t.Helper()
		l, err := f.svc.Liabilities(ctx)
		if err != nil || l[sg.Ethereum] != usdt(eth) || l[sg.Tron] != usdt(tron) {
			t.Fatalf("%s: liabilities %v, %v; want ethereum %s tron %s", step, l, err, eth, tron)
		}
	}
	check("open", "100", "70")
	if _, err := f.svc.CloseDue(ctx, time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	check("closed and paying", "100", "70")
	all, _, _ := f.svc.List(ctx, f.tn, sg.Page{})
	for _, s := range all {
		if s.Chain == sg.Ethereum {
			for range 2 { // redelivered: once
				if _, err := f.svc.MarkPaid(ctx, f.tn, s.ID, s.PayoutTransferID); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.svc.MarkPaid(ctx, f.tn, s.ID, "tr_other"); !errors.Is(err, sg.ErrSettlementChanged) {
				t.Fatalf("another transfer marked it: %v", err)
			}
		}
	}
	check("ethereum paid", "0", "70")
}

// A refused payout fails the settlement; a retry is the next attempt.
func TestPayoutRefusedThenRetried(t *testing.T) {
	f := newFixture(t)
	f.config(t, sg.SettlementConfig{Chain: sg.Ethereum, Mode: sg.SettleInstant})
	f.pay.refuse = &sg.Error{Kind: sg.KindRefused, Code: "destination_blacklisted"}
	stls := f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))
	s := stls[0]
	if s.Status != sg.SettlementFailed || s.FailReason != "destination_blacklisted" || !s.DueAt.IsZero() {
		t.Fatalf("refused payout left %+v", s)
	}
	f.pay.refuse = nil
	got, err := f.svc.Retry(ctx, f.tn, s.ID)
	if err != nil || got.Status != sg.SettlementPaying || got.Attempt != 2 {
		t.Fatalf("Retry: %+v, %v", got, err)
	}
	if _, err := f.svc.Retry(ctx, f.tn, s.ID); !errors.Is(err, sg.ErrSettlementNotRetryable) {
		t.Fatalf("retry of a paying settlement: %v", err)
	}
	// A fault of the payer is retried by the job, not failed.
	f.pay.fault = sg.Unavailable("test", errors.New("down"))
	stls = f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))
	if stls[0].Status != sg.SettlementClosed || stls[0].DueAt.IsZero() {
		t.Fatalf("after a payer fault: %+v", stls[0])
	}
	f.pay.fault = nil
	if res, err := f.svc.CloseDue(ctx, f.now); err != nil || res.Paying != 1 {
		t.Fatalf("the job paid %+v, %v", res, err)
	}
}

// Another tenant's settlement is not found.
func TestTenancy(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 17))
	stls := f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))
	if _, err := f.svc.Get(ctx, "other", stls[0].ID); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("Get: %v", err)
	}
	if _, _, err := f.svc.Report(ctx, "other", stls[0].ID, settlement.FormatCSV); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("Report: %v", err)
	}
	if _, _, err := f.svc.Lines(ctx, "other", stls[0].ID, sg.Page{}); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("Lines: %v", err)
	}
}

// A tenant without a config for the chain is not settled.
func TestNotConfigured(t *testing.T) {
	f := newFixture(t)
	stls := f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))
	if len(stls) != 0 {
		t.Fatalf("settled with no config: %+v", stls)
	}
	if _, err := f.svc.Config(ctx, f.tn, sg.Ethereum); !errors.Is(err, sg.ErrSettlementNotConfigured) {
		t.Fatalf("Config: %v", err)
	}
	bad := daily(sg.Ethereum, 17)
	bad.TenantID, bad.Destination = f.tn, sg.SettlementDestination{Chain: sg.Ethereum, Address: tronAddr}
	if _, err := f.svc.PutConfig(ctx, bad); !errors.Is(err, sg.ErrValidation) {
		t.Fatalf("a Tron address for an Ethereum destination: %v", err)
	}
}

// Racing deliveries (each invoice delivered three times at once, many
// invoices at once) record each invoice once, and the totals are the sum
// of the lines.
func TestConcurrentDeliveries(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 17))
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1")})
	var invs []sg.Invoice
	for i := range 20 {
		invs = append(invs, f.invoice(fmt.Sprintf("%d", 10+i), pay{sg.Ethereum, fmt.Sprintf("%d", 10+i)}))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for _, inv := range invs {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 { // an unavailable answer is retried, as the queue would
					_, err := f.svc.AddPaidInvoice(ctx, f.tn, inv)
					if sg.KindOf(err) == sg.KindUnavailable {
						continue
					}
					if err != nil {
						errs <- err
					}
					return
				}
				errs <- errors.New("still unavailable after 50 deliveries")
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := f.open(t, sg.Ethereum)
	ls := f.lines(t, s.ID)
	if len(ls) != 20 || s.LineCount != 20 || sg.TotalsOf(ls) != s.Totals || s.Totals.Gross != usdt("390") || s.Totals.Fees != usdt("3.9") {
		t.Fatalf("%d lines (count %d), totals %+v", len(ls), s.LineCount, s.Totals)
	}
}

type events struct {
	mu  sync.Mutex
	got []sg.WebhookEvent
}

func (e *events) Publish(_ context.Context, ev sg.WebhookEvent) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
	return nil
}

// A settlement tells the merchant when it closes, when its payout is
// requested and when it is paid; a redelivered paid hook repeats the same
// event id (the publisher sends it once).
func TestEvents(t *testing.T) {
	f := newFixture(t)
	ev := &events{}
	f.svc.Events = ev
	f.config(t, sg.SettlementConfig{Chain: sg.Ethereum, Mode: sg.SettleInstant})
	s := f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))[0]
	for range 2 {
		if _, err := f.svc.MarkPaid(ctx, f.tn, s.ID, s.PayoutTransferID); err != nil {
			t.Fatal(err)
		}
	}
	var types []string
	ids := map[string]bool{}
	for _, e := range ev.got {
		types = append(types, e.Type)
		ids[e.ID] = true
		var v settlement.Summary
		if err := json.Unmarshal(e.Data, &v); err != nil || v.ID != s.ID || e.OrderingKey != s.ID || e.TenantID != f.tn {
			t.Fatalf("event %+v: %+v, %v", e, v, err)
		}
	}
	want := []string{settlement.EventClosed, settlement.EventPaying, settlement.EventPaid, settlement.EventPaid}
	if fmt.Sprint(types) != fmt.Sprint(want) || len(ids) != 3 {
		t.Fatalf("events %v (%d ids); want %v with 3 ids", types, len(ids), want)
	}
}
