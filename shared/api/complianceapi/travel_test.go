package complianceapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
)

// custIVMS is a valid IVMS 101 (2023) document: a natural person sends to
// a natural person, both VASPs named by their LEIs.
const custIVMS = `{
  "originator": {
    "originatorPerson": [{"naturalPerson": {
      "name": {"nameIdentifier": [{"primaryIdentifier": "Oyelaran-Whitcombe", "secondaryIdentifier": "Temperance", "naturalPersonNameIdentifierType": "LEGL"},
                                  {"primaryIdentifier": "Whitcombe", "naturalPersonNameIdentifierType": "MAID"}]},
      "geographicAddress": [{"addressType": "HOME", "streetName": "Rue de la Loi", "buildingNumber": "42", "postcode": "1040", "townName": "Brussels", "country": "BE"}],
      "nationalIdentification": {"nationalIdentifier": "X9Q4471203", "nationalIdentifierType": "CCPT", "countryOfIssue": "BE"},
      "customerIdentification": "cus_01J9Z",
      "dateAndPlaceOfBirth": {"dateOfBirth": "1984-02-29", "placeOfBirth": "Ghent"},
      "countryOfResidence": "BE"}}],
    "accountNumber": ["0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]
  },
  "beneficiary": {
    "beneficiaryPerson": [{"naturalPerson": {
      "name": {"nameIdentifier": [{"primaryIdentifier": "Nakamura", "secondaryIdentifier": "Aiko", "naturalPersonNameIdentifierType": "LEGL"}]},
      "geographicAddress": [{"addressType": "GEOG", "addressLine": ["1-2-3 Marunouchi", "Chiyoda-ku"], "townName": "Tokyo", "country": "JP"}]}}],
    "accountNumber": ["TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"]
  },
  "originatingVASP": {"legalPerson": {"name": {"nameIdentifier": [{"legalPersonName": "Stablegate Demo VASP", "legalPersonNameIdentifierType": "LEGL"}]},
    "nationalIdentification": {"nationalIdentifier": "5493001KJTIIGC8Y1R12", "nationalIdentifierType": "LEIX"}}},
  "beneficiaryVASP": {"legalPerson": {"name": {"nameIdentifier": [{"legalPersonName": "Example Exchange KK", "legalPersonNameIdentifierType": "LEGL"},
      {"legalPersonName": "ExEx", "legalPersonNameIdentifierType": "SHRT"}]},
    "geographicAddress": [{"addressType": "GEOG", "streetName": "Otemachi", "buildingName": "Tower B", "townName": "Tokyo", "country": "JP"}],
    "nationalIdentification": {"nationalIdentifier": "HWUPKR0MPOU8FGXBT394", "nationalIdentifierType": "LEIX"},
    "countryOfRegistration": "JP"}},
  "payloadMetadata": {"payloadVersion": "101.2023"}
}`

func TestTravelAttachAndExport(t *testing.T) {
	r := newCustRig(t)
	store := &memstore.Travel{}
	h := complianceapi.Travel{Svc: &compliance.Travel{Store: store, Sealer: &memstore.Sealer{}}}
	dep := map[string]string{"transfer_id": "tr_dep1"}
	r.do(h.AttachIncoming, custCall{path: dep, body: `{"originator":`}).want(t, 400, "travel_rule_data_invalid", "")
	r.do(h.AttachIncoming, custCall{path: dep, body: strings.Replace(custIVMS, `"originator": {`, `"originator": {"nickname": "x", `, 1)}).want(t, 400, "travel_rule_data_invalid", "")
	noName := strings.Replace(custIVMS, `"naturalPersonNameIdentifierType": "LEGL"},`, `"naturalPersonNameIdentifierType": "ALIA"},`, 1)
	r.do(h.AttachIncoming, custCall{path: dep, body: noName}).want(t, 400, "travel_rule_data_invalid", "")
	r.do(h.Export, custCall{path: dep}).want(t, 404, "not_found", "")
	a := r.do(h.AttachIncoming, custCall{path: dep, body: custIVMS})
	a.want(t, 201, "", "")
	var rec complianceapi.TravelRecordView
	if err := json.Unmarshal([]byte(a.body), &rec); err != nil || rec.Direction != "in" || rec.Status != "received" || rec.CounterpartyVASP == "" {
		t.Fatalf("attached: %s", a.body)
	}
	if strings.Contains(a.body, "Oyelaran") {
		t.Fatalf("the record shows the data: %s", a.body)
	}
	r.do(h.AttachIncoming, custCall{path: dep, body: custIVMS}).want(t, 201, "", "")
	other := strings.Replace(custIVMS, "Ghent", "Bruges", 1)
	r.do(h.AttachIncoming, custCall{path: dep, body: other}).want(t, 409, "travel_rule_data_exists", "")
	ex := r.do(h.Export, custCall{path: dep})
	ex.want(t, 200, "", "")
	if !strings.Contains(ex.body, "Oyelaran-Whitcombe") || !strings.Contains(ex.body, `"payloadVersion":"101.2023"`) {
		t.Fatalf("export: %s", ex.body)
	}
	old := r.do(h.Export, custCall{path: dep, query: map[string]string{"edition": "2020"}})
	old.want(t, 200, "", "")
	if old.body == ex.body {
		t.Fatal("the 2020 edition reads as the 2023 one")
	}
	r.do(h.Export, custCall{path: dep, query: map[string]string{"edition": "1999"}}).want(t, 400, "validation_failed", "edition")
	r.do(h.Export, custCall{tenant: "globex", path: dep}).want(t, 404, "not_found", "")
	for _, l := range []string{"Oyelaran", "X9Q4471203"} {
		if strings.Contains(r.allLogs(), l) {
			t.Fatalf("the logs hold %q", l)
		}
	}
	// With the ledger behind it, only a deposit of the tenant takes data.
	h.Svc.Transfers = memstore.New()
	r.do(h.AttachIncoming, custCall{path: map[string]string{"transfer_id": "tr_none"}, body: custIVMS}).want(t, 404, "not_found", "")
}
