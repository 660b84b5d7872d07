package compliance

import (
	"context"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tiers reads and writes a tenant's tier table (versioned data: a write
// names the version it read). A tenant that has written none has
// sg.DefaultTierTable at version 0.
type Tiers struct {
	Store sg.CustomerStore
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Get is the tenant's tier table.
func (t *Tiers) Get(ctx context.Context, tenant string) (sg.TierTable, error) {
	return t.Store.Tiers(ctx, tenant)
}

// Put validates tt and writes it over its Version.
func (t *Tiers) Put(ctx context.Context, tt sg.TierTable) (sg.TierTable, error) {
	if err := tt.Validate(); err != nil {
		return sg.TierTable{}, err
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	tt.UpdatedAt = now().UTC()
	return t.Store.PutTiers(ctx, tt)
}

// limitScope is one scope of a tier's limits: a chain or all chains.
type limitScope struct {
	name   string
	limits sg.TierLimits
}

// scopes are the tier's limited scopes: each chain it limits, then all.
func tierScopes(t sg.Tier) []limitScope {
	var out []limitScope
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		if l, ok := t.PerChain[c]; ok {
			out = append(out, limitScope{string(c), l})
		}
	}
	return append(out, limitScope{sg.ScopeAll, t.Total})
}

func tierLimitOf(l sg.TierLimits, w sg.LimitWindow) sg.Amount {
	switch w {
	case sg.WindowSingle:
		return l.Single
	case sg.WindowDay:
		return l.Day
	}
	return l.Month
}

// capabilityFor is what op needs of a tier, in the order checked.
func capabilitiesFor(op sg.LimitOp) []sg.Capability {
	var out []sg.Capability
	switch op.Kind {
	case sg.OpPayout:
		out = append(out, sg.CapPayouts)
	case sg.OpInvoice:
		out = append(out, sg.CapInvoices)
	}
	if op.CrossChain {
		out = append(out, sg.CapCrossChain)
	}
	if op.CrossBorder {
		out = append(out, sg.CapCrossBorder)
	}
	return out
}
