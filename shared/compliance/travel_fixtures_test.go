package compliance_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/compliance"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel-rule fixtures: documents the Go validator accepts and documents it
// refuses (with the field path it names). The cross-check test hands all
// of them to the ivms101 npm package too.

const (
	payoutTo       = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
	seededSurname  = "Oyelaran-Whitcombe"
	seededGiven    = "Temperance"
	seededPassport = "X9Q4471203"
)

// naturalPayload: a natural person sends to a natural person, both VASPs
// named with their LEIs.
const naturalPayload = `{
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

// legalPayload: a company sends to a company; the beneficiary VASP is not
// known; an intermediary is on the path.
const legalPayload = `{
  "originator": {"originatorPerson": [{"legalPerson": {
    "name": {"nameIdentifier": [{"legalPersonName": "Acme Widgets GmbH", "legalPersonNameIdentifierType": "LEGL"}, {"legalPersonName": "Acme", "legalPersonNameIdentifierType": "TRAD"}]},
    "nationalIdentification": {"nationalIdentifier": "HRB 123456", "nationalIdentifierType": "RAID", "registrationAuthority": "RA000242"},
    "countryOfRegistration": "DE"}}]},
  "beneficiary": {"beneficiaryPerson": [{"legalPerson": {
    "name": {"nameIdentifier": [{"legalPersonName": "Globex Trading Ltd", "legalPersonNameIdentifierType": "LEGL"}]},
    "customerIdentification": "GBX-7781"}}]},
  "transferPath": {"transferPath": [{"sequence": 0, "intermediaryVASP": {"legalPerson": {"name": {"nameIdentifier": [{"legalPersonName": "Bridge VASP SA", "legalPersonNameIdentifierType": "LEGL"}]},
    "nationalIdentification": {"nationalIdentifier": "529900T8BM49AURSDO55", "nationalIdentifierType": "LEIX"}}}}]},
  "payloadMetadata": {"payloadVersion": "101.2023", "transliterationMethod": ["othr"]}
}`

// edit returns doc with fn applied to its generic JSON form.
func edit(t testing.TB, doc string, fn func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// at walks a generic JSON value by keys and indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

func obj(v any, path ...any) map[string]any { return at(v, path...).(map[string]any) }

const origNP = "originator.originatorPerson[0].naturalPerson"

// invalidCase is a document the Go validator refuses, at Param.
type invalidCase struct {
	name, doc, param string
	// goOnly: the standard (or our API) refuses it where the npm package,
	// more lenient, accepts it; the cross-check does not expect npm to
	// refuse it.
	goOnly bool
}

func invalidCases(t testing.TB) []invalidCase {
	np := func(m map[string]any) map[string]any {
		return obj(m, "originator", "originatorPerson", 0, "naturalPerson")
	}
	return []invalidCase{
		{"missing originator", edit(t, naturalPayload, func(m map[string]any) { delete(m, "originator") }), "originator.originatorPerson", false},
		{"missing beneficiary", edit(t, naturalPayload, func(m map[string]any) { delete(m, "beneficiary") }), "beneficiary.beneficiaryPerson", false},
		{"no originator person", edit(t, naturalPayload, func(m map[string]any) { obj(m, "originator")["originatorPerson"] = []any{} }), "originator.originatorPerson", false},
		{"no legal name for a natural person (C6)", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "name")["nameIdentifier"] = []any{map[string]any{"primaryIdentifier": "X", "naturalPersonNameIdentifierType": "ALIA"}}
		}), origNP + ".name", false},
		{"no legal name for a legal person (C5)", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "beneficiary", "beneficiaryPerson", 0, "legalPerson", "name", "nameIdentifier", 0)["legalPersonNameIdentifierType"] = "TRAD"
		}), "beneficiary.beneficiaryPerson[0].legalPerson.name", false},
		{"unknown name type", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "name", "nameIdentifier", 1)["naturalPersonNameIdentifierType"] = "NICK"
		}), origNP + ".name.nameIdentifier[1].naturalPersonNameIdentifierType", false},
		{"2020 name type field in a 2023 document", edit(t, naturalPayload, func(m map[string]any) {
			n := obj(np(m), "name", "nameIdentifier", 1)
			n["nameIdentifierType"] = n["naturalPersonNameIdentifierType"]
			delete(n, "naturalPersonNameIdentifierType")
		}), "", false},
		{"unknown address type", edit(t, naturalPayload, func(m map[string]any) { obj(np(m), "geographicAddress", 0)["addressType"] = "WORK" }),
			origNP + ".geographicAddress[0].addressType", false},
		{"country not ISO 3166", edit(t, naturalPayload, func(m map[string]any) { obj(np(m), "geographicAddress", 0)["country"] = "UK" }),
			origNP + ".geographicAddress[0].country", false},
		{"lower-case country", edit(t, naturalPayload, func(m map[string]any) { np(m)["countryOfResidence"] = "be" }),
			origNP + ".countryOfResidence", false},
		{"address with neither lines nor a building (C8)", edit(t, naturalPayload, func(m map[string]any) { delete(obj(np(m), "geographicAddress", 0), "buildingNumber") }),
			origNP + ".geographicAddress[0]", false},
		{"address without a town", edit(t, naturalPayload, func(m map[string]any) { delete(obj(np(m), "geographicAddress", 0), "townName") }),
			origNP + ".geographicAddress[0].townName", false},
		{"legal person's id type on a natural person", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "nationalIdentification")["nationalIdentifierType"] = "LEIX"
		}), origNP + ".nationalIdentification.nationalIdentifierType", false},
		{"natural person's id type on a legal person", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "originator", "originatorPerson", 0, "legalPerson", "nationalIdentification")["nationalIdentifierType"] = "CCPT"
		}), "originator.originatorPerson[0].legalPerson.nationalIdentification.nationalIdentifierType", false},
		{"registration authority not RA + 6 digits (C10)", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "originator", "originatorPerson", 0, "legalPerson", "nationalIdentification")["registrationAuthority"] = "RA12"
		}), "originator.originatorPerson[0].legalPerson.nationalIdentification.registrationAuthority", false},
		{"registry number without its authority (C9)", edit(t, legalPayload, func(m map[string]any) {
			delete(obj(m, "originator", "originatorPerson", 0, "legalPerson", "nationalIdentification"), "registrationAuthority")
		}), "originator.originatorPerson[0].legalPerson.nationalIdentification.registrationAuthority", false},
		{"country of issue on a legal person's id (C9)", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "originator", "originatorPerson", 0, "legalPerson", "nationalIdentification")["countryOfIssue"] = "DE"
		}), "originator.originatorPerson[0].legalPerson.nationalIdentification.countryOfIssue", false},
		{"LEI of the wrong form (C11)", edit(t, naturalPayload, func(m map[string]any) {
			obj(m, "beneficiaryVASP", "legalPerson", "nationalIdentification")["nationalIdentifier"] = "hwupkr0mpou8fgxbt394"
		}), "beneficiaryVASP.legalPerson.nationalIdentification.nationalIdentifier", false},
		{"LEI with wrong check digits", edit(t, naturalPayload, func(m map[string]any) {
			obj(m, "beneficiaryVASP", "legalPerson", "nationalIdentification")["nationalIdentifier"] = "HWUPKR0MPOU8FGXBT395"
		}), "beneficiaryVASP.legalPerson.nationalIdentification.nationalIdentifier", true},
		{"birth date in the future (C2)", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "dateAndPlaceOfBirth")["dateOfBirth"] = "2999-01-01"
		}), origNP + ".dateAndPlaceOfBirth.dateOfBirth", false},
		{"birth date not YYYY-MM-DD", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "dateAndPlaceOfBirth")["dateOfBirth"] = "29/02/1984"
		}), origNP + ".dateAndPlaceOfBirth.dateOfBirth", false},
		{"natural person known by name only (C1)", edit(t, naturalPayload, func(m map[string]any) {
			for _, k := range []string{"geographicAddress", "nationalIdentification", "customerIdentification", "dateAndPlaceOfBirth"} {
				delete(np(m), k)
			}
		}), origNP, false},
		{"legal person known by name and a business address only (C4)", edit(t, legalPayload, func(m map[string]any) {
			lp := obj(m, "beneficiary", "beneficiaryPerson", 0, "legalPerson")
			delete(lp, "customerIdentification")
			lp["geographicAddress"] = []any{map[string]any{"addressType": "BIZZ", "addressLine": []any{"1 Main St"}, "townName": "Leeds", "country": "GB"}}
		}), "beneficiary.beneficiaryPerson[0].legalPerson", false},
		{"transfer path not numbered from 0 (C12)", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "transferPath", "transferPath", 0)["sequence"] = 1
		}), "transferPath.transferPath[0].sequence", false},
		{"unknown payload version", edit(t, naturalPayload, func(m map[string]any) { obj(m, "payloadMetadata")["payloadVersion"] = "102" }),
			"payloadMetadata.payloadVersion", false},
		{"unknown transliteration method", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "payloadMetadata")["transliterationMethod"] = []any{"latn"}
		}), "payloadMetadata.transliterationMethod[0]", false},
		{"six name identifiers", edit(t, naturalPayload, func(m map[string]any) {
			n := obj(np(m), "name")
			l := n["nameIdentifier"].([]any)
			n["nameIdentifier"] = append(l, l[1], l[1], l[1], l[1])
		}), origNP + ".name.nameIdentifier", false},
		{"a number where text goes", edit(t, naturalPayload, func(m map[string]any) { np(m)["customerIdentification"] = 42 }), "", false},
		{"null for a field", strings.Replace(naturalPayload, `"countryOfResidence": "BE"`, `"countryOfResidence": null`, 1), "", false},
		{"a person both natural and legal", edit(t, legalPayload, func(m map[string]any) {
			obj(m, "beneficiary", "beneficiaryPerson", 0)["naturalPerson"] = at(mustGeneric(t, naturalPayload), "beneficiary", "beneficiaryPerson", 0, "naturalPerson")
		}), "beneficiary.beneficiaryPerson[0]", true},
		{"empty primary identifier", edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "name", "nameIdentifier", 0)["primaryIdentifier"] = ""
		}), origNP + ".name.nameIdentifier[0].primaryIdentifier", true},
		{"member in another letter case", strings.Replace(naturalPayload, `"townName": "Brussels"`, `"TownName": "Brussels"`, 1), "", false},
		{"no payload metadata", edit(t, naturalPayload, func(m map[string]any) { delete(m, "payloadMetadata") }), "payloadMetadata.payloadVersion", true},
	}
}

func mustGeneric(t testing.TB, doc string) any {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// decodeValid decodes and validates doc.
func decodeValid(doc string) (*sg.TravelPayload, error) {
	p, err := compliance.DecodeTravelPayload([]byte(doc))
	if err != nil {
		return nil, err
	}
	return p, compliance.ValidateTravel(p)
}

// naturalPayload2020 is naturalPayload in the 2020 edition.
func naturalPayload2020(t testing.TB) string {
	t.Helper()
	b, err := compliance.ExportIVMS2020(json.RawMessage(naturalPayload))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// invalid2020Cases are 2020-edition documents we refuse, at their 2020
// path (names end "(2020)": the cross-check judges them with the 2020
// schema).
func invalid2020Cases(t testing.TB) []invalidCase {
	doc := naturalPayload2020(t)
	np := func(m map[string]any) map[string]any {
		return obj(m, "originator", "originatorPersons", 0, "naturalPerson")
	}
	const path = "originator.originatorPersons[0].naturalPerson"
	return []invalidCase{
		{"no legal name (2020)", edit(t, doc, func(m map[string]any) {
			obj(np(m), "name", "nameIdentifier", 0)["nameIdentifierType"] = "ALIA"
		}), path + ".name", false},
		{"unknown name type (2020)", edit(t, doc, func(m map[string]any) {
			obj(np(m), "name", "nameIdentifier", 1)["nameIdentifierType"] = "NICK"
		}), path + ".name.nameIdentifier[1].nameIdentifierType", false},
		{"natural person known by name only (2020)", edit(t, doc, func(m map[string]any) {
			for _, k := range []string{"geographicAddress", "nationalIdentification", "customerNumber", "dateAndPlaceOfBirth"} {
				delete(np(m), k)
			}
		}), path, false},
		{"2023 name type field in a 2020 document (2020)", edit(t, doc, func(m map[string]any) {
			n := obj(np(m), "name", "nameIdentifier", 0)
			n["naturalPersonNameIdentifierType"] = n["nameIdentifierType"]
			delete(n, "nameIdentifierType")
		}), "", false},
		{"no beneficiary persons (2020)", edit(t, doc, func(m map[string]any) {
			obj(m, "beneficiary")["beneficiaryPersons"] = []any{}
		}), "beneficiary.beneficiaryPersons", false},
	}
}
