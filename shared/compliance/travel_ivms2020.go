package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IVMS 101 was first published in 2020 (payloadVersion "101", or none) and
// revised in 2023 ("101.2023"). Many VASPs still send the 2020 edition, so
// documents in it are read too: the names that changed are renamed to the
// 2023 ones, and everything else (validation, storage, export) works on
// the 2023 document. What changed (the ivms101 npm package's converter
// does the same):
//
//	originator.originatorPersons           -> originator.originatorPerson
//	beneficiary.beneficiaryPersons         -> beneficiary.beneficiaryPerson
//	<person>.customerNumber                -> <person>.customerIdentification
//	naturalPerson.name.nameIdentifier[].nameIdentifierType
//	                                       -> ...[].naturalPersonNameIdentifierType
//	payloadMetadata.payloadVersion         "101" or absent -> "101.2023"
//
// A refusal of a 2020 document names its field by the 2020 path.

// IVMSVersion2020 is the first edition's payload version.
const IVMSVersion2020 = "101"

// is2020 tells a 2020 document: plural person lists, or version "101".
func is2020(m map[string]any) bool {
	if o, ok := m["originator"].(map[string]any); ok {
		if _, ok := o["originatorPersons"]; ok {
			return true
		}
	}
	if b, ok := m["beneficiary"].(map[string]any); ok {
		if _, ok := b["beneficiaryPersons"]; ok {
			return true
		}
	}
	if md, ok := m["payloadMetadata"].(map[string]any); ok {
		return md["payloadVersion"] == IVMSVersion2020
	}
	return false
}

var errMixed = errors.New("2023 name in a 2020 document")

// rename moves m[from] to m[to]; a document that has to already mixes
// the editions.
func rename(m map[string]any, from, to string) error {
	if _, ok := m[to]; ok {
		return errMixed
	}
	if v, ok := m[from]; ok {
		delete(m, from)
		m[to] = v
	}
	return nil
}

func upgradePerson(v any) error {
	p, ok := v.(map[string]any)
	if !ok {
		return nil // the strict decoder refuses it
	}
	if np, ok := p["naturalPerson"].(map[string]any); ok {
		if err := rename(np, "customerNumber", "customerIdentification"); err != nil {
			return err
		}
		if name, ok := np["name"].(map[string]any); ok {
			ids, _ := name["nameIdentifier"].([]any)
			for _, id := range ids {
				if m, ok := id.(map[string]any); ok {
					if err := rename(m, "nameIdentifierType", "naturalPersonNameIdentifierType"); err != nil {
						return err
					}
				}
			}
		}
	}
	if lp, ok := p["legalPerson"].(map[string]any); ok {
		return rename(lp, "customerNumber", "customerIdentification")
	}
	return nil
}

// upgrade2020 turns a 2020 document into the 2023 one, in place.
func upgrade2020(m map[string]any) error {
	var persons []any
	for _, side := range []struct{ key, from, to string }{{"originator", "originatorPersons", "originatorPerson"}, {"beneficiary", "beneficiaryPersons", "beneficiaryPerson"}} {
		if o, ok := m[side.key].(map[string]any); ok {
			if err := rename(o, side.from, side.to); err != nil {
				return err
			}
			l, _ := o[side.to].([]any)
			persons = append(persons, l...)
		}
	}
	for _, k := range []string{"originatingVASP", "beneficiaryVASP"} {
		if v, ok := m[k]; ok {
			persons = append(persons, v)
		}
	}
	if tp, ok := m["transferPath"].(map[string]any); ok {
		l, _ := tp["transferPath"].([]any)
		for _, h := range l {
			if hm, ok := h.(map[string]any); ok {
				persons = append(persons, hm["intermediaryVASP"])
			}
		}
	}
	for _, p := range persons {
		if err := upgradePerson(p); err != nil {
			return err
		}
	}
	md, ok := m["payloadMetadata"].(map[string]any)
	if !ok {
		if _, present := m["payloadMetadata"]; present {
			return nil // the strict decoder refuses it
		}
		md = map[string]any{}
		m["payloadMetadata"] = md
	}
	if v, ok := md["payloadVersion"]; ok && v != IVMSVersion2020 {
		return errMixed
	}
	md["payloadVersion"] = sg.IVMSVersion2023
	return nil
}

// path2020 says a 2023 field path in the 2020 edition's names.
var path2020 = &lazy.Value[*strings.Replacer]{New: func() *strings.Replacer {
	return strings.NewReplacer(
		".originatorPerson", ".originatorPersons",
		".beneficiaryPerson", ".beneficiaryPersons",
		".customerIdentification", ".customerNumber",
		".naturalPersonNameIdentifierType", ".nameIdentifierType",
	)
}}

// decode2020 reads a 2020 document (raw, already scanned) as the 2023 one.
func decode2020(m map[string]any) (*sg.TravelPayload, error) {
	if err := upgrade2020(m); err != nil {
		return nil, sg.ErrTravelRuleDataInvalid.WithMessage("the document mixes the 2020 and 2023 editions of IVMS 101")
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, sg.ErrTravelRuleDataInvalid
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	p := sg.TravelPayload{Edition: IVMSVersion2020}
	if err := dec.Decode(&p); err != nil {
		return nil, as2020(decodeError(err))
	}
	return &p, nil
}

// as2020 renames the field path of a refusal to the 2020 edition's.
func as2020(err error) error {
	var e *sg.Error
	if errors.As(err, &e) && e.Param != "" {
		return e.WithParam(path2020.Get().Replace(e.Param))
	}
	return err
}

// ExportIVMS2020 turns a 2023 document (as Export gives it) into the 2020
// edition, for a counterparty that reads only that one.
func ExportIVMS2020(doc json.RawMessage) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, sg.Internal("compliance.travel.export2020", err)
	}
	back := func(mm map[string]any, from, to string) {
		if v, ok := mm[from]; ok {
			delete(mm, from)
			mm[to] = v
		}
	}
	var persons []any
	for _, side := range []struct{ key, from, to string }{{"originator", "originatorPerson", "originatorPersons"}, {"beneficiary", "beneficiaryPerson", "beneficiaryPersons"}} {
		if o, ok := m[side.key].(map[string]any); ok {
			back(o, side.from, side.to)
			l, _ := o[side.to].([]any)
			persons = append(persons, l...)
		}
	}
	for _, k := range []string{"originatingVASP", "beneficiaryVASP"} {
		if v, ok := m[k]; ok {
			persons = append(persons, v)
		}
	}
	if tp, ok := m["transferPath"].(map[string]any); ok {
		l, _ := tp["transferPath"].([]any)
		for _, h := range l {
			if hm, ok := h.(map[string]any); ok {
				persons = append(persons, hm["intermediaryVASP"])
			}
		}
	}
	for _, v := range persons {
		p, _ := v.(map[string]any)
		if np, ok := p["naturalPerson"].(map[string]any); ok {
			back(np, "customerIdentification", "customerNumber")
			if name, ok := np["name"].(map[string]any); ok {
				ids, _ := name["nameIdentifier"].([]any)
				for _, id := range ids {
					if im, ok := id.(map[string]any); ok {
						back(im, "naturalPersonNameIdentifierType", "nameIdentifierType")
					}
				}
			}
		}
		if lp, ok := p["legalPerson"].(map[string]any); ok {
			back(lp, "customerIdentification", "customerNumber")
		}
	}
	// The 2020 edition has no payloadVersion: its metadata is the
	// transliteration methods alone, left out when there are none.
	if md, ok := m["payloadMetadata"].(map[string]any); ok {
		delete(md, "payloadVersion")
		if len(md) == 0 {
			delete(m, "payloadMetadata")
		}
	}
	return json.Marshal(m)
}
