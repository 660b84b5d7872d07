package compliance_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const rulesBody = `{"rules":[
 {"id":"vel","kind":"velocity","enabled":true,"window":"1h","count":3,"direction":"out"},
 {"id":"struct","kind":"structuring","enabled":true,"window":"24h","threshold":"10000","percent":5,"count":3,"direction":"any"},
 {"id":"round","kind":"round_amounts","enabled":false,"window":"24h","unit":"1000.00","count":3,"direction":"in"},
 {"id":"newdest","kind":"new_destination_large","enabled":true,"threshold":"5000.5"},
 {"id":"rapid","kind":"rapid_in_out","enabled":true,"window":"24h","percent":80},
 {"id":"dormant","kind":"dormant_wakes","enabled":true,"dormant":"2160h","threshold":"1000"},
 {"id":"senders","kind":"many_senders","enabled":true,"window":"24h","count":5}]}`

// A rule set body decodes to typed rules (durations, amounts in base
// units) and encodes back to the same rules.
func TestDecodeRulesRoundTrips(t *testing.T) {
	rules, _, err := compliance.DecodeRules([]byte(rulesBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 7 || rules[1].Params.Threshold != 10_000_000_000 || rules[3].Params.Threshold != 5_000_500_000 ||
		rules[5].Params.Dormant != 90*24*time.Hour || rules[2].Params.Unit != 1_000_000_000 || rules[2].Enabled {
		t.Fatalf("decoded %+v", rules)
	}
	b, err := json.Marshal(compliance.EncodeRules(sg.MonitorRuleSet{Version: 4, Rules: rules}))
	if err != nil {
		t.Fatal(err)
	}
	again, v, err := compliance.DecodeRules(b)
	if err != nil || v != 4 || !reflect.DeepEqual(again, rules) {
		t.Fatalf("re-decoded %+v, %v\nfrom %s", again, err, b)
	}
}

// Malformed or mistyped rule sets are refused with a named code.
func TestDecodeRulesRefusals(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       error
	}{
		{"not JSON", `{"rules":[`, sg.ErrInvalidJSON},
		{"trailing data", `{"rules":[]} {}`, sg.ErrInvalidJSON},
		{"unknown top-level field", `{"rules":[],"x":1}`, sg.ErrUnknownField},
		{"unknown rule field", `{"rules":[{"id":"a","kind":"velocity","window":"1h","count":1,"direction":"out","x":1}]}`, sg.ErrUnknownField},
		{"no rules field", `{}`, sg.ErrValidation},
		{"negative version", `{"version":-1,"rules":[]}`, sg.ErrValidation},
		{"a field its kind does not read", `{"rules":[{"id":"a","kind":"new_destination_large","threshold":"1","window":"1h"}]}`, sg.ErrMonitorRuleInvalid},
		{"unknown kind", `{"rules":[{"id":"a","kind":"vibes"}]}`, sg.ErrMonitorRuleInvalid},
		{"negative duration", `{"rules":[{"id":"a","kind":"velocity","window":"-1h","count":1,"direction":"out"}]}`, sg.ErrMonitorRuleInvalid},
		{"amount with 7 decimals", `{"rules":[{"id":"a","kind":"new_destination_large","threshold":"1.0000001"}]}`, sg.ErrMonitorRuleInvalid},
		{"amount as a number", `{"rules":[{"id":"a","kind":"new_destination_large","threshold":1}]}`, sg.ErrInvalidJSON},
		{"duplicate ids", `{"rules":[{"id":"a","kind":"new_destination_large","threshold":"1"},{"id":"a","kind":"new_destination_large","threshold":"2"}]}`, sg.ErrMonitorRuleInvalid},
		{"missing parameter", `{"rules":[{"id":"a","kind":"structuring","window":"1h","count":3,"direction":"out"}]}`, sg.ErrMonitorRuleInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := compliance.DecodeRules([]byte(c.body)); !errors.Is(err, c.want) {
				t.Fatalf("DecodeRules = %v, want %v", err, c.want)
			}
		})
	}
}

// Whatever the body, DecodeRules answers a named refusal or rules that
// are valid and survive an encode and decode unchanged.
func FuzzDecodeRules(f *testing.F) {
	f.Add([]byte(rulesBody))
	f.Add([]byte(`{"rules":[]}`))
	f.Add([]byte(`{"rules":[{"id":"a","kind":"velocity","window":"1h","count":1,"direction":"out"}]}`))
	f.Add([]byte(`{"rules":[{"id":"a","kind":"dormant_wakes","dormant":"1ns","threshold":"0.000001"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rules, _, err := compliance.DecodeRules(body)
		if err != nil {
			var e *sg.Error
			if !errors.As(err, &e) || e.Code == "" || sg.KindOf(err) == sg.KindInternal {
				t.Fatalf("unnamed refusal %v", err)
			}
			return
		}
		if err := (sg.MonitorRuleSet{Rules: rules}).Validate(); err != nil {
			t.Fatalf("accepted invalid rules: %v", err)
		}
		b, err := json.Marshal(compliance.EncodeRules(sg.MonitorRuleSet{Rules: rules}))
		if err != nil {
			t.Fatal(err)
		}
		again, _, err := compliance.DecodeRules(b)
		if err != nil || !reflect.DeepEqual(again, rules) {
			t.Fatalf("round trip changed %+v into %+v (%v)", rules, again, err)
		}
	})
}

// Whatever an officer writes, the CSV export reads back cell for cell,
// with only a leading quote added before a formula character (a plain
// decimal number such as "-1" stays a number).
func FuzzExportCSVCell(f *testing.F) {
	for _, s := range []string{"plain", "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "a,b\"c\nd", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		x := compliance.CaseExport{Case: compliance.ExportedCase{ID: "case_1", Summary: text}}
		b, err := x.CSV()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csvRows(b)
		if err != nil {
			t.Fatalf("unreadable CSV for %q: %v", text, err)
		}
		got := rows[1][len(rows[1])-1]
		want := text
		if text != "" && !plainDecimal.MatchString(text) && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r') {
			want = "'" + text
		}
		if got != normalizeCR(want) {
			t.Fatalf("cell %q read back as %q", want, got)
		}
	})
}

var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
