package acquiring_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rates is a fake rate source.
type rates map[string]string

func (r rates) Rate(_ context.Context, cur string) (sg.Rate, error) {
	v, ok := r[cur]
	if !ok {
		return sg.Rate{}, sg.ErrCurrencyUnsupported
	}
	return sg.Rate{Currency: cur, PerUSDT: v, Source: "test"}, nil
}

// wallets is a fake sg.InvoiceAddresses: a new wallet per invoice key part,
// with distinct addresses.
type wallets struct {
	mu    sync.Mutex
	made  map[string]sg.Wallet
	count int
}

func (w *wallets) NewInvoiceWallet(_ context.Context, tenant, id string, chains []sg.Chain) (sg.Wallet, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	kp, _ := sg.KeyPart("inv", id)
	if got, ok := w.made[tenant+kp]; ok {
		return got, nil
	}
	w.count++
	wal := sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: tenant, Index: uint32(w.count)}
	for _, c := range sg.Chains { // as the wallet service: an address on every chain
		wal.Addresses = append(wal.Addresses, sg.DepositAddress{Chain: c, Asset: sg.USDT, Address: fmt.Sprintf("%s-addr-%d", c, w.count), Scheme: sg.SchemeBIP32})
	}
	w.made[tenant+kp] = wal
	return wal, nil
}

func (w *wallets) Count() int { w.mu.Lock(); defer w.mu.Unlock(); return w.count }

// publisher is a fake sg.EventPublisher, idempotent by id, that can fail.
type publisher struct {
	mu     sync.Mutex
	events []sg.WebhookEvent
	seen   map[string]bool
	fail   bool
	calls  int
}

func (p *publisher) Publish(_ context.Context, e sg.WebhookEvent) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fail {
		return errors.New("publisher down")
	}
	if p.seen[e.ID] {
		return nil
	}
	p.seen[e.ID] = true
	p.events = append(p.events, e)
	return nil
}

// types lists the types of the events published for invoice id, in order.
func (p *publisher) types(id string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, e := range p.events {
		if e.OrderingKey == id {
			out = append(out, e.Type)
		}
	}
	return out
}

func (p *publisher) Count() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.events) }

type fixture struct {
	svc   *acquiring.Service
	store *memstore.Invoices
	clock *clock
	addrs *wallets
	pub   *publisher
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	st := memstore.NewInvoices()
	st.Now = c.Now
	f := &fixture{store: st, clock: c, addrs: &wallets{made: map[string]sg.Wallet{}}, pub: &publisher{seen: map[string]bool{}}}
	f.svc = &acquiring.Service{Store: st, Policies: st, Quotes: st, Rates: rates{"EUR": "0.92", "JPY": "150.5", "CNY": "7.10"},
		Addresses: f.addrs, Events: f.pub, Now: c.Now, Log: slog.New(slog.DiscardHandler)}
	return f
}

func tenant() string { return sg.NewID("ten", time.Now()) }

func hash(in acquiring.CreateInvoice) string {
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (f *fixture) create(t *testing.T, ten string, in acquiring.CreateInvoice) sg.Invoice {
	t.Helper()
	r, err := f.svc.Create(ctx, ten, in, acquiring.Idem{Key: sg.NewID("key", time.Now()), Hash: hash(in)}, nil)
	if err != nil {
		t.Fatalf("Create(%+v): %v", in, err)
	}
	return r.Invoice
}

// pay reports a deposit of amount into inv's address on c in state st.
func (f *fixture) pay(t *testing.T, inv sg.Invoice, c sg.Chain, amount string, ref string, st acquiring.DepositState) {
	t.Helper()
	a, err := sg.ParseAmount(amount, 6)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := inv.AddressOn(c)
	d := acquiring.InvoiceDeposit{Tenant: inv.TenantID, Wallet: inv.WalletID, Chain: c, Address: addr.Address, From: "payer",
		Amount: a, Ref: ref, TxHash: "0x" + ref, Block: 100, State: st, Confirmations: 1, At: f.clock.Now()}
	if err := f.svc.OnDeposit(ctx, d); err != nil {
		t.Fatalf("OnDeposit(%s %s): %v", ref, st, err)
	}
}

func (f *fixture) get(t *testing.T, inv sg.Invoice) sg.Invoice {
	t.Helper()
	got, err := f.svc.Get(ctx, inv.TenantID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func TestFiatPricingLocksTheRateAndRoundsUp(t *testing.T) {
	cases := []struct {
		name, cur, amount, want, rate string
	}{
		{"EUR 100.00 at 0.92 rounds up to the next micro-USDT", "EUR", "100.00", "108.695653", "0.92"},
		{"EUR 92 at 0.92 is exactly 100", "EUR", "92", "100.000000", "0.92"},
		{"JPY 1000 at 150.5 (no minor units)", "JPY", "1000", "6.644519", "150.5"},
		{"CNY 0.01 at 7.10", "CNY", "0.01", "0.001409", "7.10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			inv := f.create(t, tenant(), acquiring.CreateInvoice{FiatCurrency: c.cur, FiatAmount: c.amount, ExpiresIn: 2 * time.Hour})
			if inv.Amount.String() != c.want || inv.Fiat == nil || inv.Fiat.Rate != c.rate || inv.Fiat.Currency != c.cur {
				t.Fatalf("priced %s %s as %s at %+v; want %s at %s", c.amount, c.cur, inv.Amount, inv.Fiat, c.want, c.rate)
			}
			// Without a quote the rate is locked for the rate TTL (15 min), within the expiry.
			if want := f.clock.Now().Add(sg.FxQuoteTTL); !inv.Fiat.RateExpiresAt.Equal(want) {
				t.Fatalf("rate expires %v; want %v", inv.Fiat.RateExpiresAt, want)
			}
		})
	}
	t.Run("a quote's rate is used and its expiry bounds the lock", func(t *testing.T) {
		f := newFixture(t)
		ten := tenant()
		q, err := f.svc.QuoteFx(ctx, ten, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		f.svc.Rates = rates{"EUR": "0.50"} // the market moves; the quote holds
		f.clock.Add(5 * time.Minute)
		inv := f.create(t, ten, acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "100.00", FxQuoteID: q.ID})
		if inv.Amount.String() != "108.695653" || inv.Fiat.QuoteID != q.ID || !inv.Fiat.RateExpiresAt.Equal(q.ExpiresAt) {
			t.Fatalf("priced %s with %+v; want 108.695653 at the quote's rate until %v", inv.Amount, inv.Fiat, q.ExpiresAt)
		}
	})
	t.Run("a short invoice's expiry bounds the lock", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "1.00", ExpiresIn: 5 * time.Minute})
		if !inv.Fiat.RateExpiresAt.Equal(inv.ExpiresAt) {
			t.Fatalf("rate expires %v; want the invoice's expiry %v", inv.Fiat.RateExpiresAt, inv.ExpiresAt)
		}
	})
}

// Must-show 2: partial, over- and late payments each follow the policy.
func TestPaymentsFollowThePolicy(t *testing.T) {
	type step struct {
		after  time.Duration // clock moves by this first
		amount string
	}
	cases := []struct {
		name                    string
		policy                  sg.InvoicePolicy
		steps                   []step
		status                  sg.InvoiceStatus
		paid, remaining, refund string
		events                  []string
	}{
		{"a partial payment asks for the rest", sg.DefaultInvoicePolicy, []step{{0, "60"}}, sg.InvoicePartiallyPaid, "60.000000", "40.000000", "0.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.partially_paid"}},
		{"the rest completes it", sg.DefaultInvoicePolicy, []step{{0, "60"}, {time.Minute, "40"}}, sg.InvoicePaid, "100.000000", "0.000000", "0.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.partially_paid", "invoice.payment_detected", "invoice.paid"}},
		{"a shortfall within tolerance is paid", sg.InvoicePolicy{Underpaid: sg.UnderpaidAcceptTolerance, UnderpaidToleranceBPS: 100, Overpaid: sg.OverpaidCredit, Late: sg.LateAccept},
			[]step{{0, "99.5"}}, sg.InvoicePaid, "99.500000", "0.500000", "0.000000", nil},
		{"a shortfall beyond tolerance is partial", sg.InvoicePolicy{Underpaid: sg.UnderpaidAcceptTolerance, UnderpaidTolerance: 500000, Overpaid: sg.OverpaidCredit, Late: sg.LateAccept},
			[]step{{0, "99.4"}}, sg.InvoicePartiallyPaid, "99.400000", "0.600000", "0.000000", nil},
		{"an overpayment credited owes nothing", sg.DefaultInvoicePolicy, []step{{0, "120"}}, sg.InvoiceOverpaid, "120.000000", "0.000000", "0.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.overpaid"}},
		{"an overpayment refunded owes the surplus", sg.InvoicePolicy{Underpaid: sg.UnderpaidAskRest, Overpaid: sg.OverpaidRefund, Late: sg.LateAccept},
			[]step{{0, "120"}}, sg.InvoiceOverpaid, "120.000000", "0.000000", "20.000000", nil},
		{"a late payment within the window is paid late", sg.DefaultInvoicePolicy, []step{{90 * time.Minute, "100"}}, sg.InvoicePaidLate, "100.000000", "0.000000", "0.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.expired", "invoice.paid_late"}},
		{"a late rest within the window completes a partial payment late", sg.DefaultInvoicePolicy, []step{{0, "30"}, {90 * time.Minute, "70"}}, sg.InvoicePaidLate, "100.000000", "0.000000", "0.000000", nil},
		{"a payment beyond the window is recorded and owed back", sg.DefaultInvoicePolicy, []step{{3 * time.Hour, "100"}}, sg.InvoiceExpired, "0.000000", "100.000000", "100.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.expired", "invoice.payment_confirmed"}},
		{"late payments refused by policy are recorded and owed back", sg.InvoicePolicy{Underpaid: sg.UnderpaidAskRest, Overpaid: sg.OverpaidCredit, Late: sg.LateRefund, LateWindow: time.Hour},
			[]step{{90 * time.Minute, "100"}}, sg.InvoiceExpired, "0.000000", "100.000000", "100.000000", nil},
		{"a partial payment on an expired invoice is owed back", sg.DefaultInvoicePolicy, []step{{0, "30"}, {3 * time.Hour, ""}}, sg.InvoiceExpired, "30.000000", "70.000000", "30.000000",
			[]string{"invoice.created", "invoice.payment_detected", "invoice.partially_paid", "invoice.expired"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ten := tenant()
			if err := f.svc.SetPolicy(ctx, ten, c.policy); err != nil {
				t.Fatal(err)
			}
			inv := f.create(t, ten, acquiring.CreateInvoice{Amount: "100", ExpiresIn: time.Hour})
			for i, s := range c.steps {
				f.clock.Add(s.after)
				if s.amount == "" {
					if _, err := f.svc.Expire(ctx, f.clock.Now(), 10); err != nil {
						t.Fatal(err)
					}
					continue
				}
				ref := fmt.Sprintf("ref-%d", i)
				f.pay(t, inv, sg.Ethereum, s.amount, ref, acquiring.DepositSeen)
				f.pay(t, inv, sg.Ethereum, s.amount, ref, acquiring.DepositConfirmed)
			}
			got := f.get(t, inv)
			if got.Status != c.status || got.Paid.String() != c.paid || got.Remaining().String() != c.remaining || got.RefundDue.String() != c.refund {
				t.Fatalf("status %s paid %s remaining %s refund %s; want %s %s %s %s", got.Status, got.Paid, got.Remaining(), got.RefundDue, c.status, c.paid, c.remaining, c.refund)
			}
			if c.events != nil {
				if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != strings.Join(c.events, ",") {
					t.Fatalf("events %v; want %v", evs, c.events)
				}
			}
		})
	}
}

// Must-show 2: two invoices of the same amount paid in the same block are
// never confused: each payment lands on the invoice whose address it went to.
func TestSameAmountSameBlockNeverConfused(t *testing.T) {
	f := newFixture(t)
	ten := tenant()
	a := f.create(t, ten, acquiring.CreateInvoice{Amount: "25"})
	b := f.create(t, ten, acquiring.CreateInvoice{Amount: "25"})
	if a.WalletID == b.WalletID || a.Addresses[0].Address == b.Addresses[0].Address {
		t.Fatalf("two invoices share a wallet or an address: %v %v", a.Addresses, b.Addresses)
	}
	// Both in block 100; only a's is confirmed.
	f.pay(t, a, sg.Tron, "25", "blk100-tx1-log0", acquiring.DepositSeen)
	f.pay(t, b, sg.Tron, "25", "blk100-tx2-log0", acquiring.DepositSeen)
	f.pay(t, a, sg.Tron, "25", "blk100-tx1-log0", acquiring.DepositConfirmed)
	ga, gb := f.get(t, a), f.get(t, b)
	if ga.Status != sg.InvoicePaid || len(ga.Payments) != 1 || ga.Payments[0].Ref != "blk100-tx1-log0" {
		t.Fatalf("invoice a: %s with %+v; want paid by tx1", ga.Status, ga.Payments)
	}
	if gb.Status != sg.InvoiceOpen || gb.Pending.String() != "25.000000" || len(gb.Payments) != 1 || gb.Payments[0].Ref != "blk100-tx2-log0" {
		t.Fatalf("invoice b: %s pending %s with %+v; want open, tx2 pending", gb.Status, gb.Pending, gb.Payments)
	}
	f.pay(t, b, sg.Tron, "25", "blk100-tx2-log0", acquiring.DepositConfirmed)
	for _, inv := range []sg.Invoice{a, b} {
		if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != "invoice.created,invoice.payment_detected,invoice.paid" {
			t.Fatalf("%s events %v", inv.ID, evs)
		}
	}
	for _, e := range f.pub.events {
		var v acquiring.View
		if err := json.Unmarshal(e.Data, &v); err != nil || v.ID != e.OrderingKey {
			t.Fatalf("event %s about %s carries invoice %q", e.Type, e.OrderingKey, v.ID)
		}
	}
}

func TestRedeliveredDepositCountsOnceAndEmitsOnce(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "10"})
	for range 3 {
		f.pay(t, inv, sg.Ethereum, "10", "r1", acquiring.DepositSeen)
	}
	for range 3 {
		f.pay(t, inv, sg.Ethereum, "10", "r1", acquiring.DepositConfirmed)
		f.pay(t, inv, sg.Ethereum, "10", "r1", acquiring.DepositSeen) // a late redelivery of seen
	}
	got := f.get(t, inv)
	if got.Paid.String() != "10.000000" || got.Pending != 0 || got.Status != sg.InvoicePaid || len(got.Payments) != 1 {
		t.Fatalf("paid %s pending %s status %s payments %d; want 10, 0, paid, 1", got.Paid, got.Pending, got.Status, len(got.Payments))
	}
	if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != "invoice.created,invoice.payment_detected,invoice.paid" {
		t.Fatalf("events %v", evs)
	}
}

func TestReversedPaymentRevertsStatus(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "10"})
	f.pay(t, inv, sg.Ethereum, "4", "a", acquiring.DepositConfirmed)
	f.pay(t, inv, sg.Ethereum, "6", "b", acquiring.DepositConfirmed)
	if got := f.get(t, inv); got.Status != sg.InvoicePaid {
		t.Fatalf("status %s; want paid", got.Status)
	}
	f.pay(t, inv, sg.Ethereum, "6", "b", acquiring.DepositReversed)
	got := f.get(t, inv)
	if got.Status != sg.InvoicePartiallyPaid || got.Paid.String() != "4.000000" {
		t.Fatalf("after reversal: %s paid %s; want partially_paid 4", got.Status, got.Paid)
	}
	f.pay(t, inv, sg.Ethereum, "4", "a", acquiring.DepositReversed)
	if got := f.get(t, inv); got.Status != sg.InvoiceOpen || got.Paid != 0 {
		t.Fatalf("after both reversed: %s paid %s; want open 0", got.Status, got.Paid)
	}
	f.pay(t, inv, sg.Ethereum, "6", "b", acquiring.DepositConfirmed) // a reversed payment stays reversed
	if got := f.get(t, inv); got.Status != sg.InvoiceOpen {
		t.Fatalf("a reversed payment came back: %s", got.Status)
	}
	want := "invoice.created,invoice.payment_detected,invoice.partially_paid,invoice.payment_detected,invoice.paid," +
		"invoice.payment_reversed,invoice.partially_paid,invoice.payment_reversed"
	if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != want {
		t.Fatalf("events %v; want %s", evs, want)
	}
}

// Must-show 5: bad input is refused with a named code and writes nothing.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	cases := []struct {
		name string
		in   acquiring.CreateInvoice
		code string
		prep func(f *fixture, ten string) acquiring.CreateInvoice
	}{
		{name: "unknown currency", in: acquiring.CreateInvoice{FiatCurrency: "XXX", FiatAmount: "10.00"}, code: "currency_unsupported"},
		{name: "a currency the rate source does not price", in: acquiring.CreateInvoice{FiatCurrency: "GBP", FiatAmount: "10.00"}, code: "currency_unsupported"},
		{name: "expired rate quote", code: "rate_expired", prep: func(f *fixture, ten string) acquiring.CreateInvoice {
			q, err := f.svc.QuoteFx(ctx, ten, "EUR")
			if err != nil {
				panic(err)
			}
			f.clock.Add(sg.FxQuoteTTL + time.Second)
			return acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "10.00", FxQuoteID: q.ID}
		}},
		{name: "a quote for another currency", code: "fx_quote_mismatch", prep: func(f *fixture, ten string) acquiring.CreateInvoice {
			q, _ := f.svc.QuoteFx(ctx, ten, "CNY")
			return acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "10.00", FxQuoteID: q.ID}
		}},
		{name: "another tenant's quote", code: "fx_quote_not_found", prep: func(f *fixture, _ string) acquiring.CreateInvoice {
			q, _ := f.svc.QuoteFx(ctx, tenant(), "EUR")
			return acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "10.00", FxQuoteID: q.ID}
		}},
		{name: "http redirect", in: acquiring.CreateInvoice{Amount: "1", RedirectURL: "http://shop.example/thanks"}, code: "redirect_url_not_https"},
		{name: "javascript redirect", in: acquiring.CreateInvoice{Amount: "1", RedirectURL: "javascript:alert(1)"}, code: "validation_failed"},
		{name: "unsupported chain", in: acquiring.CreateInvoice{Amount: "1", Chains: []sg.Chain{"bitcoin"}}, code: "unsupported_chain"},
		{name: "fiat amount with too many decimals", in: acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "1.001"}, code: "amount_too_precise"},
		{name: "fiat amount with a sign", in: acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "-1"}, code: "amount_invalid"},
		{name: "zero amount", in: acquiring.CreateInvoice{Amount: "0"}, code: "amount_not_positive"},
		{name: "both amount and fiat", in: acquiring.CreateInvoice{Amount: "1", FiatCurrency: "EUR", FiatAmount: "1"}, code: "price_ambiguous"},
		{name: "expires_in too short", in: acquiring.CreateInvoice{Amount: "1", ExpiresIn: time.Second}, code: "expires_in_out_of_range"},
		{name: "too much metadata", in: acquiring.CreateInvoice{Amount: "1", Metadata: map[string]string{strings.Repeat("k", 41): "v"}}, code: "metadata_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ten := tenant()
			in := c.in
			if c.prep != nil {
				in = c.prep(f, ten)
			}
			writes, wallets, events := f.store.Writes(), f.addrs.Count(), f.pub.Count()
			_, err := f.svc.Create(ctx, ten, in, acquiring.Idem{Key: "k1", Hash: hash(in)}, nil)
			var e *sg.Error
			if !errors.As(err, &e) || e.Code != c.code {
				t.Fatalf("got %v; want %s", err, c.code)
			}
			if f.store.Writes() != writes || f.addrs.Count() != wallets || f.pub.Count() != events {
				t.Fatalf("a refused create wrote: store %d->%d, wallets %d->%d, events %d->%d", writes, f.store.Writes(), wallets, f.addrs.Count(), events, f.pub.Count())
			}
			if _, err := f.svc.Store.Idempotency(ctx, ten, acquiring.OpCreate, "k1"); !errors.Is(err, sg.ErrNotFound) {
				t.Fatalf("a refused create left an idempotency record: %v", err)
			}
		})
	}
	t.Run("a link for a chain the invoice does not accept", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "1", Chains: []sg.Chain{sg.Ethereum}})
		writes := f.store.Writes()
		_, err := acquiring.Option(inv, sg.Tron)
		wantErr(t, "Option(tron)", err, sg.ErrChainNotAccepted)
		if o, err := acquiring.Option(inv, sg.Ethereum); err != nil || o.Address != inv.Addresses[0].Address || o.Amount != "1.000000" {
			t.Fatalf("Option(ethereum) = %+v, %v", o, err)
		}
		if len(inv.Addresses) != 1 || f.store.Writes() != writes {
			t.Fatalf("addresses %v; writes %d -> %d", inv.Addresses, writes, f.store.Writes())
		}
	})
	t.Run("http redirect is allowed on the local stack", func(t *testing.T) {
		f := newFixture(t)
		f.svc.AllowHTTP = true
		f.create(t, tenant(), acquiring.CreateInvoice{Amount: "1", RedirectURL: "http://127.0.0.1:3000/thanks"})
	})
}

func TestCreateIsIdempotent(t *testing.T) {
	f := newFixture(t)
	ten := tenant()
	in := acquiring.CreateInvoice{Amount: "5", OrderID: "o-1"}
	idem := acquiring.Idem{Key: "same", Hash: hash(in)}
	first, err := f.svc.Create(ctx, ten, in, idem, nil)
	if err != nil || first.Replayed || first.Status != 201 {
		t.Fatalf("first: %+v, %v", first, err)
	}
	again, err := f.svc.Create(ctx, ten, in, idem, nil)
	if err != nil || !again.Replayed || string(again.Body) != string(first.Body) {
		t.Fatalf("replay: %+v, %v; want the first body", again, err)
	}
	if f.addrs.Count() != 1 {
		t.Fatalf("wallets made %d; want 1", f.addrs.Count())
	}
	other := acquiring.CreateInvoice{Amount: "6"}
	_, err = f.svc.Create(ctx, ten, other, acquiring.Idem{Key: "same", Hash: hash(other)}, nil)
	wantErr(t, "key reused", err, sg.ErrIdempotencyKeyReused)
	if list, _, _ := f.svc.List(ctx, ten, sg.InvoiceFilter{}, sg.Page{}); len(list) != 1 {
		t.Fatalf("%d invoices; want 1", len(list))
	}
}

func TestAnotherTenantsInvoiceIsNotFound(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
	other := tenant()
	_, err := f.svc.Get(ctx, other, inv.ID)
	wantErr(t, "Get", err, sg.ErrNotFound)
	_, err = f.svc.Cancel(ctx, other, inv.ID)
	wantErr(t, "Cancel", err, sg.ErrNotFound)
	_, err = f.svc.Receipt(ctx, other, inv.ID)
	wantErr(t, "Receipt", err, sg.ErrNotFound)
	// A deposit reported under another tenant does not reach the invoice.
	if err := f.svc.OnDeposit(ctx, acquiring.InvoiceDeposit{Tenant: other, Wallet: inv.WalletID, Chain: sg.Ethereum, Amount: 5_000_000, Ref: "x", State: acquiring.DepositConfirmed}); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, inv); got.Paid != 0 || len(got.Payments) != 0 {
		t.Fatalf("another tenant's deposit landed: %+v", got.Payments)
	}
	if list, _, _ := f.svc.List(ctx, other, sg.InvoiceFilter{}, sg.Page{}); len(list) != 0 {
		t.Fatalf("another tenant lists %d invoices", len(list))
	}
}

func TestDepositToAnOrdinaryWalletIsIgnored(t *testing.T) {
	f := newFixture(t)
	writes := f.store.Writes()
	err := f.svc.OnDeposit(ctx, acquiring.InvoiceDeposit{Tenant: tenant(), Wallet: sg.NewID("wal", time.Now()), Chain: sg.Tron, Amount: 1, Ref: "r", State: acquiring.DepositSeen})
	if err != nil || f.store.Writes() != writes {
		t.Fatalf("OnDeposit for a plain wallet: %v, writes %d -> %d", err, writes, f.store.Writes())
	}
}

func TestCancelRules(t *testing.T) {
	t.Run("an open invoice is cancelled once", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
		got, err := f.svc.Cancel(ctx, inv.TenantID, inv.ID)
		if err != nil || got.Status != sg.InvoiceCancelled {
			t.Fatalf("Cancel: %s, %v", got.Status, err)
		}
		_, err = f.svc.Cancel(ctx, inv.TenantID, inv.ID)
		wantErr(t, "Cancel again", err, sg.ErrInvoiceNotCancellable)
		if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != "invoice.created,invoice.cancelled" {
			t.Fatalf("events %v", evs)
		}
	})
	t.Run("a paid invoice is not cancellable", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
		f.pay(t, inv, sg.Ethereum, "5", "r", acquiring.DepositConfirmed)
		_, err := f.svc.Cancel(ctx, inv.TenantID, inv.ID)
		wantErr(t, "Cancel", err, sg.ErrInvoiceNotCancellable)
	})
	t.Run("an invoice with a payment pending is not cancellable", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
		f.pay(t, inv, sg.Ethereum, "5", "r", acquiring.DepositSeen)
		_, err := f.svc.Cancel(ctx, inv.TenantID, inv.ID)
		wantErr(t, "Cancel", err, sg.ErrInvoiceNotCancellable)
	})
	t.Run("a partially paid invoice cancelled owes its payment back", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
		f.pay(t, inv, sg.Ethereum, "2", "r", acquiring.DepositConfirmed)
		got, err := f.svc.Cancel(ctx, inv.TenantID, inv.ID)
		if err != nil || got.Status != sg.InvoiceCancelled || got.RefundDue.String() != "2.000000" {
			t.Fatalf("Cancel: %s refund %s, %v", got.Status, got.RefundDue, err)
		}
	})
	t.Run("a payment after cancellation still lands, late, per policy", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "5"})
		if _, err := f.svc.Cancel(ctx, inv.TenantID, inv.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
		f.pay(t, inv, sg.Ethereum, "5", "r", acquiring.DepositConfirmed)
		got := f.get(t, inv)
		if len(got.Payments) != 1 || !got.Payments[0].Late || got.Status != sg.InvoicePaidLate {
			t.Fatalf("%s with %+v; want the payment recorded late and the invoice paid_late (default policy accepts within the window)", got.Status, got.Payments)
		}
	})
}

func TestListFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	ten := tenant()
	var ids []string
	for i := range 5 {
		inv := f.create(t, ten, acquiring.CreateInvoice{Amount: "1", OrderID: fmt.Sprintf("o-%d", i%2)})
		ids = append(ids, inv.ID)
		f.clock.Add(time.Minute)
	}
	paid, _ := f.svc.Get(ctx, ten, ids[1])
	f.pay(t, paid, sg.Tron, "1", "r", acquiring.DepositConfirmed)
	f.create(t, tenant(), acquiring.CreateInvoice{Amount: "1", OrderID: "o-0"}) // another tenant's

	var got []string
	cursor := ""
	for {
		page, next, err := f.svc.List(ctx, ten, sg.InvoiceFilter{}, sg.Page{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range page {
			got = append(got, inv.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != 5 || got[0] != ids[4] || got[4] != ids[0] {
		t.Fatalf("paged %v; want the 5 newest first", got)
	}
	list := func(flt sg.InvoiceFilter) []string {
		t.Helper()
		page, _, err := f.svc.List(ctx, ten, flt, sg.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, inv := range page {
			out = append(out, inv.ID)
		}
		return out
	}
	if l := list(sg.InvoiceFilter{Status: sg.InvoicePaid}); len(l) != 1 || l[0] != ids[1] {
		t.Fatalf("status=paid: %v", l)
	}
	if l := list(sg.InvoiceFilter{OrderID: "o-0"}); len(l) != 3 {
		t.Fatalf("order_id=o-0: %v; want 3 of this tenant's", l)
	}
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if l := list(sg.InvoiceFilter{CreatedFrom: start.Add(time.Minute), CreatedTo: start.Add(3 * time.Minute)}); len(l) != 2 || l[0] != ids[2] || l[1] != ids[1] {
		t.Fatalf("created in [1m,3m): %v; want invoices 2 and 1", l)
	}
	_, _, err := f.svc.List(ctx, ten, sg.InvoiceFilter{Status: "unpaid"}, sg.Page{})
	wantErr(t, "status=unpaid", err, sg.ErrValidation)
	_, _, err = f.svc.List(ctx, ten, sg.InvoiceFilter{}, sg.Page{Cursor: "garbage"})
	wantErr(t, "bad cursor", err, sg.ErrInvalidCursor)
}

func TestReceiptHTMLEscapesUserText(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "9.20", OrderID: `<script>alert("o")</script>`,
		Description: `<img src=x onerror=alert(1)> & "quotes"`})
	f.pay(t, inv, sg.Ethereum, "10", "r", acquiring.DepositConfirmed)
	r, err := f.svc.Receipt(ctx, inv.TenantID, inv.ID)
	if err != nil || len(r.Lines) != 1 || r.Lines[0].TxHash != "0xr" || r.Lines[0].Network != "ERC20" || r.Lines[0].FiatAmount != "9.20 EUR" || len(r.Fees) != 0 {
		t.Fatalf("receipt %+v, %v", r, err)
	}
	page, err := f.svc.ReceiptHTML(ctx, inv.TenantID, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, bad := range []string{"<script>", "<img", "onerror=alert(1)>", "http://", "https://", "<link", "src=\""} {
		if strings.Contains(s, bad) {
			t.Fatalf("receipt HTML contains %q:\n%s", bad, s)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;", "0xr", "@media print"} {
		if !strings.Contains(s, want) {
			t.Fatalf("receipt HTML lacks %q:\n%s", want, s)
		}
	}
}

func TestCheckoutShowsThisInvoiceOnly(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "3", OrderID: "secret-order", Metadata: map[string]string{"email": "a@b.example"},
		Description: "Coffee", RedirectURL: "https://shop.example/ok", Chains: []sg.Chain{sg.Tron}})
	if !strings.HasPrefix(inv.CheckoutToken, "chk_") || len(inv.CheckoutToken) < 4+22 || !sg.ValidCheckoutToken(inv.CheckoutToken) {
		t.Fatalf("token %q is not a 128+ bit chk_ token", inv.CheckoutToken)
	}
	v, err := f.svc.Checkout(ctx, inv.CheckoutToken)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	for _, leak := range []string{inv.TenantID, inv.WalletID, "secret-order", "a@b.example", inv.CheckoutToken, "payer"} {
		if strings.Contains(string(b), leak) {
			t.Fatalf("checkout view leaks %q: %s", leak, b)
		}
	}
	if v.Invoice != inv.ID || len(v.Options) != 1 || v.Options[0].Chain != "tron" || v.Options[0].Amount != "3.000000" || v.RedirectURL != "https://shop.example/ok" {
		t.Fatalf("checkout view %s", b)
	}
	f.pay(t, inv, sg.Tron, "1", "tx9", acquiring.DepositSeen)
	v, _ = f.svc.Checkout(ctx, inv.CheckoutToken)
	b, _ = json.Marshal(v)
	if len(v.Payments) != 1 || v.Payments[0].TxHash != "0xtx9" || v.Payments[0].State != "pending" || v.Pending != "1.000000" || strings.Contains(string(b), "payer") {
		t.Fatalf("checkout view with a payment: %s", b)
	}
	ten, id, err := f.svc.CheckoutByToken(ctx, inv.CheckoutToken)
	if err != nil || ten != inv.TenantID || id != inv.ID {
		t.Fatalf("CheckoutByToken: %s %s %v", ten, id, err)
	}
	_, err = f.svc.Checkout(ctx, "chk_"+strings.Repeat("A", 32))
	wantErr(t, "unknown token", err, sg.ErrNotFound)
	_, err = f.svc.Checkout(ctx, "bad token!")
	wantErr(t, "malformed token", err, sg.ErrNotFound)
}

func TestEventsSurviveAPublisherOutage(t *testing.T) {
	f := newFixture(t)
	f.pub.fail = true
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "2"})
	f.pay(t, inv, sg.Ethereum, "2", "r", acquiring.DepositConfirmed)
	if f.pub.Count() != 0 {
		t.Fatal("published while down")
	}
	if got := f.get(t, inv); len(got.Outbox) != 3 {
		t.Fatalf("outbox %d; want created, detected, paid", len(got.Outbox))
	}
	f.pub.fail = false
	if err := f.svc.FlushOutbox(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.FlushOutbox(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != "invoice.created,invoice.payment_detected,invoice.paid" {
		t.Fatalf("events after the outage %v", evs)
	}
	if got := f.get(t, inv); len(got.Outbox) != 0 {
		t.Fatalf("outbox not cleared: %d", len(got.Outbox))
	}
	t.Run("a redelivered deposit flushes what a crash left", func(t *testing.T) {
		f := newFixture(t)
		inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "2"})
		f.pub.fail = true
		f.pay(t, inv, sg.Ethereum, "2", "r", acquiring.DepositConfirmed)
		f.pub.fail = false
		f.pay(t, inv, sg.Ethereum, "2", "r", acquiring.DepositConfirmed)
		if evs := f.pub.types(inv.ID); strings.Join(evs, ",") != "invoice.created,invoice.payment_detected,invoice.paid" {
			t.Fatalf("events %v", evs)
		}
	})
}

func TestExpireJob(t *testing.T) {
	f := newFixture(t)
	ten := tenant()
	short := f.create(t, ten, acquiring.CreateInvoice{Amount: "1", ExpiresIn: 10 * time.Minute})
	long := f.create(t, ten, acquiring.CreateInvoice{Amount: "1", ExpiresIn: 2 * time.Hour})
	paid := f.create(t, ten, acquiring.CreateInvoice{Amount: "1", ExpiresIn: 10 * time.Minute})
	f.pay(t, paid, sg.Ethereum, "1", "r", acquiring.DepositConfirmed)
	f.clock.Add(time.Hour)
	n, err := f.svc.Expire(ctx, f.clock.Now(), 100)
	if err != nil || n != 1 {
		t.Fatalf("Expire: %d, %v; want 1", n, err)
	}
	if f.get(t, short).Status != sg.InvoiceExpired || f.get(t, long).Status != sg.InvoiceOpen || f.get(t, paid).Status != sg.InvoicePaid {
		t.Fatal("Expire touched the wrong invoices")
	}
	if n, _ := f.svc.Expire(ctx, f.clock.Now(), 100); n != 0 {
		t.Fatalf("second Expire expired %d", n)
	}
	if v, _ := f.svc.Checkout(ctx, short.CheckoutToken); len(v.Options) != 0 || v.Status != "expired" {
		t.Fatalf("an expired checkout still offers %v", v.Options)
	}
}

func TestRacingDepositsAllLandOnce(t *testing.T) {
	f := newFixture(t)
	inv := f.create(t, tenant(), acquiring.CreateInvoice{Amount: "10"})
	addr, _ := inv.AddressOn(sg.Ethereum)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 10 {
		for range 2 { // each deposit delivered twice, concurrently
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := acquiring.InvoiceDeposit{Tenant: inv.TenantID, Wallet: inv.WalletID, Chain: sg.Ethereum, Address: addr.Address,
					Amount: 1_000_000, Ref: fmt.Sprintf("race-%d", i), State: acquiring.DepositConfirmed}
				var err error
				for range 100 { // the sink's redelivery
					if err = f.svc.OnDeposit(ctx, d); err == nil {
						return
					}
				}
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := f.get(t, inv)
	if got.Paid.String() != "10.000000" || len(got.Payments) != 10 || got.Status != sg.InvoicePaid {
		t.Fatalf("paid %s with %d payments, %s; want 10 from 10, paid", got.Paid, len(got.Payments), got.Status)
	}
	detected := 0
	for _, e := range f.pub.types(inv.ID) {
		if e == acquiring.EventPaymentDetected {
			detected++
		}
	}
	if detected != 10 {
		t.Fatalf("%d payment_detected events; want 10", detected)
	}
}

func TestPolicyDefaultsValidationAndSnapshot(t *testing.T) {
	f := newFixture(t)
	ten := tenant()
	p, err := f.svc.Policy(ctx, ten)
	if err != nil || p != sg.DefaultInvoicePolicy {
		t.Fatalf("policy of a tenant that set none: %+v, %v", p, err)
	}
	bad := []sg.InvoicePolicy{
		{Underpaid: "maybe", Overpaid: sg.OverpaidCredit, Late: sg.LateAccept},
		{Underpaid: sg.UnderpaidAskRest, Overpaid: "keep", Late: sg.LateAccept},
		{Underpaid: sg.UnderpaidAskRest, Overpaid: sg.OverpaidCredit, Late: "never"},
		{Underpaid: sg.UnderpaidAcceptTolerance, UnderpaidToleranceBPS: 10001, Overpaid: sg.OverpaidCredit, Late: sg.LateAccept},
		{Underpaid: sg.UnderpaidAcceptTolerance, UnderpaidTolerance: -1, Overpaid: sg.OverpaidCredit, Late: sg.LateAccept},
		{Underpaid: sg.UnderpaidAskRest, Overpaid: sg.OverpaidCredit, Late: sg.LateAccept, LateWindow: 31 * 24 * time.Hour},
	}
	writes := f.store.Writes()
	for _, b := range bad {
		wantErr(t, fmt.Sprintf("SetPolicy(%+v)", b), f.svc.SetPolicy(ctx, ten, b), sg.ErrValidation)
	}
	if f.store.Writes() != writes {
		t.Fatal("a refused policy was written")
	}
	inv := f.create(t, ten, acquiring.CreateInvoice{Amount: "100"})
	strict := sg.InvoicePolicy{Underpaid: sg.UnderpaidAskRest, Overpaid: sg.OverpaidRefund, Late: sg.LateRefund}
	if err := f.svc.SetPolicy(ctx, ten, strict); err != nil {
		t.Fatal(err)
	}
	f.pay(t, inv, sg.Ethereum, "120", "r", acquiring.DepositConfirmed)
	if got := f.get(t, inv); got.Policy != sg.DefaultInvoicePolicy || got.RefundDue != 0 || got.Status != sg.InvoiceOverpaid {
		t.Fatalf("the invoice follows the policy set after it: %+v, refund %s", got.Policy, got.RefundDue)
	}
}
