package compliance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Rules manages each tenant's monitoring rules as versioned data: every
// put makes a new version of the whole set (the store keeps them all), and
// a rule's own Version is the set version in which it last changed, so an
// alert names exactly the thresholds it fired under.
type Rules struct {
	Store sg.MonitorRuleStore
	Now   func() time.Time
}

// Current is the tenant's rule set in force (version 0 and no rules when
// none was put).
func (r *Rules) Current(ctx context.Context, tenant string) (sg.MonitorRuleSet, error) {
	return r.Store.RuleSet(ctx, tenant)
}

// History lists the tenant's rule set versions, newest first.
func (r *Rules) History(ctx context.Context, tenant string, page sg.Page) ([]sg.MonitorRuleSet, string, error) {
	return r.Store.RuleSetHistory(ctx, tenant, page)
}

// Put makes rules the tenant's next rule set version, over the version the
// caller read (ifVersion; ErrMonitorRulesChanged when it moved on). Rules
// whose kind, parameters and switch are unchanged keep their version.
func (r *Rules) Put(ctx context.Context, tenant string, ifVersion int64, rules []sg.MonitorRule, by string) (sg.MonitorRuleSet, sg.JournalEntry, error) {
	next := sg.MonitorRuleSet{Tenant: tenant, Rules: append([]sg.MonitorRule(nil), rules...), UpdatedBy: by, UpdatedAt: r.Now().UTC()}
	if err := next.Validate(); err != nil {
		return sg.MonitorRuleSet{}, sg.JournalEntry{}, err
	}
	cur, err := r.Store.RuleSet(ctx, tenant)
	if err != nil {
		return sg.MonitorRuleSet{}, sg.JournalEntry{}, err
	}
	if cur.Version != ifVersion {
		return sg.MonitorRuleSet{}, sg.JournalEntry{}, sg.ErrMonitorRulesChanged
	}
	next.Version = cur.Version + 1
	old := map[string]sg.MonitorRule{}
	for _, o := range cur.Rules {
		old[o.ID] = o
	}
	for i, n := range next.Rules {
		n.Version = 0
		if o, ok := old[n.ID]; ok {
			o.Version = 0
			if reflect.DeepEqual(o, n) {
				next.Rules[i].Version = old[n.ID].Version
				continue
			}
		}
		next.Rules[i].Version = next.Version
	}
	if err := r.Store.PutRuleSet(ctx, next); err != nil {
		return sg.MonitorRuleSet{}, sg.JournalEntry{}, err
	}
	j := sg.JournalEntry{At: next.UpdatedAt, Actor: by, Action: "monitor_rules.updated", Subject: "rules v" + strconv.FormatInt(next.Version, 10),
		Detail: fmt.Sprintf("%d rules", len(next.Rules))}
	return next, j, nil
}

// finding is one rule firing on one event: the alert it becomes.
type finding struct {
	rule     sg.MonitorRule
	subject  string
	window   string // what makes the pattern unique: the window bucket, the address, the event
	evidence []sg.Activity
	detail   string
}

// inWindow are the window's entries of direction d (DirAny: both) from
// at-w (inclusive) to at (inclusive): later entries, from events delivered
// out of order, never count toward an earlier event.
func inWindow(win []sg.Activity, at time.Time, w time.Duration, d sg.Direction) []sg.Activity {
	var out []sg.Activity
	from := at.Add(-w)
	for _, a := range win {
		if a.At.Before(from) || a.At.After(at) || (d != sg.DirAny && a.Dir != d) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// bucket names the window-length slice of time at falls in, so a pattern
// that keeps matching within one window alerts once.
func bucket(at time.Time, w time.Duration) string {
	return "w" + strconv.FormatInt(at.UnixNano()/int64(w), 10)
}

// mulDiv is a*num/den without overflow (den > 0, results fit an Amount
// for the percentages rules use).
func mulDiv(a sg.Amount, num, den int64) sg.Amount {
	v := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num))
	return sg.Amount(v.Quo(v, big.NewInt(den)).Int64())
}

func sum(as []sg.Activity) sg.Amount {
	var s sg.Amount
	for _, a := range as {
		s += a.Amount
	}
	return s
}

// evaluate runs one rule over the wallet's window after cur (the entry the
// event appended or had appended). firstPayout says whether cur is the
// wallet's first payout to its destination. The semantics, per kind:
//
//   - velocity: the wallet's transfers in the direction within Window
//     (cur included) are more than Count in number (Count > 0), or sum to
//     more than Threshold (Threshold > 0). Evaluated when cur is in the
//     direction.
//   - structuring: at least Count transfers in the direction within
//     Window have amounts just under the limit: in [Threshold less Percent%,
//     Threshold). Evaluated when cur is such an amount.
//   - round_amounts: at least Count transfers in the direction within
//     Window are whole multiples of Unit. Evaluated when cur is one.
//   - new_destination_large: a payout of at least Threshold to an outside
//     address the wallet never paid before.
//   - rapid_in_out: on money out, the wallet's money in within Window is
//     positive, and what went out within Window since the first of those
//     ins (cur included) is at least Percent% of it.
//   - dormant_wakes: the wallet had no activity for at least Dormant
//     before cur (and had some before that: a new wallet is not dormant),
//     and cur moves at least Threshold.
//   - many_senders: at least Count distinct sending addresses paid into
//     cur's deposit address within Window. Evaluated on deposits whose
//     sender is known; the subject is the address.
func evaluate(r sg.MonitorRule, wallet string, win []sg.Activity, cur sg.Activity, firstPayout bool) (finding, bool) {
	p := r.Params
	f := finding{rule: r, subject: wallet}
	dirOK := p.Direction == sg.DirAny || p.Direction == cur.Dir
	switch r.Kind {
	case sg.MonVelocity:
		if !dirOK {
			return f, false
		}
		in := inWindow(win, cur.At, p.Window, p.Direction)
		total := sum(in)
		if (p.Count > 0 && len(in) > p.Count) || (p.Threshold > 0 && total > p.Threshold) {
			f.window, f.evidence = bucket(cur.At, p.Window), in
			f.detail = fmt.Sprintf("%d transfers (%s) summing to %s USDT within %s", len(in), p.Direction, total, p.Window)
			return f, true
		}
	case sg.MonStructuring:
		lo := p.Threshold - mulDiv(p.Threshold, int64(p.Percent), 100)
		under := func(a sg.Activity) bool { return a.Amount >= lo && a.Amount < p.Threshold }
		if !dirOK || !under(cur) {
			return f, false
		}
		var hits []sg.Activity
		for _, a := range inWindow(win, cur.At, p.Window, p.Direction) {
			if under(a) {
				hits = append(hits, a)
			}
		}
		if len(hits) >= p.Count {
			f.window, f.evidence = bucket(cur.At, p.Window), hits
			f.detail = fmt.Sprintf("%d transfers from %s to just under %s USDT within %s", len(hits), lo, p.Threshold, p.Window)
			return f, true
		}
	case sg.MonRoundAmounts:
		round := func(a sg.Activity) bool { return a.Amount > 0 && a.Amount%p.Unit == 0 }
		if !dirOK || !round(cur) {
			return f, false
		}
		var hits []sg.Activity
		for _, a := range inWindow(win, cur.At, p.Window, p.Direction) {
			if round(a) {
				hits = append(hits, a)
			}
		}
		if len(hits) >= p.Count {
			f.window, f.evidence = bucket(cur.At, p.Window), hits
			f.detail = fmt.Sprintf("%d transfers in whole multiples of %s USDT within %s", len(hits), p.Unit, p.Window)
			return f, true
		}
	case sg.MonNewDestinationLarge:
		if cur.Dir == sg.DirOut && cur.Address != "" && firstPayout && cur.Amount >= p.Threshold {
			f.window, f.evidence = string(cur.Chain)+":"+cur.Address, []sg.Activity{cur}
			f.detail = fmt.Sprintf("first payout to %s:%s, of %s USDT (threshold %s)", cur.Chain, cur.Address, cur.Amount, p.Threshold)
			return f, true
		}
	case sg.MonRapidInOut:
		if cur.Dir != sg.DirOut {
			return f, false
		}
		recent := inWindow(win, cur.At, p.Window, sg.DirAny)
		var ins, outs sg.Amount
		var ev []sg.Activity
		seenIn := false
		for _, a := range recent {
			if a.Dir == sg.DirIn {
				ins += a.Amount
				seenIn = true
				ev = append(ev, a)
			} else if seenIn {
				outs += a.Amount
				ev = append(ev, a)
			}
		}
		if ins > 0 && mulDiv(outs, 100, 1) >= mulDiv(ins, int64(p.Percent), 1) {
			f.window, f.evidence = bucket(cur.At, p.Window), ev
			f.detail = fmt.Sprintf("%s USDT in then %s USDT out within %s (at least %d%%)", ins, outs, p.Window, p.Percent)
			return f, true
		}
	case sg.MonDormantWakes:
		if !cur.PrevAt.IsZero() && cur.At.Sub(cur.PrevAt) >= p.Dormant && cur.Amount >= p.Threshold {
			f.window, f.evidence = "e"+cur.EventID, []sg.Activity{cur}
			f.detail = fmt.Sprintf("no activity for %s, then %s USDT %s", cur.At.Sub(cur.PrevAt), cur.Amount, cur.Dir)
			return f, true
		}
	case sg.MonManySenders:
		if cur.Dir != sg.DirIn || cur.Counterparty == "" || cur.Address == "" {
			return f, false
		}
		senders := map[string]bool{}
		var ev []sg.Activity
		for _, a := range inWindow(win, cur.At, p.Window, sg.DirIn) {
			if a.Address == cur.Address && a.Chain == cur.Chain && a.Counterparty != "" {
				senders[a.Counterparty] = true
				ev = append(ev, a)
			}
		}
		if len(senders) >= p.Count {
			f.subject = string(cur.Chain) + ":" + cur.Address
			f.window, f.evidence = bucket(cur.At, p.Window), ev
			f.detail = fmt.Sprintf("%d distinct senders into %s:%s within %s", len(senders), cur.Chain, cur.Address, p.Window)
			return f, true
		}
	}
	return f, false
}

// fingerprint names a pattern: the same rule, subject and window.
func fingerprint(tenant string, f finding) string {
	h := sha256.Sum256([]byte(tenant + "\x00" + f.rule.ID + "\x00" + f.subject + "\x00" + f.window))
	return hex.EncodeToString(h[:16])
}
