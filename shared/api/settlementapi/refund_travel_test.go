package settlementapi

import (
	"context"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// refundTravel is the travel-rule data of a refund: the merchant (a
// company) as originator, the payer who paid the invoice as beneficiary,
// to the address the payment came from.
const refundTravel = `{
  "originator": {"originatorPerson": [{"legalPerson": {
    "name": {"nameIdentifier": [{"legalPersonName": "Acme Widgets GmbH", "legalPersonNameIdentifierType": "LEGL"}]},
    "nationalIdentification": {"nationalIdentifier": "HRB 123456", "nationalIdentifierType": "RAID", "registrationAuthority": "RA000242"},
    "countryOfRegistration": "DE"}}]},
  "beneficiary": {"beneficiaryPerson": [{"naturalPerson": {
    "name": {"nameIdentifier": [{"primaryIdentifier": "Nakamura", "secondaryIdentifier": "Aiko", "naturalPersonNameIdentifierType": "LEGL"}]},
    "geographicAddress": [{"addressType": "GEOG", "addressLine": ["1-2-3 Marunouchi"], "townName": "Tokyo", "country": "JP"}]}}],
    "accountNumber": ["` + rigPayer + `"]},
  "payloadMetadata": {"payloadVersion": "101.2023"}
}`

// A refund over the travel-rule threshold is checked like any withdrawal
// before anything is reserved or held: without travel_rule it is refused
// at once (travel_rule_data_required), with a broken one too
// (travel_rule_data_invalid), and a payer link (which carries none) is
// refused; nothing changes for any of them. With the merchant's data it
// is accepted, the data is stored sealed with the payout, and the payout
// passes the pipeline's travel step after the grace. Under the threshold
// none is needed. (Before: accepted with 201 and rejected by the pipeline
// once the grace ran out.)
func TestRefundOverTheTravelThresholdNeedsItsData(t *testing.T) {
	r := newRefundRig(t)
	store := &memstore.Travel{}
	travel := &compliance.Travel{Store: store, Sealer: &memstore.Sealer{}, Now: func() time.Time { return r.now },
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: 3_000_000}, nil
		}}
	r.w.Policy = compliance.TravelPolicy{Travel: travel}
	clock := func() time.Time { return r.now }
	r.h = httpapi.Wrap("invoices-refund-test", Serve(
		Refunds{Invoices: r.invoices, W: r.w, Svc: r.svc, Now: clock, Travel: travel, Links: &memstore.RefundLinks{}, Idem: r.led},
		Chargebacks{Invoices: r.invoices, Svc: r.svc, Idem: r.led, Now: clock}))
	r.configure()
	inv := r.pay(10_000_000)
	open, _ := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
	unchanged := func(what string) {
		t.Helper()
		if got := r.refunded(inv); got != 0 {
			t.Errorf("%s: refunded %s; want 0", what, got)
		}
		if after, _ := r.stls.Settlement(bg, rigTenant, open.ID); after.Totals.Net != open.Totals.Net || r.available(r.stlW) != open.Totals.Net {
			t.Errorf("%s: the open settlement nets %s (was %s), the wallet holds %s", what, after.Totals.Net, open.Totals.Net, r.available(r.stlW))
		}
	}
	for _, tc := range []struct {
		name, key, body string
		status          int
		code            string
	}{
		{"without travel_rule", "t1", `{"amount":"4.000000"}`, 422, sg.ErrTravelRuleDataRequired.Code},
		{"with a broken travel_rule", "t2", `{"amount":"4.000000","travel_rule":{"originator":{}}}`, 400, sg.ErrTravelRuleDataInvalid.Code},
		{"as a payer link", "t3", `{"amount":"4.000000","payer_link":true}`, 422, sg.ErrTravelRuleDataRequired.Code},
	} {
		status, out := r.call("refunds", inv.ID, tc.key, tc.body)
		if status != tc.status || errCode(out) != tc.code {
			t.Errorf("%s: %d %v; want %d %s", tc.name, status, errCode(out), tc.status, tc.code)
		}
		unchanged(tc.name)
	}

	status, out := r.call("refunds", inv.ID, "t4", `{"amount":"4.000000","travel_rule":`+refundTravel+`}`)
	if status != 201 {
		t.Fatalf("with the merchant's data: %d %v", status, out)
	}
	id := out["id"].(string)
	rec, err := store.Travel(bg, rigTenant, id, sg.TravelOut)
	if err != nil || rec.Status != sg.TravelProvided || rec.Amount != 4_000_000 {
		t.Fatalf("the refund's travel record %+v %v; want provided for 4", rec, err)
	}
	if status, again := r.call("refunds", inv.ID, "t4", `{"amount":"4.000000","travel_rule":`+refundTravel+`}`); status != 201 || again["id"] != id {
		t.Fatalf("the retry: %d %v", status, again)
	}
	r.now = r.now.Add(compliance.DefaultTravelGrace + time.Minute)
	got, _, err := r.w.Advance(bg, rigTenant, id)
	if err != nil || got.State != sg.StatePosted {
		t.Fatalf("the refund's payout after the grace: %s %v; want posted", got.State, err)
	}
	if got := r.refunded(inv); got != 4_000_000 {
		t.Errorf("refunded %s; want 4", got)
	}

	if status, out := r.call("refunds", inv.ID, "t5", `{"amount":"2.000000"}`); status != 201 {
		t.Errorf("under the threshold without data: %d %v", status, errCode(out))
	}
}
