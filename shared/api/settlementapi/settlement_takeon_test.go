package settlementapi_test

import (
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A job run that requested a settlement's payout and stopped before
// recording it, the payout posting before the next run: the payout's end
// takes it on (it is the settlement's attempt, its net from the settlement
// wallet to the destination), so the settlement is paid, and the next runs
// neither leave it paying nor pay it again. The end heard again changes
// nothing. (Before: the next run recorded the posted payout as paying and
// nothing ever marked the settlement paid.)
func TestSettlementPayoutPostedBeforeTheRetryIsTakenOn(t *testing.T) {
	r := newTierRig(t, sg.KYCVerified)
	var first string
	r.svc.Payer = stopAfterPay{Payer: r.svc.Payer.(settlementapi.Payer), stopped: &first}
	now := r.clock.now
	s, err := r.stls.CreateSettlement(bg, sg.Settlement{ID: sg.NewID("stl", now), TenantID: r.tenant, Chain: sg.Tron, Currency: sg.USDT,
		Status: sg.SettlementOpen, Period: sg.SettlementPeriod{From: now}, CreatedAt: now, DueAt: now},
		[]sg.SettlementLine{{Kind: sg.LineInvoice, Ref: sg.NewID("inv", now), Chain: sg.Tron, Gross: usdt(6), Net: usdt(6), At: now}})
	if err != nil {
		t.Fatal(err)
	}
	before := r.balance(sg.Tron)
	r.clock.now = now.Add(time.Second)
	if _, err := r.svc.CloseDue(bg, r.clock.now); sg.KindOf(err) != sg.KindUnavailable || first == "" {
		t.Fatalf("the first run: %v, payout %q; want the injected stop after the payout", err, first)
	}
	p, _, err := r.w.Advance(bg, r.tenant, first)
	if err != nil || p.State != sg.StatePosted {
		t.Fatalf("payout %s %v", p.State, err)
	}
	for i := range 3 {
		r.clock.now = r.clock.now.Add(time.Hour)
		if _, err := r.svc.CloseDue(bg, r.clock.now); err != nil {
			t.Fatalf("run %d: %v", i+2, err)
		}
	}
	got, _ := r.stls.Settlement(bg, r.tenant, s.ID)
	if got.Status != sg.SettlementPaid || got.PayoutTransferID != first || !got.DueAt.IsZero() {
		t.Fatalf("settlement %s by %q, due %s (payout %s posted); want paid by it, out of the due index", got.Status, got.PayoutTransferID, got.DueAt, first)
	}
	if err := r.w.Settler.Settle(bg, p); err != nil {
		t.Fatalf("the payout's end heard again: %v", err)
	}
	if again, _ := r.stls.Settlement(bg, r.tenant, s.ID); again.Status != sg.SettlementPaid || again.Version != got.Version {
		t.Fatalf("the end heard again: settlement %s, version %d (was %d)", again.Status, again.Version, got.Version)
	}
	if spent := before.Available - r.balance(sg.Tron).Available; spent != usdt(6) {
		t.Fatalf("the settlement wallet paid %s; want 6 (one payout)", spent)
	}
}

// A payout that names the settlement but is not its attempt's (another
// amount, as an API withdrawal may claim any metadata) is not taken on:
// the settlement stays closed and the job pays it itself.
func TestAPayoutNamingASettlementIsNotTakenOnUnlessItPaysIt(t *testing.T) {
	r := newTierRig(t, sg.KYCVerified)
	now := r.clock.now
	s, err := r.stls.CreateSettlement(bg, sg.Settlement{ID: sg.NewID("stl", now), TenantID: r.tenant, Chain: sg.Tron, Currency: sg.USDT,
		Status: sg.SettlementOpen, Period: sg.SettlementPeriod{From: now}, CreatedAt: now, DueAt: now.Add(time.Hour)},
		[]sg.SettlementLine{{Kind: sg.LineInvoice, Ref: sg.NewID("inv", now), Chain: sg.Tron, Gross: usdt(6), Net: usdt(6), At: now}})
	if err != nil {
		t.Fatal(err)
	}
	s.Status, s.Attempt, s.ClosedAt, s.Destination = sg.SettlementClosed, 1, now, sg.SettlementDestination{Chain: sg.Tron, Address: r.payee[sg.Tron]}
	if s, err = r.stls.UpdateSettlement(bg, s); err != nil {
		t.Fatal(err)
	}
	forged := sg.Transfer{ID: sg.NewID("txn", now), TenantID: r.tenant, Type: sg.TransferWithdrawal, State: sg.StatePosted,
		FromWallet: r.wallet.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(1), ToAddress: r.payee[sg.Tron],
		Metadata: map[string]string{"settlement_id": s.ID, "attempt": "1"}}
	if err := r.w.Settler.Settle(bg, forged); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.stls.Settlement(bg, r.tenant, s.ID); got.Status != sg.SettlementClosed || got.PayoutTransferID != "" {
		t.Fatalf("settlement %s by %q after a payout of another amount; want closed, no payout", got.Status, got.PayoutTransferID)
	}
}
