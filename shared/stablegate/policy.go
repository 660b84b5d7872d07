package stablegate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A tenant's payout policy: rules evaluated for every withdrawal before it
// may be signed. Each rule that matches either refuses the payout or asks
// for approvals; the strictest matching rule wins (any refusal beats any
// approval count, a larger count beats a smaller one).
type Policy struct {
	Rules []Rule
	// ApprovalTTL is how long a payout waits for its approvals before it
	// expires and its hold is voided.
	ApprovalTTL time.Duration
	// CoolingOff is how long a new allowlist entry waits before it counts.
	CoolingOff time.Duration
	// Approvers, when set, are the only subjects whose approvals count (in
	// addition to holding the approvals:write scope).
	Approvers []string
	// UnfreezeApprovals is how many distinct approvers lift a freeze of
	// the tenant or of one of its wallets.
	UnfreezeApprovals int
	// Webhook, if set, is the tenant's own server, asked to vote on every
	// payout that waits for approvals. Its secret (for the request's
	// signature) is stored sealed, never in the policy document.
	Webhook *ApprovalWebhook
	// WebhookSecretSealed is the webhook secret, envelope-encrypted.
	WebhookSecretSealed []byte `json:"-"`
	// Version counts updates; UpdatedBy is the subject of the last.
	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// RuleKind names what a rule looks at.
type RuleKind string

// Rule kinds.
const (
	// RuleAmountOver matches a payout whose amount is over Amount.
	RuleAmountOver RuleKind = "amount_over"
	// RuleNotAllowlisted matches a payout to a destination that is not on
	// the allowlist, or whose entry is still cooling off.
	RuleNotAllowlisted RuleKind = "destination_not_allowlisted"
	// RuleVelocity matches when the tenant's payouts of the last 24 hours,
	// this one included, sum to more than Amount.
	RuleVelocity RuleKind = "velocity_24h_over"
	// RuleOutsideWindow matches a payout requested outside Window.
	RuleOutsideWindow RuleKind = "outside_window"
)

// Rule is one condition and what follows when it matches: Reject, or
// Approvals distinct approvals.
type Rule struct {
	Name      string
	Kind      RuleKind
	Chain     Chain // "" matches every chain
	Amount    Amount
	Window    *Window
	Reject    bool
	Approvals int
}

// Window is the weekly time a payout may be requested in without the rule
// matching: on Days (0 = Sunday), from From to To (minutes since midnight,
// To exclusive) in Zone.
type Window struct {
	Days     []time.Weekday
	From, To int
	Zone     string
}

// Policy limits keep a policy small enough to evaluate and store in one item.
const (
	MaxRules        = 20
	MaxApprovals    = 10
	MaxApprovers    = 50
	MaxApprovalTTL  = 7 * 24 * time.Hour
	MaxCoolingOff   = 30 * 24 * time.Hour
	DefaultApproval = 24 * time.Hour
)

// DefaultPolicy is what a tenant without a policy gets: no rules, and two
// approvers to lift a freeze.
func DefaultPolicy() Policy {
	return Policy{ApprovalTTL: DefaultApproval, CoolingOff: 24 * time.Hour, UnfreezeApprovals: 2}
}

// ApprovalWebhook is where a tenant's server takes approval requests.
type ApprovalWebhook struct {
	URL string
}

// WebhookApprover is the approver name a webhook's vote is recorded under.
const WebhookApprover = "webhook"

// Facts are what a policy needs to know about a payout beyond its record.
type Facts struct {
	Now time.Time
	// Allowlisted: the destination has an allowlist entry past its cooling-off.
	Allowlisted bool
	// Velocity24h sums the tenant's payouts counted in the last 24 hours,
	// this one included.
	Velocity24h Amount
}

// Outcome is a policy's verdict.
type Outcome string

// Outcomes.
const (
	OutcomeApprove        Outcome = "approve"
	OutcomeReject         Outcome = "reject"
	OutcomeNeedsApprovals Outcome = "needs_approvals"
)

// Decision is the verdict and the rules that led to it.
type Decision struct {
	Outcome   Outcome
	Approvals int
	// Wait is how long approvals are waited for.
	Wait    time.Duration
	Matched []string
}

// Reason is the decision in words, for the transfer's events and the journal.
func (d Decision) Reason() string {
	switch d.Outcome {
	case OutcomeReject:
		return "policy refused: " + strings.Join(d.Matched, ", ")
	case OutcomeNeedsApprovals:
		return fmt.Sprintf("waiting for %d approvals: %s", d.Approvals, strings.Join(d.Matched, ", "))
	}
	return "policy passed"
}

// Evaluate applies the policy to a payout. It is a pure function of the
// policy, the payout and the facts.
func (p Policy) Evaluate(t Transfer, f Facts) Decision {
	d := Decision{Outcome: OutcomeApprove}
	var rejects, approvals []string
	for _, r := range p.Rules {
		if r.Chain != "" && r.Chain != t.Chain || !r.matches(t, f) {
			continue
		}
		if r.Reject {
			rejects = append(rejects, r.Name)
			continue
		}
		approvals = append(approvals, r.Name)
		d.Approvals = max(d.Approvals, r.Approvals)
	}
	switch {
	case len(rejects) > 0:
		return Decision{Outcome: OutcomeReject, Matched: rejects}
	case len(approvals) > 0:
		d.Outcome, d.Matched, d.Wait = OutcomeNeedsApprovals, approvals, p.ApprovalTTL
	}
	return d
}

func (r Rule) matches(t Transfer, f Facts) bool {
	switch r.Kind {
	case RuleAmountOver:
		return t.Amount > r.Amount
	case RuleNotAllowlisted:
		return !f.Allowlisted
	case RuleVelocity:
		return f.Velocity24h > r.Amount
	case RuleOutsideWindow:
		return r.Window != nil && !r.Window.Contains(f.Now)
	}
	return false
}

// Contains reports whether at falls inside the window.
func (w Window) Contains(at time.Time) bool {
	loc, err := time.LoadLocation(w.Zone)
	if err != nil {
		return false // validated on the way in; a zone gone missing is outside
	}
	l := at.In(loc)
	day := false
	for _, d := range w.Days {
		day = day || d == l.Weekday()
	}
	m := l.Hour()*60 + l.Minute()
	return day && m >= w.From && m < w.To
}

// ParseClock reads "HH:MM" as minutes since midnight ("24:00" is the end of
// the day).
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

// FormatClock writes minutes since midnight as "HH:MM".
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Check validates a policy, naming the offending field.
func (p Policy) Check() error {
	bad := func(param, msg string) error { return ErrValidation.WithParam(param).WithMessage("%s", msg) }
	if len(p.Rules) > MaxRules {
		return bad("rules", fmt.Sprintf("at most %d rules", MaxRules))
	}
	names := map[string]bool{}
	for i, r := range p.Rules {
		at := fmt.Sprintf("rules[%d]", i)
		if r.Name == "" || names[r.Name] {
			return bad(at+".name", "each rule needs a name of its own")
		}
		names[r.Name] = true
		if r.Chain != "" && !r.Chain.Valid() {
			return bad(at+".chain", "chain must be ethereum or tron")
		}
		if r.Reject == (r.Approvals > 0) {
			return bad(at+".action", "a rule either rejects or asks for 1 to 10 approvals")
		}
		if r.Approvals > MaxApprovals {
			return bad(at+".action.approvals", fmt.Sprintf("at most %d approvals", MaxApprovals))
		}
		if len(p.Approvers) > 0 && r.Approvals > len(p.Approvers) {
			return bad(at+".action.approvals", "more approvals than listed approvers could ever give")
		}
		switch r.Kind {
		case RuleAmountOver, RuleVelocity:
			if r.Amount < 0 {
				return bad(at+".amount", "amount must not be negative")
			}
		case RuleNotAllowlisted:
		case RuleOutsideWindow:
			w := r.Window
			if w == nil {
				return bad(at+".window", "an outside_window rule needs a window")
			}
			if _, err := time.LoadLocation(w.Zone); err != nil || w.Zone == "" {
				return bad(at+".window.timezone", "timezone must be an IANA zone name such as Europe/Berlin")
			}
			if len(w.Days) == 0 || w.From >= w.To {
				return bad(at+".window", "a window needs days and a start before its end")
			}
		default:
			return bad(at+".kind", "kind must be amount_over, destination_not_allowlisted, velocity_24h_over or outside_window")
		}
	}
	if p.ApprovalTTL <= 0 || p.ApprovalTTL > MaxApprovalTTL {
		return bad("approval_ttl_seconds", "approvals may be waited for from 1 second to 7 days")
	}
	if p.CoolingOff < 0 || p.CoolingOff > MaxCoolingOff {
		return bad("allowlist_cooling_off_seconds", "cooling-off is 0 to 30 days")
	}
	if len(p.Approvers) > MaxApprovers {
		return bad("approvers", fmt.Sprintf("at most %d approvers", MaxApprovers))
	}
	if p.UnfreezeApprovals < 1 || p.UnfreezeApprovals > MaxApprovals {
		return bad("unfreeze_approvals", "1 to 10 approvals lift a freeze")
	}
	return nil
}

// Normalize trims, dedups and sorts the approvers list (MayApprove
// searches it).
func (p *Policy) Normalize() {
	seen := map[string]bool{}
	var out []string
	for _, a := range p.Approvers {
		if a = strings.TrimSpace(a); a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	p.Approvers = out
}

// MayApprove reports whether subject's approval counts under the policy.
func (p Policy) MayApprove(subject string) bool {
	if len(p.Approvers) == 0 {
		return true
	}
	i := sort.SearchStrings(p.Approvers, subject)
	return i < len(p.Approvers) && p.Approvers[i] == subject
}

// Approval is one approver's say on a payout or an unfreeze.
type Approval struct {
	Approver string
	Approve  bool
	Comment  string
	At       time.Time
}

// AllowEntry is a destination on a tenant's allowlist.
type AllowEntry struct {
	Chain    Chain
	Address  string
	Label    string
	AddedBy  string
	AddedAt  time.Time
	ActiveAt time.Time
}

// FreezeScope is what a freeze stops.
type FreezeScope string

// Freeze scopes.
const (
	FreezeWallet   FreezeScope = "wallet"
	FreezeTenant   FreezeScope = "tenant"
	FreezePlatform FreezeScope = "platform"
)

// Freeze stops payouts of a wallet, a tenant or the whole platform at their
// next step, until enough distinct approvers lift it.
type Freeze struct {
	ID       string
	Scope    FreezeScope
	TenantID string // "" for the platform
	WalletID string // for a wallet freeze
	Reason   string
	By       string
	At       time.Time
	// Required approvals to lift it, and those given.
	Required int
	Votes    []Approval
	Lifted   bool
	LiftedAt time.Time
}

// JournalEntry is one decision as the journal keeps it: who decided what
// about which subject, and why. Entries chain by hash, so an edit shows.
type JournalEntry struct {
	Seq     int64
	At      time.Time
	Actor   string
	Action  string
	Subject string
	Detail  string
	Hash    string
	Prev    string
}

// Policy and approval refusals.
var (
	ErrSelfApproval        = &Error{Kind: KindRefused, Code: "self_approval", Message: "the requester of a payout cannot approve it"}
	ErrApproverNotListed   = &Error{Kind: KindRefused, Code: "approver_not_listed", Message: "the policy's approvers list does not include you"}
	ErrNotAwaitingApproval = &Error{Kind: KindConflict, Code: "not_awaiting_approval", Message: "the payout is not waiting for approvals"}
	ErrApprovalExpired     = &Error{Kind: KindRefused, Code: "approval_expired", Message: "the time to approve this payout has passed; it has expired"}
	ErrAlreadyDecided      = &Error{Kind: KindConflict, Code: "already_decided", Message: "you have already given your decision on this"}
	ErrFrozen              = &Error{Kind: KindRefused, Code: "frozen", Message: "payouts are frozen"}
	ErrFreezeNotFound      = &Error{Kind: KindNotFound, Code: "freeze_not_found", Message: "no such freeze", Param: "freeze_id"}
	ErrFreezeLifted        = &Error{Kind: KindConflict, Code: "freeze_lifted", Message: "the freeze has already been lifted", Param: "freeze_id"}
	ErrAlreadyFrozen       = &Error{Kind: KindConflict, Code: "already_frozen", Message: "a freeze of this scope is already in force"}
)
