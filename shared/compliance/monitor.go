package compliance

import (
	"context"
	"fmt"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DefaultMaxActivity is how many recent movements the monitor keeps per
// wallet (the newest, within the longest window of the tenant's rules).
// A wallet busier than that within a window is judged on its newest
// DefaultMaxActivity movements: counts and sums are then lower bounds
// (velocity still fires, as the cap is above any sensible count).
const DefaultMaxActivity = 200

// Monitor evaluates a tenant's monitoring rules on every ledger event.
//
// Scale: nothing scans a tenant's history. Each event costs, per wallet it
// touches, one read-modify-write of that wallet's activity window (the
// entries within the longest window of the tenant's enabled rules, at most
// MaxActivity) and, for a payout, one conditional write of the
// destination's first-payout marker; the rule set is one read. Sliding
// windows over a bounded log are used rather than bucketed counters
// because three rules need more than a count (distinct senders, amounts
// in a band, ins before outs) and counters keyed by a rule's parameters
// would restart whenever a rule's version changed.
//
// Redelivery: the activity entry is appended once per event id (its
// previous-activity time kept with it), the alert id is derived from its
// fingerprint and written last, and the case it opens is keyed by the
// alert id: an event delivered again raises nothing new.
type Monitor struct {
	Rules    sg.MonitorRuleStore
	Activity sg.ActivityStore
	Alerts   sg.CaseStore
	Cases    *Cases
	// MaxActivity bounds each wallet's window (0: DefaultMaxActivity).
	MaxActivity int
	// Now dates deposits reported with no time (OnDeposit).
	Now func() time.Time
}

// side is one wallet's view of an event.
type side struct {
	wallet string
	act    sg.Activity
}

func sides(e sg.LedgerEvent) []side {
	base := sg.Activity{EventID: e.ID, TransferID: e.TransferID, At: e.At, Amount: e.Amount, Chain: e.Chain}
	if base.TransferID == "" && e.Ref != "" {
		base.TransferID = "deposit:" + e.Ref
	}
	switch e.Kind {
	case sg.EventDepositConfirmed:
		a := base
		a.Dir, a.Address, a.Counterparty = sg.DirIn, e.Address, e.Sender
		return []side{{e.ToWallet, a}}
	case sg.EventPayoutPosted:
		a := base
		a.Dir, a.Address = sg.DirOut, e.Address
		return []side{{e.FromWallet, a}}
	case sg.EventTransferPosted:
		out, in := base, base
		out.Dir, out.Counterparty = sg.DirOut, e.ToWallet
		in.Dir, in.Counterparty = sg.DirIn, e.FromWallet
		return []side{{e.FromWallet, out}, {e.ToWallet, in}}
	}
	return nil
}

// OnEvent records e in the activity of the wallets it touches, evaluates
// the tenant's current rule set, and raises the alerts that fire (each
// once per fingerprint), each opening a case or joining the open case of
// its subject. It returns the alerts raised by this call (none again for a
// redelivered event). An error is a fault worth a retry.
func (m *Monitor) OnEvent(ctx context.Context, e sg.LedgerEvent) ([]sg.Alert, error) {
	if err := e.Valid(); err != nil {
		return nil, sg.Internal("compliance.OnEvent", err)
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	rs, err := m.Rules.RuleSet(ctx, e.Tenant)
	if err != nil {
		return nil, err
	}
	max := m.MaxActivity
	if max <= 0 {
		max = DefaultMaxActivity
	}
	keepSince := e.At.Add(-rs.LongestWindow())
	var raised []sg.Alert
	for _, sd := range sides(e) {
		win, cur, _, err := m.Activity.RecordActivity(ctx, e.Tenant, sd.wallet, sd.act, keepSince, max)
		if err != nil {
			return raised, err
		}
		first := false
		if e.Kind == sg.EventPayoutPosted {
			if first, err = m.Activity.FirstPayout(ctx, e.Tenant, sd.wallet, e.Chain, e.Address, e.ID); err != nil {
				return raised, err
			}
		}
		for _, r := range rs.Rules {
			if !r.Enabled {
				continue
			}
			f, ok := evaluate(r, sd.wallet, win, cur, first)
			if !ok {
				continue
			}
			a, isNew, err := m.raise(ctx, e, rs, sd.wallet, f)
			if err != nil {
				return raised, err
			}
			if isNew {
				raised = append(raised, a)
			}
		}
	}
	return raised, nil
}

// raise writes the alert of f once: the case first (keyed by the alert
// id, so a retry finds it), the alert last.
func (m *Monitor) raise(ctx context.Context, e sg.LedgerEvent, rs sg.MonitorRuleSet, wallet string, f finding) (sg.Alert, bool, error) {
	fp := fingerprint(e.Tenant, f)
	id := "alr_" + fp
	if _, err := m.Alerts.Alert(ctx, e.Tenant, id); err == nil {
		return sg.Alert{}, false, nil
	} else if sg.KindOf(err) != sg.KindNotFound {
		return sg.Alert{}, false, err
	}
	a := sg.Alert{ID: id, Tenant: e.Tenant, RuleID: f.rule.ID, RuleKind: f.rule.Kind, RuleVersion: f.rule.Version, RuleSetVersion: rs.Version,
		Subject: f.subject, Wallet: wallet, Detail: f.detail, At: e.At, Fingerprint: fp}
	var addrs []string
	for _, ev := range f.evidence {
		a.Transfers = appendNew(a.Transfers, ev.TransferID)
		if ev.Address != "" {
			addrs = appendNew(addrs, string(ev.Chain)+":"+ev.Address)
		}
		if ev.Dir == sg.DirIn && ev.Counterparty != "" && ev.Address != "" {
			addrs = appendNew(addrs, string(ev.Chain)+":"+ev.Counterparty)
		}
	}
	if m.Cases != nil {
		c, err := m.Cases.open(ctx, openRequest{tenant: e.Tenant, kind: sg.CaseAMLAlert, key: id, subject: f.subject,
			summary:  fmt.Sprintf("%s (rule %s v%d): %s", f.rule.Kind, f.rule.ID, f.rule.Version, f.detail),
			evidence: sg.CaseEvidence{Transfers: a.Transfers, Alerts: []string{id}, Addresses: addrs}, at: e.At, by: "monitor", wallet: wallet})
		if err != nil {
			return sg.Alert{}, false, err
		}
		a.CaseID = c.ID
	}
	stored, isNew, err := m.Alerts.PutAlert(ctx, a)
	return stored, isNew, err
}

// OnDeposit feeds a confirmed deposit to the monitor, so the monitor can
// listen to the deposit sink like any sg.DepositListener (seen and
// reversed deposits are not money the wallet holds: they are ignored).
func (m *Monitor) OnDeposit(ctx context.Context, d sg.WalletDeposit) error {
	if d.State != sg.DepositConfirmed {
		return nil
	}
	at := d.At
	if at.IsZero() && m.Now != nil {
		at = m.Now()
	}
	_, err := m.OnEvent(ctx, sg.LedgerEvent{ID: "dep:" + d.Ref, Kind: sg.EventDepositConfirmed, Tenant: d.Tenant, Ref: d.Ref, Chain: d.Chain,
		Amount: d.Amount, ToWallet: d.Wallet, Address: d.Address, Sender: d.From, At: at})
	return err
}

var _ sg.DepositListener = (*Monitor)(nil)

func appendNew(l []string, v string) []string {
	if v == "" {
		return l
	}
	for _, x := range l {
		if x == v {
			return l
		}
	}
	return append(l, v)
}

// EventFromTransfer is the ledger event a transfer record's change makes,
// for a consumer of the ledger's change stream (the transfers' stream
// records decoded with the store's decoder): an internal transfer or a
// withdrawal that reaches posted (before is the record's previous image;
// had is false for a new record). Deposits are not taken from the stream:
// the deposit sink knows their sender and deposit address, so they come
// through OnDeposit.
func EventFromTransfer(before sg.Transfer, had bool, after sg.Transfer) (sg.LedgerEvent, bool) {
	if after.State != sg.StatePosted || (had && before.State == sg.StatePosted) || after.TenantID == sg.PlatformTenant {
		return sg.LedgerEvent{}, false
	}
	e := sg.LedgerEvent{ID: after.ID + ":posted", Tenant: after.TenantID, TransferID: after.ID, Chain: after.Chain, Amount: after.Amount,
		FromWallet: after.FromWallet, ToWallet: after.ToWallet, At: after.UpdatedAt}
	switch after.Type {
	case sg.TransferInternal:
		e.Kind = sg.EventTransferPosted
	case sg.TransferWithdrawal:
		e.Kind, e.ToWallet, e.Address = sg.EventPayoutPosted, "", after.ToAddress
	default:
		return sg.LedgerEvent{}, false
	}
	if e.At.IsZero() {
		e.At = after.CreatedAt
	}
	return e, true
}
