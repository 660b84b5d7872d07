package stablegate

import (
	"context"
	"fmt"
	"time"
)

// Transaction monitoring: a tenant's rules are versioned data (a MonitorRuleSet),
// evaluated by shared/compliance on every ledger event. The monitor never
// scans a tenant's history: each event updates and reads one bounded
// window of its wallet's recent activity (ActivityStore), the wallet's
// last activity, and one marker per destination paid.

// MonitorRuleKind names what a rule looks for.
type MonitorRuleKind string

// Monitoring rule kinds. The parameters each reads are listed on MonitorParams; the
// semantics are documented in shared/compliance (rules.go).
const (
	MonVelocity            MonitorRuleKind = "velocity"
	MonStructuring         MonitorRuleKind = "structuring"
	MonRoundAmounts        MonitorRuleKind = "round_amounts"
	MonNewDestinationLarge MonitorRuleKind = "new_destination_large"
	MonRapidInOut          MonitorRuleKind = "rapid_in_out"
	MonDormantWakes        MonitorRuleKind = "dormant_wakes"
	MonManySenders         MonitorRuleKind = "many_senders"
)

// MonitorRuleKinds lists every kind in a stable order.
var MonitorRuleKinds = []MonitorRuleKind{MonVelocity, MonStructuring, MonRoundAmounts, MonNewDestinationLarge, MonRapidInOut, MonDormantWakes, MonManySenders}

// Direction says which side of a wallet's activity a rule counts.
type Direction string

// Directions: money into the wallet, out of it, or both.
const (
	DirIn  Direction = "in"
	DirOut Direction = "out"
	DirAny Direction = "any"
)

// MonitorParams are a rule's thresholds. Each kind reads its own fields
// (Validate refuses a rule missing one):
//
//	velocity               Window, Direction, and Count (more than Count transfers) and/or Threshold (sum more than Threshold)
//	structuring            Window, Direction, Threshold (the limit), Percent (band below it), Count (at least)
//	round_amounts          Window, Direction, Unit (multiple of), Count (at least)
//	new_destination_large  Threshold (at least)
//	rapid_in_out           Window, Percent (paid out of what came in)
//	dormant_wakes          Dormant (quiet for at least), Threshold (at least)
//	many_senders           Window, Count (distinct senders, at least)
type MonitorParams struct {
	Window    time.Duration
	Dormant   time.Duration
	Threshold Amount
	Unit      Amount
	Count     int
	Percent   int
	Direction Direction
}

// MonitorRule is one monitoring rule of a tenant. Version is the rule set version
// in which the rule last changed (set by the compliance service on put).
type MonitorRule struct {
	ID      string
	Kind    MonitorRuleKind
	Params  MonitorParams
	Version int64
	Enabled bool
}

// MonitorRuleSet is a tenant's rules at one version. Versions start at 1 and go
// up by one per put; every version is kept (history).
type MonitorRuleSet struct {
	Tenant    string
	Version   int64
	Rules     []MonitorRule
	UpdatedBy string
	UpdatedAt time.Time
}

// MaxMonitorRules bounds a tenant's rule set.
const MaxMonitorRules = 50

// MaxMonitorWindow bounds any rule's window (and so the activity kept per wallet).
const MaxMonitorWindow = 90 * 24 * time.Hour

// Monitoring refusals.
var (
	// ErrMonitorRuleInvalid: a rule's kind or parameters are out of range.
	ErrMonitorRuleInvalid = &Error{Kind: KindInvalid, Code: "rule_invalid", Message: "a rule's kind or parameters are invalid", Param: "rules"}
	// ErrMonitorRulesChanged: the rule set moved on since it was read.
	ErrMonitorRulesChanged = &Error{Kind: KindConflict, Code: "rules_changed", Message: "the rule set changed since it was read; read it again"}
)

// Validate checks a rule's kind and the parameters it reads.
func (r MonitorRule) Validate() error {
	bad := func(f string, a ...any) error {
		return ErrMonitorRuleInvalid.WithMessage("rule %q: "+f, append([]any{r.ID}, a...)...)
	}
	if r.ID == "" || len(r.ID) > 64 {
		return ErrMonitorRuleInvalid.WithMessage("a rule needs an id of 1 to 64 characters")
	}
	p := r.Params
	window := func() error {
		if p.Window <= 0 || p.Window > MaxMonitorWindow {
			return bad("window must be positive and at most %s", MaxMonitorWindow)
		}
		return nil
	}
	dir := func() error {
		switch p.Direction {
		case DirIn, DirOut, DirAny:
			return nil
		}
		return bad("direction must be in, out or any")
	}
	if p.Threshold < 0 || p.Unit < 0 || p.Count < 0 || p.Percent < 0 {
		return bad("parameters cannot be negative")
	}
	var errs []error
	switch r.Kind {
	case MonVelocity:
		errs = []error{window(), dir()}
		if p.Count == 0 && p.Threshold == 0 {
			errs = append(errs, bad("velocity needs a count or a threshold"))
		}
	case MonStructuring:
		errs = []error{window(), dir()}
		if p.Threshold == 0 || p.Count < 2 || p.Percent < 1 || p.Percent > 50 {
			errs = append(errs, bad("structuring needs a threshold, a count of at least 2 and a percent from 1 to 50"))
		}
	case MonRoundAmounts:
		errs = []error{window(), dir()}
		if p.Unit == 0 || p.Count < 1 {
			errs = append(errs, bad("round_amounts needs a unit and a count"))
		}
	case MonNewDestinationLarge:
		if p.Threshold == 0 {
			errs = append(errs, bad("new_destination_large needs a threshold"))
		}
	case MonRapidInOut:
		errs = []error{window()}
		if p.Percent < 1 || p.Percent > 100 {
			errs = append(errs, bad("rapid_in_out needs a percent from 1 to 100"))
		}
	case MonDormantWakes:
		if p.Dormant <= 0 || p.Threshold == 0 {
			errs = append(errs, bad("dormant_wakes needs a dormant period and a threshold"))
		}
	case MonManySenders:
		errs = []error{window()}
		if p.Count < 2 {
			errs = append(errs, bad("many_senders needs a count of at least 2"))
		}
	default:
		return bad("unknown kind %q", r.Kind)
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Validate checks every rule and that ids are unique.
func (rs MonitorRuleSet) Validate() error {
	if len(rs.Rules) > MaxMonitorRules {
		return ErrMonitorRuleInvalid.WithMessage("at most %d rules", MaxMonitorRules)
	}
	seen := map[string]bool{}
	for _, r := range rs.Rules {
		if err := r.Validate(); err != nil {
			return err
		}
		if seen[r.ID] {
			return ErrMonitorRuleInvalid.WithMessage("rule id %q appears twice", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

// LongestWindow is the longest window of the enabled rules: how far back
// the monitor keeps a wallet's activity.
func (rs MonitorRuleSet) LongestWindow() time.Duration {
	var w time.Duration
	for _, r := range rs.Rules {
		if r.Enabled && r.Params.Window > w {
			w = r.Params.Window
		}
	}
	return w
}

// LedgerEventKind says what happened in the ledger.
type LedgerEventKind string

// Ledger events the monitor hears.
const (
	// EventDepositConfirmed: a chain deposit into a wallet became available.
	EventDepositConfirmed LedgerEventKind = "deposit_confirmed"
	// EventTransferPosted: an internal transfer between two of the tenant's wallets.
	EventTransferPosted LedgerEventKind = "transfer_posted"
	// EventPayoutPosted: a withdrawal to an outside address was posted.
	EventPayoutPosted LedgerEventKind = "payout_posted"
)

// LedgerEvent is one money movement as the monitor sees it. ID is unique
// per event (the transfer id and the state it reached): a redelivered
// event carries the same ID and changes nothing twice.
type LedgerEvent struct {
	ID         string
	Kind       LedgerEventKind
	Tenant     string
	TransferID string // the ledger's transfer id ("" for a deposit known only by Ref)
	Ref        string // a deposit's chain ref
	Chain      Chain
	Amount     Amount
	// FromWallet / ToWallet are the tenant's wallets on each side (a
	// deposit has only ToWallet, a payout only FromWallet).
	FromWallet string
	ToWallet   string
	// Address is the deposit address credited, or the payout's destination.
	Address string
	// Sender is a deposit's sending address ("" when the watcher does not say).
	Sender string
	At     time.Time
}

// Valid checks the fields every event needs.
func (e LedgerEvent) Valid() error {
	if e.ID == "" || e.Tenant == "" || e.Amount <= 0 || e.At.IsZero() {
		return fmt.Errorf("stablegate: ledger event needs id, tenant, a positive amount and a time")
	}
	switch e.Kind {
	case EventDepositConfirmed:
		if e.ToWallet == "" {
			return fmt.Errorf("stablegate: deposit event %s names no wallet", e.ID)
		}
	case EventPayoutPosted:
		if e.FromWallet == "" || e.Address == "" {
			return fmt.Errorf("stablegate: payout event %s needs its wallet and destination", e.ID)
		}
	case EventTransferPosted:
		if e.FromWallet == "" || e.ToWallet == "" {
			return fmt.Errorf("stablegate: transfer event %s needs both wallets", e.ID)
		}
	default:
		return fmt.Errorf("stablegate: unknown ledger event kind %q", e.Kind)
	}
	return nil
}

// Activity is one movement in a wallet's recent activity window.
type Activity struct {
	EventID    string
	TransferID string
	At         time.Time
	Dir        Direction // DirIn or DirOut
	Amount     Amount
	Chain      Chain
	// Address is the wallet's deposit address (in) or the destination (out).
	Address string
	// Counterparty is the sender address of a deposit, or the other wallet
	// of an internal transfer.
	Counterparty string
	// PrevAt is the wallet's last activity before this one (zero: none),
	// recorded when the entry was appended.
	PrevAt time.Time
}

// ActivityStore keeps, per wallet, a bounded window of recent activity and
// the destinations it paid. Each call reads and writes one wallet's items:
// nothing scans a tenant's history.
type ActivityStore interface {
	// RecordActivity appends a to the wallet's window once per a.EventID
	// (setting a.PrevAt to the wallet's last activity), drops entries
	// before keepSince and keeps at most max (the newest), and returns the
	// entries kept, oldest first, with a as stored. An entry already
	// recorded, or older than keepSince, is not appended again (fresh
	// false). Two concurrent calls on one wallet both land.
	RecordActivity(ctx context.Context, tenant, wallet string, a Activity, keepSince time.Time, max int) (window []Activity, stored Activity, fresh bool, err error)
	// FirstPayout records that the wallet paid addr on chain in eventID
	// and reports whether eventID is the first payout there (true again
	// for a redelivery of that same event).
	FirstPayout(ctx context.Context, tenant, wallet string, c Chain, addr, eventID string) (bool, error)
}

// MonitorRuleStore keeps every version of each tenant's rule set.
type MonitorRuleStore interface {
	// PutRuleSet writes rs as version rs.Version, only if the current
	// version is rs.Version-1 (ErrMonitorRulesChanged otherwise).
	PutRuleSet(ctx context.Context, rs MonitorRuleSet) error
	// RuleSet is the tenant's current rule set (Version 0, no rules, when
	// none was put).
	RuleSet(ctx context.Context, tenant string) (MonitorRuleSet, error)
	// RuleSetHistory lists the tenant's versions, newest first; the cursor
	// is the last version returned.
	RuleSetHistory(ctx context.Context, tenant string, page Page) ([]MonitorRuleSet, string, error)
}

// MonitorStore is everything monitoring and cases keep (one aggregate:
// the in-memory twin and dynamo.Compliance implement it whole).
type MonitorStore interface {
	MonitorRuleStore
	ActivityStore
	CaseStore
}
