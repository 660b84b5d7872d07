package memstore

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// policyState is custody's per-tenant records: the policy, the allowlist
// and the payouts counted in the velocity totals.
type policyState struct {
	policy  *sg.Policy
	allow   map[string]sg.AllowEntry // chain#address
	counted map[string]bool          // key part of the payout's id
	hours   map[int64]sg.Amount      // unix hour -> amount
}

func (st *Store) custody(tenant string) *policyState {
	if st.policies == nil {
		st.policies = map[string]*policyState{}
	}
	p := st.policies[tenant]
	if p == nil {
		p = &policyState{allow: map[string]sg.AllowEntry{}, counted: map[string]bool{}, hours: map[int64]sg.Amount{}}
		st.policies[tenant] = p
	}
	return p
}

// copyPolicy is p as the adapter reads it back: the document through JSON
// (so nothing is shared with the caller), the sealed secret beside it.
func copyPolicy(p sg.Policy) (sg.Policy, error) {
	doc, err := json.Marshal(p)
	if err != nil {
		return sg.Policy{}, sg.Internal("memstore.policy", err)
	}
	var out sg.Policy
	if err := json.Unmarshal(doc, &out); err != nil {
		return sg.Policy{}, sg.Internal("memstore.policy", err)
	}
	out.WebhookSecretSealed = append([]byte(nil), p.WebhookSecretSealed...)
	if len(out.WebhookSecretSealed) == 0 {
		out.WebhookSecretSealed = nil
	}
	return out, nil
}

// Policy reads the tenant's policy (the default when none is set).
func (st *Store) Policy(_ context.Context, tenant string) (sg.Policy, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.custody(tenant).policy
	if p == nil {
		return sg.DefaultPolicy(), nil
	}
	return copyPolicy(*p)
}

// PutPolicy replaces the tenant's policy if its version is still
// p.Version-1 (none for version 1), else ErrStateChanged; the change is
// journaled with it.
func (st *Store) PutPolicy(_ context.Context, tenant string, p sg.Policy, j sg.JournalEntry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.custody(tenant)
	if (p.Version > 1 && (c.policy == nil || c.policy.Version != p.Version-1)) || (p.Version <= 1 && c.policy != nil) {
		return sg.ErrStateChanged.WithMessage("the policy changed meanwhile; read it and try again")
	}
	cp, err := copyPolicy(p)
	if err != nil {
		return err
	}
	c.policy = &cp
	st.journal[tenant] = append(st.journal[tenant], journaled(j))
	return nil
}

// AddAllowEntry puts a destination on the allowlist, journaled with it,
// unless it is there already (ErrAllowEntryExists; the entry stays as it is).
func (st *Store) AddAllowEntry(_ context.Context, tenant string, e sg.AllowEntry, j sg.JournalEntry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.custody(tenant)
	k := string(e.Chain) + "#" + e.Address
	if _, ok := c.allow[k]; ok {
		return sg.ErrAllowEntryExists
	}
	e.AddedAt, e.ActiveAt = micro(e.AddedAt), micro(e.ActiveAt)
	c.allow[k] = e
	st.journal[tenant] = append(st.journal[tenant], journaled(j))
	return nil
}

// AllowEntry reads the allowlist entry of a destination, if any.
func (st *Store) AllowEntry(_ context.Context, tenant string, c sg.Chain, addr string) (sg.AllowEntry, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.custody(tenant).allow[string(c)+"#"+addr]
	return e, ok, nil
}

// AllowEntries lists the tenant's allowlist, by chain and address.
func (st *Store) AllowEntries(_ context.Context, tenant string) ([]sg.AllowEntry, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.custody(tenant)
	keys := make([]string, 0, len(c.allow))
	for k := range c.allow {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]sg.AllowEntry, 0, len(keys))
	for _, k := range keys {
		out = append(out, c.allow[k])
	}
	return out, nil
}

// CountVelocity adds a payout to the tenant's hourly totals once and
// returns the total of the 24 hours up to at (the hour of at and the 23
// before it), the payout included.
func (st *Store) CountVelocity(_ context.Context, t sg.Transfer, at time.Time) (sg.Amount, error) {
	kp, _ := sg.KeyPart("txn", t.ID)
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.custody(t.TenantID)
	hour := at.Unix() / 3600
	if !c.counted[kp] {
		c.counted[kp] = true
		c.hours[hour] += t.Amount
	}
	var sum sg.Amount
	for h := hour - 23; h <= hour; h++ {
		sum += c.hours[h]
	}
	return sum, nil
}
