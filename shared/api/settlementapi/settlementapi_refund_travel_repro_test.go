package settlementapi

import (
	"context"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// REPRO (audit): a refund above the travel-rule threshold is accepted but
// can never be paid: the refund request carries no travel-rule data, so the
// pipeline's travel step rejects it once its grace runs out.
func TestReproRefundAboveTravelThreshold(t *testing.T) {
	r := newRefundRig(t)
	clock := func() time.Time { return r.now }
	travel := &compliance.Travel{Store: &memstore.Travel{}, Sealer: &memstore.Sealer{}, Now: clock,
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: 3_000_000}, nil
		}}
	r.w.Policy = compliance.TravelPolicy{Travel: travel}
	r.configure()
	inv := r.pay(10_000_000)
	status, out := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000"}`)
	if status != 201 {
		t.Fatalf("%d %v", status, out)
	}
	r.now = r.now.Add(compliance.DefaultTravelGrace + time.Minute)
	got, _, err := r.w.Advance(bg, rigTenant, out["id"].(string))
	got, _ = r.led.Transfer(bg, rigTenant, got.ID)
	t.Logf("refund payout %s %q (%v); refunded %s", got.State, LastNote(got), err, r.refunded(inv))
	if got.State == sg.StateRejected {
		t.Errorf("a refund over the travel-rule threshold was accepted and then rejected: %q", LastNote(got))
	}
}
