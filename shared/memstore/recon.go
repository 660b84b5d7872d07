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

// ---- bigrun: reconciliation's ranged reads (twins of dynamo's) ----

// TenantTransferRange hands the tenant's transfers whose key part lies in
// the segment-th of segments ranges, after the key part after, in key
// order, in pages of pageSize (the twin of dynamo's 1 MB pages).
func (st *Store) TenantTransferRange(ctx context.Context, tenant string, segment, segments int, after string,
	page func(ts []sg.Transfer, last string) error) error {
	all, err := st.TenantTransfers(ctx, tenant)
	if err != nil {
		return err
	}
	type kt struct {
		k string
		t sg.Transfer
	}
	var in []kt
	for _, t := range all {
		k, ok := sg.KeyPart("txn", t.ID)
		if ok && sg.InKeyRange(k, segment, segments) && k > after {
			in = append(in, kt{k, t})
		}
	}
	sort.Slice(in, func(i, j int) bool { return in[i].k < in[j].k })
	for len(in) > 0 {
		n := min(len(in), pageSize)
		ts := make([]sg.Transfer, n)
		for i := range n {
			ts[i] = in[i].t
		}
		if err := page(ts, in[n-1].k); err != nil {
			return err
		}
		in = in[n:]
	}
	return nil
}

// pageSize is how many items the twin's reconciliation pages hold.
const pageSize = 3

// WalletAccountPages hands the tenant's wallets after the wallet id after
// ("" from the first), in the order they are listed, in pages of pageSize.
func (st *Store) WalletAccountPages(ctx context.Context, tenant, after string, page func([]sg.Wallet) error) error {
	ws, err := st.TenantWallets(ctx, tenant)
	if err != nil {
		return err
	}
	if after != "" {
		for i, w := range ws {
			if w.ID == after {
				ws = ws[i+1:]
				break
			}
		}
	}
	for len(ws) > 0 {
		n := min(len(ws), pageSize)
		if err := page(ws[:n]); err != nil {
			return err
		}
		ws = ws[n:]
	}
	return nil
}
