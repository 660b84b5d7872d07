package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RuleJSON is a monitoring rule as the API reads and writes it: windows
// and the dormant period as Go durations ("24h", "90m"), amounts as
// decimal USDT strings ("9900.00"). A kind takes only the fields it reads
// (sg.MonitorParams lists them); any other is refused.
type RuleJSON struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Enabled   bool   `json:"enabled"`
	Version   int64  `json:"version,omitempty"`
	Window    string `json:"window,omitempty"`
	Dormant   string `json:"dormant,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	Unit      string `json:"unit,omitempty"`
	Count     int    `json:"count,omitempty"`
	Percent   int    `json:"percent,omitempty"`
	Direction string `json:"direction,omitempty"`
}

// RuleSetJSON is a rule set version as the API shows it.
type RuleSetJSON struct {
	Version   int64      `json:"version"`
	Rules     []RuleJSON `json:"rules"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt string     `json:"updated_at,omitempty"`
}

// kindFields are the parameter fields each kind reads.
var kindFields = &lazy.Value[map[sg.MonitorRuleKind][]string]{New: func() map[sg.MonitorRuleKind][]string {
	return map[sg.MonitorRuleKind][]string{
		sg.MonVelocity:            {"window", "count", "threshold", "direction"},
		sg.MonStructuring:         {"window", "threshold", "percent", "count", "direction"},
		sg.MonRoundAmounts:        {"window", "unit", "count", "direction"},
		sg.MonNewDestinationLarge: {"threshold"},
		sg.MonRapidInOut:          {"window", "percent"},
		sg.MonDormantWakes:        {"dormant", "threshold"},
		sg.MonManySenders:         {"window", "count"},
	}
}}

// maxRulesBody bounds a rule set's JSON.
const maxRulesBody = 64 << 10

// DecodeRules reads a rule set body ({"version": n, "rules": [...]})
// strictly: one JSON object, no unknown field, each rule with only its
// kind's fields, every rule valid (sg.MonitorRule.Validate). version is
// the version the caller read (0 for none), for Rules.Put's ifVersion; a
// rule's own version, if sent, is ignored (Put sets it).
func DecodeRules(body []byte) ([]sg.MonitorRule, int64, error) {
	if len(body) > maxRulesBody {
		return nil, 0, sg.ErrBodyTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var in struct {
		Version int64             `json:"version"`
		Rules   []json.RawMessage `json:"rules"`
	}
	if err := dec.Decode(&in); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return nil, 0, sg.ErrUnknownField
		}
		return nil, 0, sg.ErrInvalidJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, 0, sg.ErrInvalidJSON
	}
	if in.Version < 0 {
		return nil, 0, sg.ErrValidation.WithMessage("version must not be negative").WithParam("version")
	}
	if in.Rules == nil {
		return nil, 0, sg.ErrValidation.WithMessage("rules is required (an empty list turns monitoring off)").WithParam("rules")
	}
	rules := make([]sg.MonitorRule, 0, len(in.Rules))
	for _, raw := range in.Rules {
		r, err := decodeRule(raw)
		if err != nil {
			return nil, 0, err
		}
		rules = append(rules, r)
	}
	if err := (sg.MonitorRuleSet{Rules: rules}).Validate(); err != nil {
		return nil, 0, err
	}
	return rules, in.Version, nil
}

func decodeRule(raw json.RawMessage) (sg.MonitorRule, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return sg.MonitorRule{}, sg.ErrInvalidJSON
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var j RuleJSON
	if err := dec.Decode(&j); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return sg.MonitorRule{}, sg.ErrUnknownField.WithParam("rules")
		}
		return sg.MonitorRule{}, sg.ErrInvalidJSON
	}
	kind := sg.MonitorRuleKind(j.Kind)
	allowed, ok := kindFields.Get()[kind]
	if !ok {
		return sg.MonitorRule{}, sg.ErrMonitorRuleInvalid.WithMessage("rule %q: unknown kind %q", j.ID, j.Kind)
	}
	for f := range fields {
		switch f {
		case "id", "kind", "enabled", "version":
			continue
		}
		if !contains(allowed, f) {
			return sg.MonitorRule{}, sg.ErrMonitorRuleInvalid.WithMessage("rule %q: a %s rule takes no %s (it takes %s)", j.ID, kind, f, strings.Join(allowed, ", "))
		}
	}
	r := sg.MonitorRule{ID: j.ID, Kind: kind, Enabled: j.Enabled,
		Params: sg.MonitorParams{Count: j.Count, Percent: j.Percent, Direction: sg.Direction(j.Direction)}}
	var err error
	if r.Params.Window, err = duration(j.ID, "window", j.Window); err != nil {
		return r, err
	}
	if r.Params.Dormant, err = duration(j.ID, "dormant", j.Dormant); err != nil {
		return r, err
	}
	if r.Params.Threshold, err = amount(j.ID, "threshold", j.Threshold); err != nil {
		return r, err
	}
	if r.Params.Unit, err = amount(j.ID, "unit", j.Unit); err != nil {
		return r, err
	}
	return r, nil
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

func duration(id, field, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, sg.ErrMonitorRuleInvalid.WithMessage("rule %q: %s must be a positive duration such as \"24h\"", id, field)
	}
	return d, nil
}

func amount(id, field, v string) (sg.Amount, error) {
	if v == "" {
		return 0, nil
	}
	a, err := sg.ParseAmount(v, sg.USDTDecimals)
	if err != nil {
		return 0, sg.ErrMonitorRuleInvalid.WithMessage("rule %q: %s must be a decimal USDT amount such as \"9900.00\"", id, field)
	}
	return a, nil
}

// EncodeRules shows a rule set version as the API answers it.
func EncodeRules(rs sg.MonitorRuleSet) RuleSetJSON {
	out := RuleSetJSON{Version: rs.Version, Rules: []RuleJSON{}, UpdatedBy: rs.UpdatedBy, UpdatedAt: ts(rs.UpdatedAt)}
	for _, r := range rs.Rules {
		p := r.Params
		j := RuleJSON{ID: r.ID, Kind: string(r.Kind), Enabled: r.Enabled, Version: r.Version, Count: p.Count, Percent: p.Percent, Direction: string(p.Direction)}
		if p.Window > 0 {
			j.Window = p.Window.String()
		}
		if p.Dormant > 0 {
			j.Dormant = p.Dormant.String()
		}
		if p.Threshold > 0 {
			j.Threshold = p.Threshold.String()
		}
		if p.Unit > 0 {
			j.Unit = p.Unit.String()
		}
		out.Rules = append(out.Rules, j)
	}
	return out
}
