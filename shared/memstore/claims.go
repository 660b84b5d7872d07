package memstore

import (
	"context"
	"fmt"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Claiming is the ledger twin that writes an internal transfer's limit
// claim with the transfer (sg.ClaimingLedger), as the DynamoDB adapter
// does in one transaction: Store keeps the transfers and balances,
// Counters the limits. Both are locked for the step (always Store first).
type Claiming struct {
	*Store
	Counters *Customers
}

var _ sg.ClaimingLedger = Claiming{}

// ApplyTransferClaiming applies t and writes c, or nothing.
func (cl Claiming) ApplyTransferClaiming(_ context.Context, t sg.Transfer, c sg.LimitClaim) error {
	if err := t.Entry.Check(); err != nil {
		return sg.Internal("memstore.ApplyTransferClaiming", err)
	}
	kp, ok := sg.KeyPart("txn", t.ID)
	if !ok {
		return sg.Internal("memstore.ApplyTransferClaiming", fmt.Errorf("transfer id %q is not keyed", t.ID))
	}
	u, r := c.Usage, c.Reservation
	if r.TenantID != u.TenantID || r.Subject != u.Subject {
		return sg.Internal("memstore.ApplyTransferClaiming", fmt.Errorf("a reservation claimed with another subject's usage"))
	}
	cl.Store.mu.Lock()
	defer cl.Store.mu.Unlock()
	cl.Counters.mu.Lock()
	defer cl.Counters.mu.Unlock()
	return cl.Store.applyLocked(t, kp, func(check bool) error {
		if check {
			return cl.Counters.claimableLocked(u, r)
		}
		cl.Counters.writeLimitsLocked(u, r)
		return nil
	})
}

var _ sg.WalletsAndLimits = Claiming{}

// WalletsUnderFreezeAndLimits reads the wallets under freeze and the limit
// snapshot, as the adapter does in one batch.
func (cl Claiming) WalletsUnderFreezeAndLimits(ctx context.Context, tenant, subject, id string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, sg.LimitSnapshot, error) {
	ws, frozen, err := cl.Store.WalletsUnderFreeze(ctx, tenant, ids...)
	if err != nil {
		return nil, nil, sg.LimitSnapshot{}, err
	}
	tt, u, r, err := cl.Counters.LimitSnapshot(ctx, tenant, subject, id)
	if err != nil {
		return nil, nil, sg.LimitSnapshot{}, err
	}
	return ws, frozen, sg.LimitSnapshot{Tiers: tt, Usage: u, Reservation: r}, nil
}
