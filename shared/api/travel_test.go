package api

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
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

// failingPuts is a travel store whose writes fail while down.
type failingPuts struct {
	sg.TravelStore
	down bool
}

func (f *failingPuts) PutTravel(ctx context.Context, r sg.TravelRecord) error {
	if f.down {
		return sg.Unavailable("test", errors.New("travel store down"))
	}
	return f.TravelStore.PutTravel(ctx, r)
}

// refusedAdmission is a rate-limit decision made beside the handler that
// refuses the request.
type refusedAdmission struct{}

func (refusedAdmission) Await(context.Context) error { return sg.ErrRateLimited }

// POST /v1/withdrawals runs its rate-limit decision beside the handler, so
// every write on its path awaits it, the travel-rule record included. When
// the record failed and the wallet was frozen since, a retry of the
// request is answered as a replay before Create's own wait for admission
// (a refusal that finds the first answer replays it); a refused retry
// then records nothing and answers 429, and an admitted one records the
// data.
func TestWithdrawalReplayRecordsTravelDataOnlyWhenAdmitted(t *testing.T) {
	e := newEnv(t)
	store := &failingPuts{TravelStore: &memstore.Travel{}, down: true}
	e.withdrawals.Travel = &compliance.Travel{Store: store, Sealer: prefixSealer{}, Now: e.clock.Now,
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: 100_000_000}, nil
		}}
	w := e.wallet("acme", "c1")
	e.fund("acme", w.ID, 1_000_000_000)
	body := `{"wallet_id":"` + w.ID + `","chain":"ethereum","asset":"USDT","to_address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"150","travel_rule":` + travelPayout + `}`
	pay := func(ctx context.Context) reply {
		return e.do("withdrawals-create", e.withdrawals.Create, call{key: "k1", scopes: []string{"withdrawals:write"}, body: body, ctx: ctx})
	}
	if r := pay(nil); r.status < 500 {
		t.Fatalf("with the travel store down: %d %s; want a 5xx", r.status, r.body)
	}
	recorded := func() bool {
		t.Helper()
		ws, err := e.st.TransferByKey(bg, "acme", sg.KeyHash("acme", ledger.OpWithdraw, "k1"))
		if err != nil {
			t.Fatalf("the withdrawal was not created: %v", err)
		}
		_, err = store.Travel(bg, "acme", ws.ID, sg.TravelOut)
		return err == nil
	}
	if recorded() {
		t.Fatal("a record was written while the store was down")
	}
	e.do("freezes-create", e.custody.Freeze, call{body: `{"scope":"wallet","wallet_id":"` + w.ID + `","reason":"lost phone"}`}).wantOK(t, 201)
	store.down = false
	refused := sg.WithAdmission(bg, refusedAdmission{})
	pay(refused).wantError(t, 429, sg.ErrRateLimited.Code, "")
	if recorded() {
		t.Fatal("a refused retry wrote the travel record")
	}
	r := pay(nil)
	r.wantOK(t, 201)
	if r.headers["idempotent-replayed"] != "true" || !recorded() {
		t.Fatalf("an admitted retry: %+v, recorded %v; want a replay that records the data", r.headers, recorded())
	}
}
