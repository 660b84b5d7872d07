package memstore

import (
	"context"
	"github.com/stablegate/stablegate/shared/obs"
	"sort"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TenantWallets reads every wallet of a tenant, newest first.
func (st *Store) TenantWallets(ctx context.Context, tenant string) ([]sg.Wallet, error) {
	ws, _, err := st.Wallets(ctx, tenant, sg.Page{Limit: 1 << 30})
	return ws, err
}

// BalanceTotals sums each bucket of every account per (chain, asset),
// system and wallet accounts apart, and returns the tenants that hold
// balances, sorted.
func (st *Store) BalanceTotals(context.Context) (system, wallets map[[2]string]sg.Balance, tenants []string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	system, wallets = map[[2]string]sg.Balance{}, map[[2]string]sg.Balance{}
	seen := map[string]bool{}
	for a, bs := range st.balances {
		k := [2]string{string(a.Chain), string(a.Asset)}
		m := wallets
		if a.IsSystem() {
			m = system
		} else if !seen[a.TenantID] {
			seen[a.TenantID] = true
			tenants = append(tenants, a.TenantID)
		}
		b := m[k]
		b.Chain, b.Asset = a.Chain, a.Asset
		b.Available += sg.Amount(bs[sg.Available])
		b.Pending += sg.Amount(bs[sg.Pending])
		b.Held += sg.Amount(bs[sg.Held])
		m[k] = b
	}
	sort.Strings(tenants)
	return system, wallets, tenants, nil
}

// Track lists a payout as waiting for its chain (idempotent).
func (st *Store) Track(ctx context.Context, c sg.Chain, tenant, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tracked == nil {
		st.tracked = map[sg.Chain]map[string]sg.TrackedPayout{}
	}
	if st.tracked[c] == nil {
		st.tracked[c] = map[string]sg.TrackedPayout{}
	}
	st.tracked[c][id] = sg.TrackedPayout{Tenant: tenant, ID: id, Trace: obs.TraceHeader(ctx)}
	return nil
}

// Tracked returns the payouts waiting on chain c, by id.
func (st *Store) Tracked(_ context.Context, c sg.Chain) ([]sg.TrackedPayout, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []sg.TrackedPayout
	for _, p := range st.tracked[c] {
		out = append(out, p)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out, nil
}

// Untrack removes a payout that has ended.
func (st *Store) Untrack(_ context.Context, c sg.Chain, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.tracked[c], id)
	return nil
}
