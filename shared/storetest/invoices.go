package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// InvoiceStore is every port of the acquiring service's stores: invoices
// with their payments and outboxes, tenants' invoice policies, fx quotes.
type InvoiceStore interface {
	sg.InvoiceStore
	sg.InvoicePolicies
	sg.FxQuotes
}

// Invoices runs the acquiring stores' contract: each case opens a store of
// its own. The same names pass on the twin (shared/memstore) and on the
// DynamoDB adapter.
func Invoices(t *testing.T, open func(t *testing.T) InvoiceStore) {
	for _, c := range invoiceCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

type invoiceCase struct {
	name string
	run  func(t *testing.T, st InvoiceStore)
}

var ictx = context.Background()

// invAt makes an invoice of tenant created at at (ids sort by it).
func invAt(tenant string, at time.Time, expires time.Duration) sg.Invoice {
	at = at.UTC().Truncate(time.Millisecond)
	id := sg.NewID("inv", at)
	return sg.Invoice{ID: id, TenantID: tenant, Status: sg.InvoiceOpen, Amount: 10_000_000,
		Fiat:   &sg.FiatPrice{Currency: "EUR", Amount: "9.20", Rate: "0.92", Source: "static", RateExpiresAt: at.Add(15 * time.Minute)},
		Chains: []sg.Chain{sg.Ethereum, sg.Tron},
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress(), Scheme: sg.SchemeForwarder, Path: "create2(0xf,1)"},
			{Chain: sg.Tron, Asset: sg.USDT, Address: "T" + randHex(16), Scheme: sg.SchemeBIP32, Path: "m/44'/195'/0'/0/1"}},
		WalletID: sg.NewID("wal", at), OrderID: "order-1", Description: "two coffees", Metadata: map[string]string{"k": "v"},
		RedirectURL: "https://shop.example/ok", ExpiresAt: at.Add(expires), CreatedAt: at, UpdatedAt: at,
		CheckoutToken: "chk_" + randHex(24), Policy: sg.DefaultInvoicePolicy, Version: 1}
}

func invIdem(inv sg.Invoice, key string) sg.Idempotency {
	return sg.Idempotency{TenantID: inv.TenantID, Operation: "invoices.create", Key: key, RequestHash: "h-" + key, Status: 201, Response: []byte(`{"id":"` + inv.ID + `"}`)}
}

func createInv(t *testing.T, st InvoiceStore, inv sg.Invoice) sg.Invoice {
	t.Helper()
	if err := st.CreateInvoice(ictx, inv, invIdem(inv, randHex(8))); err != nil {
		t.Fatalf("CreateInvoice: %v", err)
	}
	return inv
}

func readInv(t *testing.T, st InvoiceStore, inv sg.Invoice) sg.Invoice {
	t.Helper()
	got, err := st.Invoice(ictx, inv.TenantID, inv.ID)
	if err != nil {
		t.Fatalf("Invoice: %v", err)
	}
	return got
}

func sameInvoice(t *testing.T, what string, got, want sg.Invoice) {
	t.Helper()
	ok := got.ID == want.ID && got.TenantID == want.TenantID && got.Status == want.Status && got.Amount == want.Amount &&
		got.Fiat != nil && want.Fiat != nil && *got.Fiat == *want.Fiat && fmt.Sprint(got.Chains) == fmt.Sprint(want.Chains) &&
		fmt.Sprint(got.Addresses) == fmt.Sprint(want.Addresses) && got.WalletID == want.WalletID && got.OrderID == want.OrderID &&
		got.Description == want.Description && fmt.Sprint(got.Metadata) == fmt.Sprint(want.Metadata) && got.RedirectURL == want.RedirectURL &&
		got.ExpiresAt.Equal(want.ExpiresAt) && got.CreatedAt.Equal(want.CreatedAt) && got.CheckoutToken == want.CheckoutToken &&
		got.Policy == want.Policy && got.Paid == want.Paid && got.Pending == want.Pending && got.RefundDue == want.RefundDue
	if !ok {
		t.Fatalf("%s: read back\n%+v\nwrote\n%+v", what, got, want)
	}
}

func invIDs(invs []sg.Invoice) []string {
	var out []string
	for _, i := range invs {
		out = append(out, i.ID)
	}
	return out
}

var invoiceCases = []invoiceCase{
	{"Invoices/created all or nothing with its idempotency record, read by its tenant, token and wallet only", func(t *testing.T, st InvoiceStore) {
		ten := tenant()
		inv := invAt(ten, time.Now(), time.Hour)
		inv.Outbox = []sg.InvoiceEvent{{ID: "evt_" + randHex(8), Type: "invoice.created", Seq: 16, Created: inv.CreatedAt, Data: []byte(`{"id":"x"}`)}}
		idem := invIdem(inv, "k1")
		must(t, "CreateInvoice", st.CreateInvoice(ictx, inv, idem))
		got := readInv(t, st, inv)
		sameInvoice(t, "Invoice", got, inv)
		if got.Version != 1 || len(got.Payments) != 0 || len(got.Outbox) != 1 || got.Outbox[0].ID != inv.Outbox[0].ID || string(got.Outbox[0].Data) != `{"id":"x"}` {
			t.Fatalf("version %d, payments %v, outbox %+v", got.Version, got.Payments, got.Outbox)
		}
		byTok, err := st.InvoiceByToken(ictx, inv.CheckoutToken)
		must(t, "InvoiceByToken", err)
		sameInvoice(t, "InvoiceByToken", byTok, inv)
		byWal, err := st.InvoiceByWallet(ictx, ten, inv.WalletID)
		must(t, "InvoiceByWallet", err)
		sameInvoice(t, "InvoiceByWallet", byWal, inv)

		other := tenant()
		_, err = st.Invoice(ictx, other, inv.ID)
		wantErr(t, "Invoice(another tenant)", err, sg.ErrNotFound)
		_, err = st.InvoiceByWallet(ictx, other, inv.WalletID)
		wantErr(t, "InvoiceByWallet(another tenant)", err, sg.ErrNotFound)
		_, err = st.InvoiceByToken(ictx, "chk_"+randHex(24))
		wantErr(t, "InvoiceByToken(unknown)", err, sg.ErrNotFound)

		rec, err := st.Idempotency(ictx, ten, "invoices.create", "k1")
		must(t, "Idempotency", err)
		if rec.RequestHash != idem.RequestHash || rec.Status != 201 || string(rec.Response) != string(idem.Response) {
			t.Fatalf("idempotency record %+v", rec)
		}
		// The key again: nothing of the second invoice is written.
		second := invAt(ten, time.Now().Add(time.Millisecond), time.Hour)
		wantErr(t, "CreateInvoice(the key again)", st.CreateInvoice(ictx, second, idem), sg.ErrIdempotencyInProgress)
		_, err = st.Invoice(ictx, ten, second.ID)
		wantErr(t, "Invoice(refused)", err, sg.ErrNotFound)
		_, err = st.InvoiceByToken(ictx, second.CheckoutToken)
		wantErr(t, "InvoiceByToken(refused)", err, sg.ErrNotFound)
		_, err = st.InvoiceByWallet(ictx, ten, second.WalletID)
		wantErr(t, "InvoiceByWallet(refused)", err, sg.ErrNotFound)
		// A token or wallet taken is refused, and writes nothing.
		third := invAt(ten, time.Now().Add(2*time.Millisecond), time.Hour)
		third.CheckoutToken = inv.CheckoutToken
		if err := st.CreateInvoice(ictx, third, invIdem(third, "k3")); err == nil {
			t.Fatal("a second invoice took a checkout token")
		}
		_, err = st.Idempotency(ictx, ten, "invoices.create", "k3")
		wantErr(t, "Idempotency(refused)", err, sg.ErrNotFound)
		fourth := invAt(ten, time.Now().Add(3*time.Millisecond), time.Hour)
		fourth.WalletID = inv.WalletID
		if err := st.CreateInvoice(ictx, fourth, invIdem(fourth, "k4")); err == nil {
			t.Fatal("a second invoice took a wallet")
		}
		_, err = st.Invoice(ictx, ten, fourth.ID)
		wantErr(t, "Invoice(wallet taken)", err, sg.ErrNotFound)
	}},
	{"Invoices/listed newest first by a tenant, with status, order and time filters and a cursor", func(t *testing.T, st InvoiceStore) {
		ten := tenant()
		base := time.Now().UTC().Truncate(time.Second)
		var made []sg.Invoice
		for i := range 5 {
			inv := invAt(ten, base.Add(time.Duration(i)*time.Second), time.Hour)
			inv.OrderID = fmt.Sprintf("o-%d", i%2)
			made = append(made, createInv(t, st, inv))
		}
		createInv(t, st, invAt(tenant(), base, time.Hour)) // another tenant's
		paid := made[1]
		paid.Status, paid.Paid = sg.InvoicePaid, paid.Amount
		must(t, "UpdateInvoice", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: paid}))

		var got []string
		cursor := ""
		for range 10 {
			page, next, err := st.Invoices(ictx, ten, sg.InvoiceFilter{}, sg.Page{Limit: 2, Cursor: cursor})
			must(t, "Invoices", err)
			if len(page) > 2 {
				t.Fatalf("page of %d; limit 2", len(page))
			}
			got = append(got, invIDs(page)...)
			if next == "" {
				break
			}
			cursor = next
		}
		want := []string{made[4].ID, made[3].ID, made[2].ID, made[1].ID, made[0].ID}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("listed %v; want %v", got, want)
		}
		list := func(f sg.InvoiceFilter) []string {
			t.Helper()
			page, next, err := st.Invoices(ictx, ten, f, sg.Page{Limit: 100})
			must(t, "Invoices", err)
			if next != "" {
				t.Fatalf("a cursor after the last page: %q", next)
			}
			return invIDs(page)
		}
		if l := list(sg.InvoiceFilter{Status: sg.InvoicePaid}); fmt.Sprint(l) != fmt.Sprint([]string{made[1].ID}) {
			t.Fatalf("status=paid: %v", l)
		}
		if l := list(sg.InvoiceFilter{Status: sg.InvoiceOpen, OrderID: "o-0"}); fmt.Sprint(l) != fmt.Sprint([]string{made[4].ID, made[2].ID, made[0].ID}) {
			t.Fatalf("open, order o-0: %v", l)
		}
		if l := list(sg.InvoiceFilter{CreatedFrom: base.Add(time.Second), CreatedTo: base.Add(3 * time.Second)}); fmt.Sprint(l) != fmt.Sprint([]string{made[2].ID, made[1].ID}) {
			t.Fatalf("created in [1s,3s): %v", l)
		}
		if page, _, _ := st.Invoices(ictx, tenant(), sg.InvoiceFilter{}, sg.Page{}); len(page) != 0 {
			t.Fatalf("a tenant with no invoices lists %v", invIDs(page))
		}
		_, _, err := st.Invoices(ictx, ten, sg.InvoiceFilter{}, sg.Page{Cursor: "not-a-cursor"})
		wantErr(t, "Invoices(foreign cursor)", err, sg.ErrInvalidCursor)
	}},
	{"Invoices/an update applies over the version read only, all or nothing", func(t *testing.T, st InvoiceStore) {
		inv := createInv(t, st, invAt(tenant(), time.Now(), time.Hour))
		up := inv
		up.Status, up.Paid, up.Pending, up.RefundDue, up.UpdatedAt = sg.InvoicePartiallyPaid, 4_000_000, 1_000_000, 0, time.Now().UTC()
		p := sg.InvoicePayment{Ref: "r1", Chain: sg.Ethereum, TxHash: "0xabc", Address: inv.Addresses[0].Address, From: "0xfrom", Amount: 4_000_000,
			Block: 7, Confirmations: 3, State: sg.PaymentConfirmed, SeenAt: time.Now().UTC(), ConfirmedAt: time.Now().UTC()}
		ev := sg.InvoiceEvent{ID: "evt_" + randHex(8), Type: "invoice.partially_paid", Seq: 32, Created: up.UpdatedAt, Data: []byte(`{}`)}
		must(t, "UpdateInvoice", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: up, Payment: &p, Events: []sg.InvoiceEvent{ev}}))
		got := readInv(t, st, inv)
		if got.Version != 2 || got.Status != sg.InvoicePartiallyPaid || got.Paid != 4_000_000 || got.Pending != 1_000_000 || len(got.Payments) != 1 || len(got.Outbox) != 1 {
			t.Fatalf("after the update: %+v", got)
		}
		gp := got.Payments[0]
		if gp.Ref != p.Ref || gp.TxHash != p.TxHash || gp.Amount != p.Amount || gp.State != p.State || gp.Block != 7 || gp.Confirmations != 3 ||
			gp.From != p.From || gp.Address != p.Address || !gp.SeenAt.Equal(p.SeenAt) || !gp.ConfirmedAt.Equal(p.ConfirmedAt) || gp.Chain != sg.Ethereum {
			t.Fatalf("payment read back %+v; wrote %+v", gp, p)
		}
		// The same version again: refused, and nothing of it written.
		stale := up
		stale.Status, stale.Paid = sg.InvoicePaid, 10_000_000
		p2 := p
		p2.Ref = "r2"
		ev2 := ev
		ev2.ID = "evt_" + randHex(8)
		wantErr(t, "UpdateInvoice(stale version)", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: stale, Payment: &p2, Events: []sg.InvoiceEvent{ev2}}), sg.ErrInvoiceChanged)
		got = readInv(t, st, inv)
		if got.Version != 2 || got.Status != sg.InvoicePartiallyPaid || len(got.Payments) != 1 || len(got.Outbox) != 1 {
			t.Fatalf("a refused update wrote: %+v", got)
		}
		_, err := st.Invoice(ictx, inv.TenantID, inv.ID)
		must(t, "Invoice", err)
		other := up
		other.TenantID = tenant()
		other.Version = 2
		if err := st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: other}); err == nil {
			t.Fatal("an update under another tenant applied")
		}
	}},
	{"Invoices/a payment is written once per ref and moves only forward from the state named", func(t *testing.T, st InvoiceStore) {
		inv := createInv(t, st, invAt(tenant(), time.Now(), time.Hour))
		p := sg.InvoicePayment{Ref: "ref-1", Chain: sg.Tron, TxHash: "tx", Address: inv.Addresses[1].Address, Amount: 1, State: sg.PaymentPending, SeenAt: time.Now().UTC()}
		at := func(v int64) sg.Invoice { i := inv; i.Version = v; return i }
		must(t, "pending", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(1), Payment: &p}))
		wantErr(t, "the same ref again", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(2), Payment: &p}), sg.ErrInvoiceChanged)
		c := p
		c.State, c.ConfirmedAt = sg.PaymentConfirmed, time.Now().UTC()
		early := p
		early.State = sg.PaymentReversed
		wantErr(t, "moved from a state it is not in", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(2), Payment: &early, PrevState: sg.PaymentConfirmed}), sg.ErrInvoiceChanged)
		if got := readInv(t, st, inv); got.Version != 2 || got.Payments[0].State != sg.PaymentPending {
			t.Fatalf("a refused move wrote: version %d, %+v", got.Version, got.Payments)
		}
		must(t, "confirmed", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(2), Payment: &c, PrevState: sg.PaymentPending}))
		wantErr(t, "confirmed again from pending", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(3), Payment: &c, PrevState: sg.PaymentPending}), sg.ErrInvoiceChanged)
		r := c
		r.State = sg.PaymentReversed
		must(t, "reversed", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(3), Payment: &r, PrevState: sg.PaymentConfirmed}))
		got := readInv(t, st, inv)
		if len(got.Payments) != 1 || got.Payments[0].State != sg.PaymentReversed || got.Version != 4 {
			t.Fatalf("payments %+v, version %d; want one reversed, version 4", got.Payments, got.Version)
		}
		q := sg.InvoicePayment{Ref: "ref-never-seen", Chain: sg.Tron, Amount: 1, State: sg.PaymentConfirmed, SeenAt: time.Now().UTC()}
		wantErr(t, "a move of a payment never written", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: at(4), Payment: &q, PrevState: sg.PaymentPending}), sg.ErrInvoiceChanged)
	}},
	{"Invoices/the expiry index holds invoices awaiting payment only, soonest first", func(t *testing.T, st InvoiceStore) {
		now := time.Now().UTC()
		ten := tenant()
		soon := createInv(t, st, invAt(ten, now, time.Minute))
		sooner := createInv(t, st, invAt(tenant(), now.Add(time.Millisecond), 30*time.Second))
		later := createInv(t, st, invAt(ten, now.Add(2*time.Millisecond), time.Hour))
		paid := createInv(t, st, invAt(ten, now.Add(3*time.Millisecond), time.Second))
		part := createInv(t, st, invAt(ten, now.Add(4*time.Millisecond), 2*time.Second))
		p := paid
		p.Status = sg.InvoicePaid
		must(t, "UpdateInvoice(paid)", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: p}))
		pp := part
		pp.Status = sg.InvoicePartiallyPaid
		must(t, "UpdateInvoice(partially paid)", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: pp}))
		due, err := st.DueInvoices(ictx, now.Add(2*time.Minute), 10)
		must(t, "DueInvoices", err)
		want := []sg.InvoiceRef{{TenantID: part.TenantID, ID: part.ID}, {TenantID: sooner.TenantID, ID: sooner.ID}, {TenantID: soon.TenantID, ID: soon.ID}}
		if fmt.Sprint(due) != fmt.Sprint(want) {
			t.Fatalf("due %v; want %v (not %s, not %s)", due, want, later.ID, paid.ID)
		}
		if due, _ := st.DueInvoices(ictx, now.Add(2*time.Minute), 1); len(due) != 1 || due[0].ID != part.ID {
			t.Fatalf("limit 1: %v", due)
		}
		e := soon
		e.Status = sg.InvoiceExpired
		must(t, "UpdateInvoice(expired)", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: e}))
		if due, _ := st.DueInvoices(ictx, now.Add(2*time.Minute), 10); len(due) != 2 {
			t.Fatalf("an expired invoice stays due: %v", due)
		}
		if due, _ := st.DueInvoices(ictx, now.Add(-time.Hour), 10); len(due) != 0 {
			t.Fatalf("due before anything expires: %v", due)
		}
	}},
	{"Invoices/outbox events are kept in order until cleared", func(t *testing.T, st InvoiceStore) {
		inv := invAt(tenant(), time.Now(), time.Hour)
		e1 := sg.InvoiceEvent{ID: "evt_" + randHex(8), Type: "invoice.created", Seq: 16, Created: inv.CreatedAt, Data: []byte(`{"n":1}`)}
		inv.Outbox = []sg.InvoiceEvent{e1}
		createInv(t, st, inv)
		quiet := createInv(t, st, invAt(tenant(), time.Now(), time.Hour))
		e2 := sg.InvoiceEvent{ID: "evt_" + randHex(8), Type: "invoice.payment_detected", Seq: 32, Created: inv.CreatedAt, Data: []byte(`{"n":2}`)}
		e3 := sg.InvoiceEvent{ID: "evt_" + randHex(8), Type: "invoice.paid", Seq: 33, Created: inv.CreatedAt, Data: []byte(`{"n":3}`)}
		must(t, "UpdateInvoice", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: inv, Events: []sg.InvoiceEvent{e3, e2}}))
		got := readInv(t, st, inv)
		if len(got.Outbox) != 3 || got.Outbox[0].ID != e1.ID || got.Outbox[1].ID != e2.ID || got.Outbox[2].ID != e3.ID || string(got.Outbox[2].Data) != `{"n":3}` {
			t.Fatalf("outbox %+v; want e1, e2, e3 by seq", got.Outbox)
		}
		refs, err := st.OutboxInvoices(ictx, 10)
		must(t, "OutboxInvoices", err)
		if len(refs) != 1 || refs[0].ID != inv.ID || refs[0].TenantID != inv.TenantID {
			t.Fatalf("outbox invoices %v; want only %s (not %s)", refs, inv.ID, quiet.ID)
		}
		must(t, "ClearOutbox", st.ClearOutbox(ictx, inv.TenantID, inv.ID, []string{e1.ID, e2.ID, "evt_gone"}))
		got = readInv(t, st, inv)
		if len(got.Outbox) != 1 || got.Outbox[0].ID != e3.ID || got.Version != 2 {
			t.Fatalf("after clearing two: %+v (version %d)", got.Outbox, got.Version)
		}
		must(t, "ClearOutbox(again)", st.ClearOutbox(ictx, inv.TenantID, inv.ID, []string{e1.ID, e3.ID}))
		if refs, _ := st.OutboxInvoices(ictx, 10); len(refs) != 0 {
			t.Fatalf("an empty outbox is still listed: %v", refs)
		}
		// An update over the version read after a clear keeps working.
		must(t, "UpdateInvoice(after clear)", st.UpdateInvoice(ictx, sg.InvoiceUpdate{Invoice: got}))
	}},
	{"Invoices/policies and fx quotes belong to their tenant", func(t *testing.T, st InvoiceStore) {
		ten := tenant()
		_, err := st.InvoicePolicy(ictx, ten)
		wantErr(t, "InvoicePolicy(none set)", err, sg.ErrNotFound)
		p := sg.InvoicePolicy{UnderpaidTolerance: 500_000, UnderpaidToleranceBPS: 50, Underpaid: sg.UnderpaidAcceptTolerance, Overpaid: sg.OverpaidRefund, LateWindow: 90 * time.Minute, Late: sg.LateRefund}
		must(t, "PutInvoicePolicy", st.PutInvoicePolicy(ictx, ten, p))
		got, err := st.InvoicePolicy(ictx, ten)
		must(t, "InvoicePolicy", err)
		if got != p {
			t.Fatalf("policy %+v; wrote %+v", got, p)
		}
		p.Late = sg.LateAccept
		must(t, "PutInvoicePolicy(again)", st.PutInvoicePolicy(ictx, ten, p))
		if got, _ := st.InvoicePolicy(ictx, ten); got != p {
			t.Fatalf("policy not replaced: %+v", got)
		}
		_, err = st.InvoicePolicy(ictx, tenant())
		wantErr(t, "InvoicePolicy(another tenant)", err, sg.ErrNotFound)

		now := time.Now().UTC()
		q := sg.FxQuote{ID: sg.NewID("fxq", now), TenantID: ten, Currency: "EUR", Rate: "0.92", Source: "static", CreatedAt: now, ExpiresAt: now.Add(15 * time.Minute)}
		must(t, "PutFxQuote", st.PutFxQuote(ictx, q))
		gq, err := st.FxQuote(ictx, ten, q.ID)
		must(t, "FxQuote", err)
		if gq.ID != q.ID || gq.Rate != q.Rate || gq.Currency != q.Currency || gq.Source != q.Source || !gq.CreatedAt.Equal(q.CreatedAt) || !gq.ExpiresAt.Equal(q.ExpiresAt) || gq.TenantID != ten {
			t.Fatalf("quote %+v; wrote %+v", gq, q)
		}
		_, err = st.FxQuote(ictx, tenant(), q.ID)
		wantErr(t, "FxQuote(another tenant)", err, sg.ErrNotFound)
		if err := st.PutFxQuote(ictx, q); err == nil {
			t.Fatal("a quote id was written twice")
		}
	}},
}
