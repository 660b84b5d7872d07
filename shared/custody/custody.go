// Package custody holds the rules around payouts that people set and
// decide: a tenant's policy (thresholds, allowlist with cooling-off,
// velocity, time windows), approvals by distinct approvers, and freezes of
// a wallet, a tenant or the platform that only enough approvers lift. Every
// decision is journaled in the same write that makes it.
//
// Time windows name IANA zones and Lambda's base image may carry no
// zoneinfo: the functions that check or evaluate policies (policy-put,
// chainfn's worker) link time/tzdata.
package custody

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store is what custody keeps (sg.CustodyStore).
type Store = sg.CustodyStore

// Rules is the policy step of the withdrawal pipeline (a ledger.Policy).
type Rules struct {
	Store sg.PolicyFacts
	Now   func() time.Time
}

var _ ledger.Policy = Rules{}

// Evaluate reads the tenant's policy and the facts its rules need, and
// applies it. The payout is counted in the tenant's 24-hour velocity once,
// when first evaluated, whatever the verdict: a refused attempt still
// spent its share of the limit, which errs on the safe side.
func (r Rules) Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error) {
	p, err := r.Store.Policy(ctx, t.TenantID)
	if err != nil {
		return sg.Decision{}, err
	}
	// Each fact is read once, and only if a rule of the payout's chain
	// needs it.
	var needAllow, needVelocity bool
	for _, rule := range p.Rules {
		if rule.Chain == "" || rule.Chain == t.Chain {
			needAllow = needAllow || rule.Kind == sg.RuleNotAllowlisted
			needVelocity = needVelocity || rule.Kind == sg.RuleVelocity
		}
	}
	f := sg.Facts{Now: r.Now()}
	if needAllow {
		e, ok, err := r.Store.AllowEntry(ctx, t.TenantID, t.Chain, t.ToAddress)
		if err != nil {
			return sg.Decision{}, err
		}
		f.Allowlisted = ok && !f.Now.Before(e.ActiveAt)
	}
	if needVelocity {
		if f.Velocity24h, err = r.Store.CountVelocity(ctx, t, f.Now); err != nil {
			return sg.Decision{}, err
		}
	}
	return p.Evaluate(t, f), nil
}

// Service serves policies, allowlists, approvals, freezes and the journal.
type Service struct {
	Store Store
	// Wallets finds the wallet a wallet freeze names.
	Wallets sg.WalletReader
	// Withdrawals queues the payouts an approval or a lifted freeze
	// releases; only deciding and lifting use it.
	Withdrawals *ledger.Withdrawals
	Now         func() time.Time
	// PlatformUnfreezeApprovals is how many platform admins lift a
	// platform freeze.
	PlatformUnfreezeApprovals int
	// Rotations starts and reads hot key rotations.
	Rotations sg.RotationStore
	// Sealer seals the approval webhook's secret; AllowLoopbackWebhooks
	// lets a local stack call a webhook on 127.0.0.1.
	Sealer                sg.Sealer
	AllowLoopbackWebhooks bool
}

// Actor is who asks: tenant, token subject, and whether the token may act
// for the whole platform.
type Actor struct {
	Tenant, Subject string
	PlatformAdmin   bool
}

// Policy reads the tenant's policy.
func (s *Service) Policy(ctx context.Context, tenant string) (sg.Policy, error) {
	return s.Store.Policy(ctx, tenant)
}

// SetPolicy replaces the tenant's policy. ifVersion must be the version
// read (0 for a tenant that never set one), so a concurrent edit is refused
// rather than lost.
//
// A webhook's secret, when given, is sealed for the tenant; a webhook given
// without one keeps the secret already set.
func (s *Service) SetPolicy(ctx context.Context, a Actor, p sg.Policy, ifVersion int, webhookSecret []byte) (sg.Policy, error) {
	p.Normalize()
	if err := p.Check(); err != nil {
		return sg.Policy{}, err
	}
	cur, err := s.Store.Policy(ctx, a.Tenant)
	if err != nil {
		return sg.Policy{}, err
	}
	if p.Webhook != nil {
		if err := CheckWebhookURL(p.Webhook.URL, s.AllowLoopbackWebhooks); err != nil {
			return sg.Policy{}, err
		}
		switch {
		case len(webhookSecret) > 0:
			if len(webhookSecret) < 16 {
				return sg.Policy{}, sg.ErrValidation.WithParam("approval_webhook.secret").WithMessage("the secret must be at least 16 bytes")
			}
			if s.Sealer == nil {
				return sg.Policy{}, sg.Internal("custody.SetPolicy", errors.New("no envelope key configured"))
			}
			if p.WebhookSecretSealed, err = s.Sealer.Seal(ctx, sg.SealContext{Tenant: a.Tenant, Purpose: WebhookPurpose}, webhookSecret); err != nil {
				return sg.Policy{}, err
			}
		case len(cur.WebhookSecretSealed) > 0:
			p.WebhookSecretSealed = cur.WebhookSecretSealed
		default:
			return sg.Policy{}, sg.ErrValidation.WithParam("approval_webhook.secret").WithMessage("a new approval webhook needs its secret")
		}
	}
	if cur.Version != ifVersion {
		return sg.Policy{}, sg.ErrStateChanged.WithParam("if_version").WithMessage("the policy is at version %d, not %d; read it and try again", cur.Version, ifVersion)
	}
	p.Version, p.UpdatedBy, p.UpdatedAt = ifVersion+1, a.Subject, s.Now().UTC().Truncate(time.Second)
	j := sg.JournalEntry{At: s.Now().UTC(), Actor: a.Subject, Action: "policy.updated", Subject: fmt.Sprintf("policy v%d", p.Version),
		Detail: fmt.Sprintf("%d rules, approvals wait %s, cooling-off %s, %d unfreeze approvals", len(p.Rules), p.ApprovalTTL, p.CoolingOff, p.UnfreezeApprovals)}
	if err := s.Store.PutPolicy(ctx, a.Tenant, p, j); err != nil {
		return sg.Policy{}, err
	}
	return p, nil
}

// Allow puts a destination on the allowlist; it counts once the policy's
// cooling-off has passed. addr must be in the chain's canonical form (the
// API formats what it parsed), so one address in any letter case is one
// entry. Adding an address already on the list changes nothing: with the
// same label or none it answers the entry as it stands (replayed true, its
// label and cooling-off kept); with another label it is refused
// (ErrAllowEntryExists).
func (s *Service) Allow(ctx context.Context, a Actor, c sg.Chain, addr, label string) (sg.AllowEntry, bool, error) {
	p, err := s.Store.Policy(ctx, a.Tenant)
	if err != nil {
		return sg.AllowEntry{}, false, err
	}
	now := s.Now().UTC().Truncate(time.Second)
	e := sg.AllowEntry{Chain: c, Address: addr, Label: label, AddedBy: a.Subject, AddedAt: now, ActiveAt: now.Add(p.CoolingOff)}
	j := sg.JournalEntry{At: s.Now().UTC(), Actor: a.Subject, Action: "allowlist.added", Subject: string(c) + ":" + addr,
		Detail: "counts from " + e.ActiveAt.Format(time.RFC3339)}
	err = s.Store.AddAllowEntry(ctx, a.Tenant, e, j)
	if !errors.Is(err, sg.ErrAllowEntryExists) {
		return e, false, err
	}
	old, ok, err := s.Store.AllowEntry(ctx, a.Tenant, c, addr)
	switch {
	case err != nil:
		return sg.AllowEntry{}, false, err
	case !ok:
		return sg.AllowEntry{}, false, sg.ErrStateChanged
	case label != "" && label != old.Label:
		return sg.AllowEntry{}, false, sg.ErrAllowEntryExists
	}
	return old, true, nil
}

// Allowlist lists the tenant's allowlist.
func (s *Service) Allowlist(ctx context.Context, tenant string) ([]sg.AllowEntry, error) {
	return s.Store.AllowEntries(ctx, tenant)
}

// Decide records an approver's decision on a payout waiting for approvals
// and ends the wait if it can. The requester's own decision never counts
// (ErrSelfApproval), one approver decides once (the same decision again is
// a replay, answered with the payout as it stands; another is
// ErrAlreadyDecided), and a payout past its deadline is expired instead
// (ErrApprovalExpired).
func (s *Service) Decide(ctx context.Context, a Actor, id string, approve bool, comment string) (sg.Transfer, bool, error) {
	t, err := s.Withdrawals.Store.Transfer(ctx, a.Tenant, id)
	if err != nil {
		return sg.Transfer{}, false, err
	}
	if t.Type != sg.TransferWithdrawal {
		return sg.Transfer{}, false, sg.ErrNotFound.WithParam("transfer_id")
	}
	for _, old := range t.Approvals {
		if old.Approver == a.Subject {
			if old.Approve != approve {
				return sg.Transfer{}, false, sg.ErrAlreadyDecided
			}
			t, err = s.Withdrawals.SettleApprovals(ctx, a.Tenant, id)
			return t, true, err
		}
	}
	now := s.Now().UTC()
	switch {
	case t.State == sg.StateExpired && !t.ApprovalDeadline.IsZero():
		return sg.Transfer{}, false, sg.ErrApprovalExpired
	case t.State != sg.StateAwaitingApproval:
		return sg.Transfer{}, false, sg.ErrNotAwaitingApproval
	case !now.Before(t.ApprovalDeadline):
		if _, err := s.Withdrawals.SettleApprovals(ctx, a.Tenant, id); err != nil {
			return sg.Transfer{}, false, err
		}
		return sg.Transfer{}, false, sg.ErrApprovalExpired
	case a.Subject == t.RequestedBy:
		return sg.Transfer{}, false, sg.ErrSelfApproval
	}
	p, err := s.Store.Policy(ctx, a.Tenant)
	if err != nil {
		return sg.Transfer{}, false, err
	}
	if !p.MayApprove(a.Subject) {
		return sg.Transfer{}, false, sg.ErrApproverNotListed
	}
	verb := "approved"
	if !approve {
		verb = "rejected"
	}
	ap := sg.Approval{Approver: a.Subject, Approve: approve, Comment: comment, At: now}
	j := sg.JournalEntry{At: now, Actor: a.Subject, Action: "approval." + verb, Subject: id, Detail: comment}
	err = s.Store.AddApproval(ctx, a.Tenant, id, ap, j)
	switch {
	case errors.Is(err, sg.ErrAlreadyDecided):
		// A concurrent request of the same approver won: answer as a replay.
		t, err = s.Withdrawals.SettleApprovals(ctx, a.Tenant, id)
		return t, true, err
	case errors.Is(err, sg.ErrStateChanged):
		return sg.Transfer{}, false, sg.ErrNotAwaitingApproval
	case err != nil:
		return sg.Transfer{}, false, err
	}
	t, err = s.Withdrawals.SettleApprovals(ctx, a.Tenant, id)
	return t, false, err
}

// Freeze stops payouts of a wallet, the tenant or (for a platform admin)
// the platform, at their next step, until lifted by enough approvers.
func (s *Service) Freeze(ctx context.Context, a Actor, scope sg.FreezeScope, wallet, reason string) (sg.Freeze, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	f := sg.Freeze{ID: sg.NewID("frz", now), Scope: scope, TenantID: a.Tenant, WalletID: wallet, Reason: reason, By: a.Subject, At: now}
	journalTenant := a.Tenant
	switch scope {
	case sg.FreezePlatform:
		if !a.PlatformAdmin {
			return sg.Freeze{}, sg.ErrForbidden.WithMessage("a platform freeze needs the platform:admin scope")
		}
		f.TenantID, f.Required, journalTenant = "", s.PlatformUnfreezeApprovals, sg.PlatformTenant
	case sg.FreezeWallet:
		ws, err := s.Wallets.WalletsByID(ctx, a.Tenant, wallet)
		if err != nil {
			return sg.Freeze{}, err
		}
		if _, ok := ws[wallet]; !ok {
			return sg.Freeze{}, sg.ErrWalletNotFound.WithParam("wallet_id")
		}
		fallthrough
	default:
		p, err := s.Store.Policy(ctx, a.Tenant)
		if err != nil {
			return sg.Freeze{}, err
		}
		f.Required = p.UnfreezeApprovals
	}
	if f.Required < 1 {
		f.Required = 2
	}
	j := sg.JournalEntry{At: now, Actor: a.Subject, Action: "freeze." + string(scope), Subject: f.ID + " " + wallet, Detail: reason}
	if err := s.Store.PutFreeze(ctx, f, journalTenant, j); err != nil {
		return sg.Freeze{}, err
	}
	return f, nil
}

// Freezes lists the freezes over the tenant's payouts.
func (s *Service) Freezes(ctx context.Context, tenant string) ([]sg.Freeze, error) {
	return s.Store.Freezes(ctx, tenant)
}

// VoteUnfreeze records an approver's vote to lift a freeze. With the
// required number of distinct votes the freeze lifts and every payout it
// stopped is queued again. A platform freeze takes platform admins' votes;
// a tenant's or wallet's freeze only those of subjects its policy's
// approvers list names, when it names any (ErrApproverNotListed). Voting
// on a lifted freeze queues any payout still parked (a lift whose queueing
// was cut short finishes) and answers ErrFreezeLifted.
func (s *Service) VoteUnfreeze(ctx context.Context, a Actor, id, comment string) (sg.Freeze, error) {
	fs, err := s.Store.Freezes(ctx, a.Tenant)
	if err != nil {
		return sg.Freeze{}, err
	}
	var f sg.Freeze
	for _, c := range fs {
		if c.ID == id {
			f = c
		}
	}
	if f.ID == "" {
		return sg.Freeze{}, sg.ErrFreezeNotFound
	}
	journalTenant := a.Tenant
	if f.Scope == sg.FreezePlatform {
		if !a.PlatformAdmin {
			return sg.Freeze{}, sg.ErrForbidden.WithMessage("lifting a platform freeze needs the platform:admin scope")
		}
		journalTenant = sg.PlatformTenant
	} else {
		// A tenant's or wallet's freeze is lifted by the approvers its
		// policy lists, as a payout is approved.
		p, err := s.Store.Policy(ctx, a.Tenant)
		if err != nil {
			return sg.Freeze{}, err
		}
		if !p.MayApprove(a.Subject) {
			return sg.Freeze{}, sg.ErrApproverNotListed
		}
	}
	if f.Lifted {
		return f, s.requeue(ctx, f, sg.ErrFreezeLifted)
	}
	now := s.Now().UTC()
	j := sg.JournalEntry{At: now, Actor: a.Subject, Action: "unfreeze.vote", Subject: f.ID, Detail: comment}
	f, err = s.Store.VoteUnfreeze(ctx, f, sg.Approval{Approver: a.Subject, Approve: true, Comment: comment, At: now}, journalTenant, j)
	if err != nil {
		return sg.Freeze{}, err
	}
	if !f.Lifted {
		return f, nil
	}
	return f, s.requeue(ctx, f, nil)
}

// requeue sends every payout f stopped back to the worker, then returns
// done.
func (s *Service) requeue(ctx context.Context, f sg.Freeze, done error) error {
	parked, err := s.Store.Parked(ctx, f)
	if err != nil {
		return err
	}
	for _, p := range parked {
		if err := s.Withdrawals.Enqueue(ctx, p.Tenant, p.ID); err != nil {
			return err
		}
		if err := s.Store.Unpark(ctx, p.Tenant, p.ID); err != nil {
			return err
		}
	}
	return done
}

// Journal reads the tenant's decisions, newest first.
func (s *Service) Journal(ctx context.Context, tenant string, limit int, before int64) ([]sg.JournalEntry, error) {
	return s.Store.Journal(ctx, tenant, limit, before)
}

// RequestRotation asks for a rotation of the hot key (platform admins
// only). The scheduled rotation job carries it out once the platform is
// frozen and the payouts in flight have ended.
func RequestRotation(ctx context.Context, st sg.RotationStore, a Actor, now time.Time) (sg.Rotation, error) {
	if !a.PlatformAdmin {
		return sg.Rotation{}, sg.ErrForbidden.WithMessage("rotating the hot key needs the platform:admin scope")
	}
	hk, err := st.HotKey(ctx)
	if err != nil {
		return sg.Rotation{}, err
	}
	r := sg.Rotation{ID: sg.NewID("rot", now), State: sg.RotationRequested, RequestedBy: a.Subject, RequestedAt: now.UTC(),
		Previous: hk.Generation, Steps: map[string]string{}}
	j := sg.JournalEntry{At: now.UTC(), Actor: a.Subject, Action: "hot_key.rotation_requested", Subject: r.ID}
	if err := st.StartRotation(ctx, r, j); err != nil {
		return sg.Rotation{}, err
	}
	return r, nil
}
