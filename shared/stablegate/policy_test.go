package stablegate

import (
	"testing"
	"time"
)

func TestPolicyEvaluate(t *testing.T) {
	berlin := &Window{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: 9 * 60, To: 17 * 60, Zone: "Europe/Berlin"}
	p := Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Rules: []Rule{
		{Name: "large", Kind: RuleAmountOver, Amount: 1_000_000_000, Approvals: 2},
		{Name: "huge", Kind: RuleAmountOver, Amount: 50_000_000_000, Approvals: 3},
		{Name: "tron-new", Kind: RuleNotAllowlisted, Chain: Tron, Approvals: 1},
		{Name: "cap", Kind: RuleVelocity, Amount: 100_000_000_000, Reject: true},
		{Name: "hours", Kind: RuleOutsideWindow, Window: berlin, Approvals: 1},
	}}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	// Monday 10:00 in Berlin is 09:00 UTC in winter.
	in := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	out := time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC) // 17:30 in Berlin
	cases := []struct {
		name    string
		t       Transfer
		f       Facts
		outcome Outcome
		n       int
		matched string
	}{
		{"small, allowlisted, in hours", Transfer{Chain: Tron, Amount: 5_000_000}, Facts{Now: in, Allowlisted: true, Velocity24h: 5_000_000}, OutcomeApprove, 0, ""},
		{"over the threshold", Transfer{Chain: Ethereum, Amount: 1_000_000_001}, Facts{Now: in, Velocity24h: 1_000_000_001}, OutcomeNeedsApprovals, 2, "large"},
		{"exactly the threshold", Transfer{Chain: Ethereum, Amount: 1_000_000_000}, Facts{Now: in}, OutcomeApprove, 0, ""},
		{"largest count wins", Transfer{Chain: Ethereum, Amount: 60_000_000_000}, Facts{Now: out}, OutcomeNeedsApprovals, 3, "large,huge,hours"},
		{"allowlist rule is Tron's only", Transfer{Chain: Ethereum, Amount: 1}, Facts{Now: in}, OutcomeApprove, 0, ""},
		{"new Tron destination", Transfer{Chain: Tron, Amount: 1}, Facts{Now: in}, OutcomeNeedsApprovals, 1, "tron-new"},
		{"a refusal beats approvals", Transfer{Chain: Tron, Amount: 60_000_000_000}, Facts{Now: in, Velocity24h: 100_000_000_001}, OutcomeReject, 0, "cap"},
		{"Saturday", Transfer{Chain: Ethereum, Amount: 1}, Facts{Now: in.Add(5 * 24 * time.Hour)}, OutcomeNeedsApprovals, 1, "hours"},
	}
	for _, c := range cases {
		d := p.Evaluate(c.t, c.f)
		got := ""
		for i, m := range d.Matched {
			if i > 0 {
				got += ","
			}
			got += m
		}
		if d.Outcome != c.outcome || d.Approvals != c.n || got != c.matched {
			t.Errorf("%s: %+v", c.name, d)
		}
		if d.Outcome == OutcomeNeedsApprovals && d.Wait != time.Hour {
			t.Errorf("%s: waits %s", c.name, d.Wait)
		}
	}
}

func TestPolicyCheckNamesTheField(t *testing.T) {
	base := func() Policy { return Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2} }
	cases := map[string]func(*Policy){
		"rules[0].name": func(p *Policy) { p.Rules = []Rule{{Kind: RuleAmountOver, Approvals: 1}} },
		"rules[1].name": func(p *Policy) {
			p.Rules = []Rule{{Name: "a", Kind: RuleAmountOver, Approvals: 1}, {Name: "a", Kind: RuleAmountOver, Approvals: 1}}
		},
		"rules[0].action": func(p *Policy) { p.Rules = []Rule{{Name: "a", Kind: RuleAmountOver, Reject: true, Approvals: 1}} },
		"rules[0].action.approvals": func(p *Policy) {
			p.Approvers = []string{"x"}
			p.Rules = []Rule{{Name: "a", Kind: RuleAmountOver, Approvals: 2}}
		},
		"rules[0].kind":   func(p *Policy) { p.Rules = []Rule{{Name: "a", Kind: "sometimes", Reject: true}} },
		"rules[0].window": func(p *Policy) { p.Rules = []Rule{{Name: "a", Kind: RuleOutsideWindow, Reject: true}} },
		"rules[0].window.timezone": func(p *Policy) {
			p.Rules = []Rule{{Name: "a", Kind: RuleOutsideWindow, Reject: true, Window: &Window{Days: []time.Weekday{1}, From: 0, To: 60, Zone: "Nowhere/Else"}}}
		},
		"approval_ttl_seconds":          func(p *Policy) { p.ApprovalTTL = 8 * 24 * time.Hour },
		"allowlist_cooling_off_seconds": func(p *Policy) { p.CoolingOff = -time.Second },
		"unfreeze_approvals":            func(p *Policy) { p.UnfreezeApprovals = 0 },
	}
	for param, edit := range cases {
		p := base()
		edit(&p)
		err := p.Check()
		e, ok := err.(*Error)
		if !ok || e.Param != param {
			t.Errorf("%s: %v", param, err)
		}
	}
}

func TestClock(t *testing.T) {
	for s, want := range map[string]int{"00:00": 0, "09:30": 570, "24:00": 1440} {
		if m, ok := ParseClock(s); !ok || m != want || (s != "24:00" && FormatClock(m) != s) {
			t.Errorf("%s -> %d %v", s, m, ok)
		}
	}
	for _, bad := range []string{"24:01", "9:30", "09:60", "ab:cd", "0930"} {
		if _, ok := ParseClock(bad); ok {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestMayApprove(t *testing.T) {
	p := Policy{Approvers: []string{" carol", "bob", "bob", ""}}
	p.Normalize()
	if len(p.Approvers) != 2 || !p.MayApprove("bob") || !p.MayApprove("carol") || p.MayApprove("alice") {
		t.Fatalf("%v", p.Approvers)
	}
	if !(Policy{}).MayApprove("anyone") {
		t.Fatal("an empty list should let any approver count")
	}
}
