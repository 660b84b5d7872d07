package complianceapi_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
)

func TestMonitoringRulesAreVersionedData(t *testing.T) {
	e := newCaseEnv(t, "")
	var v complianceapi.RuleSetView
	r := e.do(e.rules.Get, caseCall{})
	r.want(t, 200)
	r.decode(t, &v)
	if v.Object != "monitoring_rules" || v.Version != 0 || v.Rules == nil || len(v.Rules) != 0 {
		t.Fatalf("before any put: %s", r.body)
	}
	const set = `{"version":%s,"rules":[
		{"id":"fast","kind":"velocity","enabled":true,"window":"24h","count":10,"direction":"out"},
		{"id":"under","kind":"structuring","enabled":true,"window":"72h","threshold":"10000","percent":10,"count":3,"direction":"any"}]}`
	t.Run("refuses a bad body and writes nothing", func(t *testing.T) {
		for _, tc := range []struct{ name, body, code, param string }{
			{"no version", `{"rules":[]}`, "validation_failed", "version"},
			{"no rules", `{"version":0}`, "validation_failed", "rules"},
			{"negative version", `{"version":-1,"rules":[]}`, "validation_failed", "version"},
			{"unknown field", `{"version":0,"rules":[],"x":1}`, "unknown_field", "x"},
			{"a field the kind does not read", `{"version":0,"rules":[{"id":"a","kind":"new_destination_large","enabled":true,"threshold":"5000","window":"1h"}]}`, "rule_invalid", "rules"},
			{"unknown kind", `{"version":0,"rules":[{"id":"a","kind":"astrology","enabled":true}]}`, "rule_invalid", "rules"},
			{"a rule's unknown field", `{"version":0,"rules":[{"id":"a","kind":"new_destination_large","enabled":true,"threshold":"5000","colour":"red"}]}`, "unknown_field", "rules"},
			{"a bad amount", `{"version":0,"rules":[{"id":"a","kind":"new_destination_large","enabled":true,"threshold":"1.0000001"}]}`, "rule_invalid", "rules"},
			{"duplicate field", `{"version":0,"version":1,"rules":[]}`, "duplicate_field", "version"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.do(e.rules.Put, caseCall{body: tc.body}).refused(t, 400, tc.code, tc.param)
			})
		}
		var now complianceapi.RuleSetView
		e.do(e.rules.Get, caseCall{}).decode(t, &now)
		if now.Version != 0 {
			t.Fatalf("a refused put made version %d", now.Version)
		}
	})
	t.Run("a put over the version read makes the next version; a stale one is refused", func(t *testing.T) {
		var v1 complianceapi.RuleSetView
		r := e.do(e.rules.Put, caseCall{body: sprintf(set, "0")})
		r.want(t, 200)
		r.decode(t, &v1)
		if v1.Version != 1 || len(v1.Rules) != 2 || v1.Rules[0].Version != 1 || v1.UpdatedBy != "officer-1" || v1.Rules[1].Threshold != "10000.000000" {
			t.Fatalf("version 1: %s", r.body)
		}
		e.do(e.rules.Put, caseCall{subject: "officer-2", body: sprintf(set, "0")}).refused(t, 409, "rules_changed", "")
		var v2 complianceapi.RuleSetView
		e.do(e.rules.Put, caseCall{subject: "officer-2", body: `{"version":1,"rules":[{"id":"fast","kind":"velocity","enabled":true,"window":"24h","count":10,"direction":"out"}]}`}).decode(t, &v2)
		if v2.Version != 2 || len(v2.Rules) != 1 || v2.Rules[0].Version != 1 || v2.UpdatedBy != "officer-2" {
			t.Fatalf("version 2: %+v", v2)
		}
		var got complianceapi.RuleSetView
		e.do(e.rules.Get, caseCall{}).decode(t, &got)
		if got.Version != 2 || len(got.Rules) != 1 {
			t.Fatalf("in force: %+v", got)
		}
		var other complianceapi.RuleSetView
		e.do(e.rules.Get, caseCall{tenant: "globex"}).decode(t, &other)
		if other.Version != 0 || len(other.Rules) != 0 {
			t.Fatalf("another tenant's rules: %+v", other)
		}
	})
}
