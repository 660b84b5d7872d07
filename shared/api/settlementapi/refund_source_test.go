package settlementapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlefix: where a refund's money is, and closed settlements ----

var bg = context.Background()

type okChain struct{}

func (okChain) Sign(_ context.Context, t sg.Transfer) (string, error) { return "0xtx-" + t.ID, nil }
func (okChain) Broadcast(context.Context, sg.Transfer) error          { return nil }
func (okChain) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Confirmed: true}, nil
}

// invoiceSet reads the tenant's invoices by id.
type invoiceSet map[string]sg.Invoice

func (s invoiceSet) Invoice(_ context.Context, tenant, id string) (sg.Invoice, error) {
	inv, ok := s[id]
	if !ok || inv.TenantID != tenant {
		return sg.Invoice{}, sg.ErrNotFound
	}
	return inv, nil
}

const (
	rigTenant = "acme"
	rigPayer  = "0x00000000000000000000000000000000000000a1"
	rigPayee  = "0x00000000000000000000000000000000000000e1"
	rigFee    = sg.Amount(500_000) // the pipeline's flat network fee on Ethereum
)

// refundRig is a tenant taking invoices on Ethereum into an invoice
// wallet, with an (at first empty) settlement wallet, the withdrawal
// pipeline and the refund and chargeback routes as invoices-refund serves
// them, all on the in-memory twins.
type refundRig struct {
	t        *testing.T
	now      time.Time
	led      *memstore.Store
	stls     *memstore.Settlements
	svc      *settlement.Service
	w        *ledger.Withdrawals
	invoices invoiceSet
	h        httpapi.Handler
	invW     string
	stlW     string
	seq      int
}

func newRefundRig(t *testing.T) *refundRig {
	t.Helper()
	r := &refundRig{t: t, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), led: memstore.New(), stls: memstore.NewSettlements(), invoices: invoiceSet{}}
	clock := func() time.Time { return r.now }
	r.led.Now = clock
	r.svc = &settlement.Service{Fees: &settlement.Fees{Schedules: r.stls, Now: clock}, Configs: r.stls, Store: r.stls,
		Ledger: r.led, Refunds: memstore.NewRefundCaps(), Committed: r.stls, Now: clock}
	lsvc := &ledger.Service{Store: r.led, Wallets: r.led, Now: clock}
	r.w = &ledger.Withdrawals{Service: lsvc, Mover: r.led, Queue: &memstore.Queue{}, Freezes: r.led, Quotes: r.led, Destinations: r.led, Waits: r.led,
		Fee:     func(sg.Chain) sg.Amount { return rigFee },
		Payouts: map[sg.Chain]ledger.Payout{sg.Ethereum: okChain{}, sg.Tron: okChain{}},
		Settler: settlement.PayoutSettler{Svc: r.svc, Refunds: RefundEnds{Invoices: r.invoices, Transfers: r.led, Svc: r.svc}}}
	for i, id := range []*string{&r.invW, &r.stlW} {
		*id = sg.NewID("wal", r.now.Add(time.Duration(i)*time.Second))
		w := sg.Wallet{ID: *id, TenantID: rigTenant, Index: uint32(i + 1), CreatedAt: r.now}
		if err := r.led.CreateWallet(bg, w, sg.Idempotency{TenantID: rigTenant, Operation: "wallets.create", Key: w.ID, CreatedAt: r.now}); err != nil {
			t.Fatal(err)
		}
	}
	r.h = httpapi.Wrap("invoices-refund-test", Serve(
		Refunds{Invoices: r.invoices, W: r.w, Svc: r.svc, Now: clock},
		Chargebacks{Invoices: r.invoices, Svc: r.svc, Idem: r.led, Now: clock}))
	return r
}

// configure puts the tenant's Ethereum settlement config: scheduled
// daily at midnight, into the settlement wallet, paid out on Ethereum.
func (r *refundRig) configure() {
	r.t.Helper()
	cfg := sg.SettlementConfig{TenantID: rigTenant, Chain: sg.Ethereum, Mode: sg.SettleScheduled, Schedule: sg.ScheduleDaily, WalletID: r.stlW,
		Destination: sg.SettlementDestination{Chain: sg.Ethereum, Address: rigPayee}}
	if _, err := r.stls.PutSettlementConfig(bg, cfg); err != nil {
		r.t.Fatal(err)
	}
}

// pay makes an invoice of amount paid in full on Ethereum from rigPayer:
// the deposit credits the invoice's wallet and the deposit hook hands the
// paid invoice to the settlement service (which collects it if, and only
// if, the chain is settled now).
func (r *refundRig) pay(amount sg.Amount) sg.Invoice {
	r.t.Helper()
	r.seq++
	r.now = r.now.Add(time.Minute)
	inv := sg.Invoice{ID: sg.NewID("inv", r.now), TenantID: rigTenant, WalletID: r.invW, Amount: amount, Paid: amount, Chains: []sg.Chain{sg.Ethereum},
		Status: sg.InvoicePaid, CreatedAt: r.now, ExpiresAt: r.now.Add(time.Hour), Policy: sg.DefaultInvoicePolicy,
		Payments: []sg.InvoicePayment{{Ref: fmt.Sprint("p", r.seq), Chain: sg.Ethereum, Amount: amount, From: rigPayer, State: sg.PaymentConfirmed, SeenAt: r.now}}}
	dep := sg.Transfer{ID: sg.NewID("txn", r.now), TenantID: rigTenant, Type: sg.TransferDeposit, State: sg.StatePosted, ToWallet: r.invW,
		Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, CreatedAt: r.now, UpdatedAt: r.now, Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -amount},
			{Account: sg.WalletAccount(rigTenant, r.invW, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: amount}}}}
	if err := r.led.ApplyTransfer(bg, dep); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.AddPaidInvoice(bg, rigTenant, inv); err != nil {
		r.t.Fatal(err)
	}
	r.invoices[inv.ID] = inv
	return inv
}

// call posts body to the invoice's refunds or chargebacks route.
func (r *refundRig) call(route, invoice, key, body string) (int, map[string]any) {
	r.t.Helper()
	r.now = r.now.Add(time.Second)
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json", "idempotency-key": key}, Body: body,
		PathParameters: map[string]string{"invoice_id": invoice},
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-" + key,
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: rigTenant, "sub": "ops"}, Scopes: []string{"invoices:write", ScopeChargebacks}}}}}
	req.RouteKey = "POST /v1/invoices/{invoice_id}/" + route
	resp, err := r.h(bg, req)
	if err != nil {
		r.t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &out)
	return resp.StatusCode, out
}

func errCode(out map[string]any) any {
	e, _ := out["error"].(map[string]any)
	return e["code"]
}

func (r *refundRig) available(wallet string) sg.Amount {
	r.t.Helper()
	b, err := r.led.AccountBalance(bg, sg.WalletAccount(rigTenant, wallet, sg.Ethereum, sg.USDT), 1)
	if err != nil {
		r.t.Fatal(err)
	}
	return b.Available
}

func (r *refundRig) refunded(inv sg.Invoice) sg.Amount {
	r.t.Helper()
	a, err := r.svc.Refunds.Refunded(bg, rigTenant, inv.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// An invoice paid before its chain had a settlement config kept its
// money in the invoice's wallet. After a config is put, a partial refund
// and a chargeback of it are paid from there (not from the new, empty
// settlement wallet), share the invoice's cap, replay as they were, and
// no settlement nets them (none ever counted the invoice). An invoice
// paid after the config is collected, and its refund comes from the
// settlement wallet and is netted by the open settlement as before. A
// freeze over the invoice's wallet refuses both on the new path.
func TestRefundOfInvoicePaidBeforeConfig(t *testing.T) {
	r := newRefundRig(t)
	early := r.pay(10_000_000)
	r.configure()
	if got := r.available(r.stlW); got != 0 {
		t.Fatalf("the settlement wallet holds %s before any invoice is collected", got)
	}

	status, rf := r.call("refunds", early.ID, "r1", `{"amount":"3.000000","reason":"one item returned"}`)
	if status != 201 || rf["from_wallet_id"] != r.invW || rf["amount"] != "3.000000" {
		t.Fatalf("refund of the early invoice: %d %v (invoice wallet %s, settlement wallet %s)", status, rf, r.invW, r.stlW)
	}
	if status, again := r.call("refunds", early.ID, "r1", `{"amount":"3.000000","reason":"one item returned"}`); status != 201 || again["id"] != rf["id"] {
		t.Fatalf("the refund's retry: %d %v; first %v", status, again, rf)
	}
	status, cb := r.call("chargebacks", early.ID, "c1", `{"amount":"2.000000","reason":"dispute lost"}`)
	if status != 201 || cb["wallet_id"] != r.invW || cb["settlement_id"] != nil {
		t.Fatalf("chargeback of the early invoice: %d %v", status, cb)
	}
	if status, again := r.call("chargebacks", early.ID, "c1", `{"amount":"2.000000","reason":"dispute lost"}`); status != 201 || again["id"] != cb["id"] {
		t.Fatalf("the chargeback's replay: %d %v; first %v", status, again, cb)
	}
	// 10 paid, 3 refunded, 2 charged back: 5 left under the shared cap.
	if status, out := r.call("refunds", early.ID, "r2", `{"amount":"5.000001"}`); status != 422 || errCode(out) != "refund_exceeds_paid" {
		t.Fatalf("a refund above what is left: %d %v", status, out)
	}
	if status, out := r.call("chargebacks", early.ID, "c2", `{"amount":"5.000001","reason":"x"}`); status != 422 || errCode(out) != "chargeback_exceeds_paid" {
		t.Fatalf("a chargeback above what is left: %d %v", status, out)
	}
	if got, want := r.refunded(early), sg.Amount(5_000_000); got != want {
		t.Fatalf("refunded %s, want %s", got, want)
	}
	// The refund's hold (amount and network fee) and the chargeback left
	// the invoice's wallet; the settlement wallet and settlements are untouched.
	if got, want := r.available(r.invW), sg.Amount(10_000_000-3_000_000-int64(rigFee)-2_000_000); got != want {
		t.Fatalf("the invoice wallet holds %s, want %s", got, want)
	}
	if got := r.available(r.stlW); got != 0 {
		t.Fatalf("the settlement wallet holds %s after reversals of an invoice it never collected", got)
	}
	if _, err := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("a settlement was opened for reversals of an uncollected invoice: %v", err)
	}
	// Paid after the config: collected, so refunded from the settlement wallet and netted.
	late := r.pay(20_000_000)
	open, err := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
	if err != nil {
		t.Fatal(err)
	}
	net := open.Totals.Net
	if got := r.available(r.stlW); got != net || net <= 4_000_000 {
		t.Fatalf("the settlement wallet holds %s, the open settlement nets %s", got, net)
	}
	status, rf2 := r.call("refunds", late.ID, "r3", `{"amount":"4.000000"}`)
	if status != 201 || rf2["from_wallet_id"] != r.stlW {
		t.Fatalf("refund of the late invoice: %d %v", status, rf2)
	}
	after, err := r.stls.Settlement(bg, rigTenant, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := -(4_000_000 + rigFee); after.Totals.Refunds != want || after.Totals.Net != net+want {
		t.Fatalf("the open settlement after the refund: %+v; want refunds %s", after.Totals, want)
	}
	if got := r.available(r.stlW); got != net-4_000_000-rigFee {
		t.Fatalf("the settlement wallet holds %s after the refund", got)
	}

	// A freeze over the invoice's wallet holds on this path too: both are
	// refused and nothing is reserved or moved.
	f := sg.Freeze{ID: sg.NewID("frz", r.now), Scope: sg.FreezeWallet, TenantID: rigTenant, WalletID: r.invW, Reason: "test", By: "ops", At: r.now, Required: 1}
	if err := r.led.PutFreeze(bg, f, rigTenant, sg.JournalEntry{At: r.now, Actor: "ops", Action: "freeze", Subject: r.invW}); err != nil {
		t.Fatal(err)
	}
	held := r.available(r.invW)
	if status, out := r.call("refunds", early.ID, "r4", `{"amount":"1.000000"}`); status != 422 || errCode(out) != "frozen" {
		t.Fatalf("a refund from a frozen invoice wallet: %d %v", status, out)
	}
	if status, out := r.call("chargebacks", early.ID, "c4", `{"amount":"1.000000","reason":"x"}`); status != 422 || errCode(out) != "wallet_frozen" {
		t.Fatalf("a chargeback from a frozen invoice wallet: %d %v", status, out)
	}
	if got := r.available(r.invW); got != held || r.refunded(early) != 5_000_000 {
		t.Fatalf("refusals under a freeze moved %s or reserved: refunded %s", held-got, r.refunded(early))
	}
}

// A refund or chargeback while an older settlement of the merchant is
// closed but not yet paid never takes the settlement wallet below what
// that settlement is owed (its payout amount was fixed at close): such a
// reversal is refused (settlement_funds_committed) and changes nothing;
// one the open settlement covers is netted there, never in the closed
// one; and the closed settlement's payout then holds its full net.
func TestReversalsNeverShortAClosedSettlement(t *testing.T) {
	r := newRefundRig(t)
	r.configure()
	first := r.pay(10_000_000)
	// Past the daily cut-off the job closes it; with no payer wired it
	// stays closed, its payout not yet requested.
	r.now = r.now.Add(24 * time.Hour)
	if _, err := r.svc.CloseDue(bg, r.now); err != nil {
		t.Fatal(err)
	}
	stls, _, err := r.svc.List(bg, rigTenant, sg.Page{Limit: 10})
	if err != nil || len(stls) != 1 || stls[0].Status != sg.SettlementClosed {
		t.Fatalf("settlements %+v, %v; want one closed", stls, err)
	}
	closed := stls[0]
	if c, _ := r.stls.SettlementCommitted(bg, rigTenant, sg.Ethereum); c.Net != closed.Totals.Net || c.Count != 1 {
		t.Fatalf("committed %+v, want the closed settlement's net %s", c, closed.Totals.Net)
	}
	second := r.pay(3_000_000)
	open, err := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.available(r.stlW); got != closed.Totals.Net+open.Totals.Net {
		t.Fatalf("the settlement wallet holds %s, want closed %s + open %s", got, closed.Totals.Net, open.Totals.Net)
	}
	before := r.available(r.stlW)

	// Refunding 5 of the first invoice (plus the network fee) would take
	// the wallet below the closed settlement's net: refused, nothing moves.
	if status, out := r.call("refunds", first.ID, "r1", `{"amount":"5.000000"}`); status != 422 || errCode(out) != "settlement_funds_committed" {
		t.Fatalf("a refund the open settlement cannot cover: %d %v", status, out)
	}
	if status, out := r.call("chargebacks", first.ID, "c1", `{"amount":"5.000000","reason":"dispute lost"}`); status != 422 ||
		errCode(out) != "settlement_funds_committed" {
		t.Fatalf("a chargeback the open settlement cannot cover: %d %v", status, out)
	}
	if got := r.available(r.stlW); got != before || r.refunded(first) != 0 {
		t.Fatalf("the refusals moved money or kept a reservation: wallet %s (was %s), refunded %s", got, before, r.refunded(first))
	}
	// 1 refunded and 1 charged back: the open settlement covers them and nets them.
	if status, out := r.call("refunds", first.ID, "r2", `{"amount":"1.000000"}`); status != 201 || out["from_wallet_id"] != r.stlW {
		t.Fatalf("a covered refund: %d %v", status, out)
	}
	if status, out := r.call("chargebacks", first.ID, "c2", `{"amount":"1.000000","reason":"dispute lost"}`); status != 201 || out["settlement_id"] != open.ID {
		t.Fatalf("a covered chargeback: %d %v (open settlement %s)", status, out, open.ID)
	}
	// A retry of the refund is answered as it was, though the wallet now
	// holds less.
	if status, out := r.call("refunds", first.ID, "r2", `{"amount":"1.000000"}`); status != 201 {
		t.Fatalf("the covered refund's retry: %d %v", status, out)
	}
	still, err := r.stls.Settlement(bg, rigTenant, closed.ID)
	if err != nil || still.Totals != closed.Totals || still.LineCount != closed.LineCount {
		t.Fatalf("the closed settlement changed: %+v, %v; was %+v", still, err, closed)
	}
	nowOpen, err := r.stls.Settlement(bg, rigTenant, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := -(1_000_000 + rigFee + 1_000_000); nowOpen.Totals.Refunds != want {
		t.Fatalf("the open settlement nets refunds %s, want %s", nowOpen.Totals.Refunds, want)
	}
	if got := r.available(r.stlW); got < closed.Totals.Net {
		t.Fatalf("the settlement wallet holds %s, below the closed settlement's %s", got, closed.Totals.Net)
	}
	_ = second

	// The job, now with the payer, requests the closed settlement's
	// payout: its hold takes the full net, and nothing is committed after.
	r.svc.Payer = Payer{W: r.w, Svc: r.svc}
	if _, err := r.svc.CloseDue(bg, r.now); err != nil {
		t.Fatal(err)
	}
	paid, err := r.stls.Settlement(bg, rigTenant, closed.ID)
	if err != nil || paid.Status != sg.SettlementPaying || paid.PayoutTransferID == "" {
		t.Fatalf("the closed settlement after the job: %+v, %v", paid, err)
	}
	tr, err := r.led.Transfer(bg, rigTenant, paid.PayoutTransferID)
	if err != nil || tr.Amount != closed.Totals.Net || tr.FromWallet != r.stlW {
		t.Fatalf("its payout %+v, %v; want %s from the settlement wallet", tr, err, closed.Totals.Net)
	}
	if c, _ := r.stls.SettlementCommitted(bg, rigTenant, sg.Ethereum); c.Count != 0 || c.Net != 0 {
		t.Fatalf("committed after the payout was requested: %+v", c)
	}
}
