package api

import (
	"context"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// travelPayout is a payout's travel-rule data (IVMS 101, 2023): a natural
// person pays one, identified by a customer id.
const travelPayout = `{
  "originator": {"originatorPerson": [{"naturalPerson": {
    "name": {"nameIdentifier": [{"primaryIdentifier": "Doe", "secondaryIdentifier": "Jane", "naturalPersonNameIdentifierType": "LEGL"}]},
    "customerIdentification": "cus_01JD8Y3Q6A0M7F4R2W9X5K1B3C"}}]},
  "beneficiary": {"beneficiaryPerson": [{"naturalPerson": {
    "name": {"nameIdentifier": [{"primaryIdentifier": "Roe", "secondaryIdentifier": "Richard", "naturalPersonNameIdentifierType": "LEGL"}]},
    "geographicAddress": [{"addressType": "GEOG", "addressLine": ["1-2-3 Marunouchi"], "townName": "Tokyo", "country": "JP"}]}}]},
  "payloadMetadata": {"payloadVersion": "101.2023"}
}`

// The travel rule on POST /v1/withdrawals: over the threshold a payout
// without travel_rule, or with data that is not valid IVMS 101, is refused
// before any hold (naming the field's path, never its value); with valid
// data it is created and the data stored sealed for it; under the
// threshold none is needed.
func TestWithdrawalTravelRule(t *testing.T) {
	e := newEnv(t)
	travel := &memstore.Travel{}
	e.withdrawals.Travel = &compliance.Travel{Store: travel, Sealer: prefixSealer{}, Now: e.clock.Now,
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: 100_000_000}, nil
		}}
	w := e.wallet("acme", "c1")
	e.fund("acme", w.ID, 1_000_000_000)
	body := func(amount, travel string) string {
		b := `{"wallet_id":"` + w.ID + `","chain":"ethereum","asset":"USDT","to_address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"` + amount + `"`
		if travel != "" {
			b += `,"travel_rule":` + travel
		}
		return b + "}"
	}
	pay := func(key, b string) reply {
		return e.do("withdrawals-create", e.withdrawals.Create, call{key: key, scopes: []string{"withdrawals:write"}, body: b})
	}
	pay("under", body("100", "")).wantOK(t, 201)
	before := e.balance("acme", w.ID)
	pay("none", body("100.000001", "")).wantError(t, 422, sg.ErrTravelRuleDataRequired.Code, compliance.TravelParam)
	bad := strings.Replace(travelPayout, `"primaryIdentifier": "Roe", `, "", 1)
	r := pay("bad", body("150", bad))
	r.wantError(t, 400, sg.ErrTravelRuleDataInvalid.Code, "travel_rule.beneficiary.beneficiaryPerson[0].naturalPerson.name.nameIdentifier[0].primaryIdentifier")
	unknown := strings.Replace(travelPayout, `"customerIdentification"`, `"customerIdentifcation"`, 1)
	if r := pay("unknown", body("150", unknown)); r.status != 400 || strings.Contains(r.body, "cus_01JD8") {
		t.Fatalf("a misspelt member: %d %s; want 400 naming no value", r.status, r.body)
	}
	if after := e.balance("acme", w.ID); after != before {
		t.Fatalf("refused payouts moved the balance: %+v, was %+v", after, before)
	}
	r = pay("with", body("150", travelPayout))
	r.wantOK(t, 201)
	var v TransferView
	r.decode(t, &v)
	rec, err := travel.Travel(bg, "acme", v.ID, sg.TravelOut)
	if err != nil || rec.Status != sg.TravelProvided || len(rec.PayloadSealed) == 0 {
		t.Fatalf("travel record %+v, %v; want provided and sealed", rec, err)
	}
	// A replay of the request answers as the first did and records nothing new.
	again := pay("with", body("150", travelPayout))
	again.wantOK(t, 201)
	if again.headers["idempotent-replayed"] != "true" {
		t.Fatalf("replay: %+v", again.headers)
	}
}
