// Package settlement pays merchants what their invoices brought in: fee
// schedules and the fee of an amount, settlement configs, and settlements
// that net invoices, refunds, chargebacks and fees per (tenant, payout
// chain), close on a daily cut-off, a threshold or at once (instant), and
// are paid through a SettlementPayer. A settlement paid on another chain
// than its payments records a named clearing line, and the per-chain
// liabilities it keeps feed Rebalance.
//
// It imports the domain and pure primitives only; the stores are ports
// (sg.FeeSchedules, sg.SettlementConfigs, sg.SettlementStore) with an
// in-memory twin (memstore.Settlements) and a DynamoDB adapter
// (dynamo.Settlements).
package settlement

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// NetworkFees estimates the network fee of one payout on a chain (in
// USDT base units), for schedules that pass it through. A nil NetworkFees
// quotes none.
type NetworkFees interface {
	NetworkFee(ctx context.Context, c sg.Chain) (sg.Amount, error)
}

// Fees computes fees from the tenants' schedules.
//
// Rule (must-show 4): the fee of an amount is the schedule's
// (sg.FeeSchedule.FeeOn: percent rounded half up to the base unit, plus
// fixed, raised to min, capped at max and at the amount). The fee shown
// for an invoice is the schedule in force when it was created, on its
// amount (Shown); the fee charged when it settles is min(the current
// schedule's fee on what was received, the fee shown): never more than
// the merchant was shown.
type Fees struct {
	Schedules sg.FeeSchedules
	// Default is the schedule of a tenant that has none on a chain (its
	// TenantID and Chain are filled in); the zero value charges nothing
	// and absorbs network fees.
	Default sg.FeeSchedule
	// Network, if set, quotes pass-through network fees.
	Network NetworkFees
	// Now is the clock; nil is the wall clock.
	Now func() time.Time
}

func (f *Fees) now() time.Time {
	if f.Now == nil {
		return time.Now().UTC()
	}
	return f.Now().UTC()
}

func (f *Fees) fallback(tenant string, c sg.Chain) sg.FeeSchedule {
	d := f.Default
	d.TenantID, d.Chain, d.Version = tenant, c, 0
	if d.NetworkFee == "" {
		d.NetworkFee = sg.NetworkAbsorb
	}
	return d
}

// Schedule is the tenant's current schedule on c (the default if none).
func (f *Fees) Schedule(ctx context.Context, tenant string, c sg.Chain) (sg.FeeSchedule, error) {
	if !c.Valid() {
		return sg.FeeSchedule{}, sg.ErrValidation.WithParam("chain")
	}
	s, err := f.Schedules.FeeSchedule(ctx, tenant, c)
	if errors.Is(err, sg.ErrNotFound) {
		return f.fallback(tenant, c), nil
	}
	return s, err
}

// scheduleAt is the schedule in force at t (the default before the first).
func (f *Fees) scheduleAt(ctx context.Context, tenant string, c sg.Chain, t time.Time) (sg.FeeSchedule, error) {
	s, err := f.Schedules.FeeScheduleAt(ctx, tenant, c, t)
	if errors.Is(err, sg.ErrNotFound) {
		return f.fallback(tenant, c), nil
	}
	return s, err
}

// PutSchedule validates s and writes it as the next version over
// s.Version (0: the first); a stale version is ErrFeeScheduleChanged.
func (f *Fees) PutSchedule(ctx context.Context, s sg.FeeSchedule) (sg.FeeSchedule, error) {
	if err := s.Validate(); err != nil {
		return sg.FeeSchedule{}, err
	}
	s.EffectiveAt = f.now()
	return f.Schedules.PutFeeSchedule(ctx, s)
}

// Quote is the fee of amount on c under the tenant's current schedule,
// itemised, with the network fee of one payout as a line when the
// schedule passes it through: what is shown before anything is confirmed.
func (f *Fees) Quote(ctx context.Context, tenant string, c sg.Chain, amount sg.Amount) (sg.Fee, error) {
	if amount < 0 {
		return sg.Fee{}, sg.ErrValidation.WithParam("amount")
	}
	s, err := f.Schedule(ctx, tenant, c)
	if err != nil {
		return sg.Fee{}, err
	}
	fee := s.FeeOn(amount)
	if s.NetworkFee == sg.NetworkPassThrough && f.Network != nil {
		nf, err := f.Network.NetworkFee(ctx, c)
		if err != nil {
			return sg.Fee{}, err
		}
		fee = fee.WithNetwork(nf)
	}
	return fee, nil
}

// Shown is the platform fee the merchant was shown for inv paid on c: the
// schedule in force at the invoice's creation, on its amount. Acquiring
// shows the same figure when it creates the invoice (Quote at that time),
// so the two agree by construction.
func (f *Fees) Shown(ctx context.Context, inv sg.Invoice, c sg.Chain) (sg.Fee, error) {
	s, err := f.scheduleAt(ctx, inv.TenantID, c, inv.CreatedAt)
	if err != nil {
		return sg.Fee{}, err
	}
	return s.FeeOn(inv.Amount), nil
}

// Charge is the fee charged on received under the current schedule,
// capped at shown (a shown_cap line says so).
func (f *Fees) Charge(ctx context.Context, tenant string, c sg.Chain, received, shown sg.Amount) (sg.Fee, error) {
	s, err := f.Schedule(ctx, tenant, c)
	if err != nil {
		return sg.Fee{}, err
	}
	return s.FeeOn(received).CappedAt(shown), nil
}
