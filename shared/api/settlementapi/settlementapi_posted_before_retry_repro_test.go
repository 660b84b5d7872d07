package settlementapi_test

import (
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// REPRO (audit): the job's run stopped after requesting the payout; the
// payout posts before the next run; the next run records it as paying and
// nothing ever marks the settlement paid.
func TestReproSettlementPayoutPostedBeforeTheRetry(t *testing.T) {
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
	r.clock.now = now.Add(time.Second)
	_, _ = r.svc.CloseDue(bg, r.clock.now)
	if p, _, err := r.w.Advance(bg, r.tenant, first); err != nil || p.State != sg.StatePosted {
		t.Fatalf("payout %s %v", p.State, err)
	}
	for i := 0; i < 3; i++ {
		r.clock.now = r.clock.now.Add(time.Hour)
		if _, err := r.svc.CloseDue(bg, r.clock.now); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := r.stls.Settlement(bg, r.tenant, s.ID)
	if got.Status != sg.SettlementPaid {
		t.Fatalf("settlement %s (payout %s posted); want paid", got.Status, got.PayoutTransferID)
	}
}
