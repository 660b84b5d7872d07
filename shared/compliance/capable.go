package compliance

// ---- settle: a capability asked before any amount (the settlement config) ----

import (
	"context"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// capabilityRefusal is the refusal of the first capability op needs that
// r's tier lacks: kyc_expired or kyc_required when verifying would give
// it, else tier_capability_missing (param: the capability); nil if none.
func capabilityRefusal(r tierResolved, op sg.LimitOp) error {
	for _, c := range capabilitiesFor(op) {
		if !r.tier.Can(c) {
			switch {
			case r.expired:
				return sg.ErrKYCExpired
			case !r.verified:
				return sg.ErrKYCRequired.WithMessage("the customer's tier does not allow %s; verify the customer for a higher tier", c)
			}
			return sg.CapabilityError(c)
		}
	}
	return nil
}

// Capable says whether subject's tier (a customer id, or a customer-less
// wallet's id: the tenant's default tier) has every capability op needs at
// time at, whatever the amount: the refusal a payout would meet for them,
// or nil. It reads the tier table and the customer, no usage.
func (l *Limits) Capable(ctx context.Context, tenant, subject string, op sg.LimitOp, at time.Time) error {
	r, err := l.resolve(ctx, tenant, subject, at)
	if err != nil {
		return err
	}
	return capabilityRefusal(r, op)
}
