package compliance

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Limits holds customers to their tiers. A payment is checked against its
// subject's tier (sg.LimitSubject: the wallet's customer, or the wallet
// itself when it has none, held to the tenant's default tier): the tier
// must have the operation's capabilities, and the amount must fit the
// single-payment limit and what is left of the rolling day and month, on
// its chain and across chains.
//
// Reserve claims the amount at hold time, with a write conditional on the
// usage version read, so two payouts racing for the last of a limit can't
// both pass: the loser re-reads and is refused. Release gives it back when
// the payment ends without moving money (cancelled, expired, failed,
// refused by another step); Commit keeps it. Each is keyed by the
// payment's id, so redelivery never counts twice.
type Limits struct {
	Store    sg.CustomerStore
	Counters sg.LimitCounters
	// Now is the clock of Commit and Release (nil: time.Now).
	Now func() time.Time
}

// limitMaxAttempts bounds the re-reads when concurrent reservations move the
// usage on; each round at least one writer wins.
const limitMaxAttempts = 64

func (l *Limits) now() time.Time {
	if l.Now == nil {
		return time.Now().UTC()
	}
	return l.Now().UTC()
}

// tierResolved is the tier a subject is held to at a time, and why.
type tierResolved struct {
	tier     sg.Tier
	status   sg.KYCStatus
	expired  bool
	verified bool
}

func (l *Limits) resolve(ctx context.Context, tenant, subject string, at time.Time) (tierResolved, error) {
	tt, err := l.Store.Tiers(ctx, tenant)
	if err != nil {
		return tierResolved{}, err
	}
	return l.resolveIn(ctx, tt, tenant, subject, at)
}

// resolveIn is resolve with the tenant's tier table already read.
func (l *Limits) resolveIn(ctx context.Context, tt sg.TierTable, tenant, subject string, at time.Time) (tierResolved, error) {
	r := tierResolved{status: sg.KYCNone}
	name := tt.Default
	if sg.ValidID(sg.CustomerIDPrefix, subject) {
		c, err := l.Store.Customer(ctx, tenant, subject)
		if err != nil {
			return tierResolved{}, err
		}
		r.status = c.KYC.Status
		switch {
		case c.KYC.Status == sg.KYCExpired:
			r.expired = true
		case c.KYC.Status == sg.KYCVerified && !c.KYC.ExpiresAt.IsZero() && !at.Before(c.KYC.ExpiresAt):
			r.expired, r.status = true, sg.KYCExpired
		case c.KYC.Status == sg.KYCVerified:
			r.verified = true
			name = c.KYC.Tier
			if name == "" {
				name = tt.Verified
			}
		}
	}
	t, ok := tt.Tier(name)
	if !ok {
		// A customer verified into a tier since removed from the table
		// falls back to the verified default.
		if t, ok = tt.Tier(tt.Verified); !ok || !r.verified {
			if t, ok = tt.Tier(tt.Default); !ok {
				return tierResolved{}, sg.Internal("compliance.Limits", errors.New("the tier table has no default tier"))
			}
		}
	}
	r.tier = t
	return r, nil
}

// check is the limit check of amount on chain against usage u at time at.
func limitCheck(r tierResolved, u sg.LimitUsage, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) error {
	if amount <= 0 {
		return sg.ErrValidation.WithParam("amount")
	}
	if err := capabilityRefusal(r, op); err != nil {
		return err
	}
	for _, sc := range tierScopes(r.tier) {
		if sc.name != sg.ScopeAll && sc.name != string(chain) {
			continue
		}
		if lim := sc.limits.Single; lim > 0 && amount > lim {
			return sg.LimitError(sg.WindowSingle, sc.name)
		}
		for _, w := range []sg.LimitWindow{sg.WindowDay, sg.WindowMonth} {
			if lim := tierLimitOf(sc.limits, w); lim > 0 && u.Used(sc.name, w, at)+amount > lim {
				return sg.LimitError(w, sc.name)
			}
		}
	}
	return nil
}

// Check says whether subject (a customer id, or a customer-less wallet's
// id) may move amount on chain in op at time at, without claiming it.
func (l *Limits) Check(ctx context.Context, tenant, subject string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) error {
	r, err := l.resolve(ctx, tenant, subject, at)
	if err != nil {
		return err
	}
	u, err := l.Counters.LimitUsage(ctx, tenant, subject)
	if err != nil {
		return err
	}
	return limitCheck(r, u, chain, amount, op, at)
}

// Reserve checks and claims amount for payment id in one conditional
// write. A second Reserve of the same id changes nothing and succeeds.
func (l *Limits) Reserve(ctx context.Context, tenant, subject, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) error {
	if id == "" {
		return sg.Internal("compliance.Reserve", errors.New("a reservation needs the payment's id"))
	}
	at = at.UTC()
	r, err := l.resolve(ctx, tenant, subject, at)
	if err != nil {
		return err
	}
	for attempt := 0; attempt < limitMaxAttempts; attempt++ {
		if _, err := l.Counters.LimitReservation(ctx, tenant, subject, id); err == nil {
			return nil
		} else if !errors.Is(err, sg.ErrNotFound) {
			return err
		}
		u, err := l.Counters.LimitUsage(ctx, tenant, subject)
		if err != nil {
			return err
		}
		u.Prune(at)
		if err := limitCheck(r, u, chain, amount, op, at); err != nil {
			return err
		}
		u.Add(chain, at, amount)
		err = l.Counters.SaveLimits(ctx, u, sg.LimitReservation{TenantID: tenant, Subject: subject, ID: id, Chain: chain, Amount: amount,
			At: at, State: sg.ReservationReserved, UpdatedAt: at}, "")
		if !errors.Is(err, sg.ErrLimitsChanged) {
			return err
		}
		runtime.Gosched()
	}
	return sg.Unavailable("compliance.Reserve", errors.New("the limit counters kept moving"))
}

var _ sg.LimitClaimer = (*Limits)(nil)

// Claim is Reserve for a transfer whose store writes the claim in the
// transfer's own transaction (sg.ClaimingLedger): the tier, the usage and
// the id's reservation are read side by side (one round trip), the amount
// is checked as Reserve checks it, and the usage with the amount added and
// a committed reservation come back to be written with the transfer. An
// id that already holds a reservation claims nothing (nil): a retry.
func (l *Limits) Claim(ctx context.Context, tenant, subject, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) (*sg.LimitClaim, error) {
	if id == "" {
		return nil, sg.Internal("compliance.Claim", errors.New("a claim needs the payment's id"))
	}
	at = at.UTC()
	r, u, held, err := l.claimReads(ctx, tenant, subject, id, at)
	switch {
	case err != nil:
		return nil, err
	case held:
		return nil, nil
	}
	return claimOf(r, u, tenant, subject, id, chain, amount, op, at)
}

var _ sg.SnapshotClaimer = (*Limits)(nil)

// ClaimFrom is Claim over a snapshot read with the transfer's wallets
// (sg.WalletsAndLimits): only a customer subject's customer is read.
func (l *Limits) ClaimFrom(ctx context.Context, snap sg.LimitSnapshot, tenant, subject, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) (*sg.LimitClaim, error) {
	if id == "" {
		return nil, sg.Internal("compliance.Claim", errors.New("a claim needs the payment's id"))
	}
	if snap.Reservation != nil {
		return nil, nil
	}
	at = at.UTC()
	r, err := l.resolveIn(ctx, snap.Tiers, tenant, subject, at)
	if err != nil {
		return nil, err
	}
	return claimOf(r, snap.Usage, tenant, subject, id, chain, amount, op, at)
}

// claimOf checks amount against tier r and usage u and returns the claim.
func claimOf(r tierResolved, u sg.LimitUsage, tenant, subject, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) (*sg.LimitClaim, error) {
	u.Prune(at)
	if err := limitCheck(r, u, chain, amount, op, at); err != nil {
		return nil, err
	}
	u.Add(chain, at, amount)
	return &sg.LimitClaim{Usage: u, Reservation: sg.LimitReservation{TenantID: tenant, Subject: subject, ID: id, Chain: chain, Amount: amount,
		At: at, State: sg.ReservationCommitted, UpdatedAt: at}}, nil
}

// claimReads reads what Claim checks: the subject's tier, its usage and
// whether id holds a reservation. One batch when the store can give it
// (sg.LimitSnapshots, with the tier table and the counters in one store),
// else three reads side by side. A subject that is a customer has the
// customer read after (its tier may be the customer's own).
func (l *Limits) claimReads(ctx context.Context, tenant, subject, id string, at time.Time) (tierResolved, sg.LimitUsage, bool, error) {
	if snap, ok := l.Counters.(sg.LimitSnapshots); ok && any(l.Store) == any(l.Counters) {
		tt, u, res, err := snap.LimitSnapshot(ctx, tenant, subject, id)
		if err != nil || res != nil {
			return tierResolved{}, u, res != nil, err
		}
		r, err := l.resolveIn(ctx, tt, tenant, subject, at)
		return r, u, false, err
	}
	var (
		wg               sync.WaitGroup
		r                tierResolved
		u                sg.LimitUsage
		rerr, uerr, herr error
	)
	wg.Add(3)
	go func() { defer wg.Done(); r, rerr = l.resolve(ctx, tenant, subject, at) }()
	go func() { defer wg.Done(); u, uerr = l.Counters.LimitUsage(ctx, tenant, subject) }()
	go func() { defer wg.Done(); _, herr = l.Counters.LimitReservation(ctx, tenant, subject, id) }()
	wg.Wait()
	switch {
	case herr == nil:
		return r, u, true, nil
	case !errors.Is(herr, sg.ErrNotFound):
		return r, u, false, herr
	case rerr != nil:
		return r, u, false, rerr
	}
	return r, u, false, uerr
}

// Commit keeps a reservation's usage: the payment moved its money.
// Committing a committed or released reservation changes nothing.
func (l *Limits) Commit(ctx context.Context, tenant, subject, id string) error {
	return l.finish(ctx, tenant, subject, id, sg.ReservationCommitted)
}

// Release gives a reservation's amount back to the windows it was counted
// in: the payment ended without moving money. Releasing a released or
// committed reservation, or one never made, changes nothing.
func (l *Limits) Release(ctx context.Context, tenant, subject, id string) error {
	return l.finish(ctx, tenant, subject, id, sg.ReservationReleased)
}

func (l *Limits) finish(ctx context.Context, tenant, subject, id string, to sg.ReservationState) error {
	for attempt := 0; attempt < limitMaxAttempts; attempt++ {
		r, err := l.Counters.LimitReservation(ctx, tenant, subject, id)
		if errors.Is(err, sg.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.State != sg.ReservationReserved {
			return nil
		}
		u, err := l.Counters.LimitUsage(ctx, tenant, subject)
		if err != nil {
			return err
		}
		now := l.now()
		if to == sg.ReservationReleased {
			u.Add(r.Chain, r.At, -r.Amount)
		}
		u.Prune(now)
		r.State, r.UpdatedAt = to, now
		err = l.Counters.SaveLimits(ctx, u, r, sg.ReservationReserved)
		if !errors.Is(err, sg.ErrLimitsChanged) {
			return err
		}
		runtime.Gosched()
	}
	return sg.Unavailable("compliance.finish", errors.New("the limit counters kept moving"))
}

// Spend is Reserve then Commit, for a movement that completes at once (an
// internal transfer, an invoice settlement). If the movement then fails to
// post, the caller Releases id.
func (l *Limits) Spend(ctx context.Context, tenant, subject, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) error {
	if err := l.Reserve(ctx, tenant, subject, id, chain, amount, op, at); err != nil {
		return err
	}
	return l.Commit(ctx, tenant, subject, id)
}

// LimitWallets reads a tenant's wallet (sg.LimitWallets has it).
type LimitWallets interface {
	Wallet(ctx context.Context, tenantID, walletID string) (sg.Wallet, error)
}

// LimitPolicy is the withdrawal pipeline's policy step for tiers (it
// implements ledger.Policy and compliance.Policy): it reserves each
// payout's amount against its wallet's customer's tier, refusing with the
// named code in the decision's Matched (e.g. "tier_limit_daily"). Settle
// commits or releases the reservation when the payout ends.
type LimitPolicy struct {
	Limits  *Limits
	Wallets LimitWallets
	// Op says what else a payout is (cross-chain, cross-border); nil: a
	// plain payout.
	Op func(ctx context.Context, t sg.Transfer) (sg.LimitOp, error)
}

// Evaluate reserves t's amount (idempotently, keyed by t.ID).
func (p LimitPolicy) Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error) {
	w, err := p.Wallets.Wallet(ctx, t.TenantID, t.FromWallet)
	if err != nil {
		return sg.Decision{}, err
	}
	op := sg.LimitOp{Kind: sg.OpPayout}
	if p.Op != nil {
		if op, err = p.Op(ctx, t); err != nil {
			return sg.Decision{}, err
		}
	}
	at := t.CreatedAt
	if at.IsZero() {
		at = p.Limits.now()
	}
	err = p.Limits.Reserve(ctx, t.TenantID, sg.LimitSubject(w), t.ID, t.Chain, t.Amount, op, at)
	var refused *sg.Error
	if errors.As(err, &refused) && refused.Kind == sg.KindRefused {
		return sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{refused.Code}}, nil
	}
	if err != nil {
		return sg.Decision{}, err
	}
	return sg.Decision{Outcome: sg.OutcomeApprove}, nil
}

// Settle ends t's reservation by its state: confirmed (or already posted)
// commits; rejected, cancelled, expired and failed release; any other
// state waits.
func (p LimitPolicy) Settle(ctx context.Context, t sg.Transfer) error {
	var to sg.ReservationState
	switch t.State {
	case sg.StateConfirmed, sg.StatePosted:
		to = sg.ReservationCommitted
	case sg.StateRejected, sg.StateCancelled, sg.StateExpired, sg.StateFailed:
		to = sg.ReservationReleased
	default:
		return nil
	}
	w, err := p.Wallets.Wallet(ctx, t.TenantID, t.FromWallet)
	if err != nil {
		return err
	}
	return p.Limits.finish(ctx, t.TenantID, sg.LimitSubject(w), t.ID, to)
}

// ForWallet checks and spends amount for a movement out of (transfer) or
// into (invoice settlement) wallet w that completes at once, keyed by id.
// The internal-transfer path and invoice settlement call it before
// posting, and Release(tenant, sg.LimitSubject(w), id) if the post fails.
func (l *Limits) ForWallet(ctx context.Context, w sg.Wallet, id string, chain sg.Chain, amount sg.Amount, op sg.LimitOp, at time.Time) error {
	return l.Spend(ctx, w.TenantID, sg.LimitSubject(w), id, chain, amount, op, at)
}
