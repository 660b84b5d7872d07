package memstore

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// freezeKey is where a freeze of f's scope lives: one platform freeze, one
// per tenant, one per wallet.
func freezeKey(f sg.Freeze) string {
	switch f.Scope {
	case sg.FreezePlatform:
		return "platform"
	case sg.FreezeWallet:
		return "wallet\x00" + f.TenantID + "\x00" + f.WalletID
	}
	return "tenant\x00" + f.TenantID
}

// PutFreeze puts a freeze in force unless one of its scope already is
// (ErrAlreadyFrozen); the decision is journaled under journalTenant.
func (st *Store) PutFreeze(_ context.Context, f sg.Freeze, journalTenant string, j sg.JournalEntry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := freezeKey(f)
	if old, ok := st.freezes[k]; ok && !old.Lifted {
		return sg.ErrAlreadyFrozen
	}
	f.At = micro(f.At)
	f.Votes = append([]sg.Approval(nil), f.Votes...)
	st.freezes[k] = f
	st.journal[journalTenant] = append(st.journal[journalTenant], journaled(j))
	return nil
}

// VoteUnfreeze adds an approver's vote to lift freeze f, once each
// (ErrAlreadyDecided); with enough votes the same write lifts it. A
// freeze that changed since f was read is ErrStateChanged.
func (st *Store) VoteUnfreeze(_ context.Context, f sg.Freeze, v sg.Approval, journalTenant string, j sg.JournalEntry) (sg.Freeze, error) {
	for _, old := range f.Votes {
		if old.Approver == v.Approver {
			return f, sg.ErrAlreadyDecided
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	k := freezeKey(f)
	cur, ok := st.freezes[k]
	v.At = micro(v.At)
	f.Votes = append(append([]sg.Approval(nil), f.Votes...), v)
	if len(f.Votes) >= f.Required {
		f.Lifted, f.LiftedAt = true, v.At
	}
	if !ok || cur.ID != f.ID || len(cur.Votes) != len(f.Votes)-1 || cur.Lifted {
		return f, sg.ErrStateChanged
	}
	cur.Votes, cur.Lifted, cur.LiftedAt = f.Votes, f.Lifted, f.LiftedAt
	st.freezes[k] = cur
	st.journal[journalTenant] = append(st.journal[journalTenant], journaled(j))
	return f, nil
}

// Freezes lists the freezes of a tenant (its own and its wallets') and the
// platform's, lifted ones included until replaced.
func (st *Store) Freezes(_ context.Context, tenant string) ([]sg.Freeze, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []sg.Freeze
	for _, f := range st.freezes {
		if f.Scope == sg.FreezePlatform || f.TenantID == tenant {
			out = append(out, f)
		}
	}
	return out, nil
}

// FreezeOn returns the freeze in force over a payout of the wallet, if
// any: the platform's, the tenant's or the wallet's.
func (st *Store) FreezeOn(_ context.Context, tenant, wallet string) (sg.Freeze, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f, ok := st.freezeOn(tenant, wallet)
	return f, ok, nil
}

func (st *Store) freezeOn(tenant, wallet string) (sg.Freeze, bool) {
	for _, k := range []string{"platform", "tenant\x00" + tenant, "wallet\x00" + tenant + "\x00" + wallet} {
		if f, ok := st.freezes[k]; ok && !f.Lifted {
			return f, true
		}
	}
	return sg.Freeze{}, false
}

// Park lists a payout as stopped by a freeze.
func (st *Store) Park(_ context.Context, tenant, id, wallet string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.parked[tenant+"#"+id] = sg.ParkedPayout{Tenant: tenant, ID: id, Wallet: wallet}
	return nil
}

// Parked lists the payouts stopped under a freeze's reach: every one for
// the platform, the tenant's for a tenant or wallet freeze (a wallet
// freeze: that wallet's).
func (st *Store) Parked(_ context.Context, f sg.Freeze) ([]sg.ParkedPayout, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []sg.ParkedPayout
	for k, p := range st.parked {
		if f.Scope != sg.FreezePlatform && !strings.HasPrefix(k, f.TenantID+"#") {
			continue
		}
		if f.Scope == sg.FreezeWallet && p.Wallet != f.WalletID {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Unpark takes a payout off the parked list.
func (st *Store) Unpark(_ context.Context, tenant, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.parked, tenant+"#"+id)
	return nil
}

// ---- nonces ----

func nonceKey(c sg.Chain, addr string) string { return string(c) + "#" + strings.ToLower(addr) }

// NonceOf returns the nonce claimed by job id on the hot address, if any.
func (st *Store) NonceOf(_ context.Context, c sg.Chain, addr, id string) (sg.NonceClaim, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	cl, ok := st.nonces[nonceKey(c, addr)+"\x00"+id]
	return cl, ok, nil
}

// AllocateNonce returns the nonce of job id on the hot address, giving it
// the next one (start when the address has none yet) with terms if it has
// none; an existing claim is returned as recorded. With a guard the nonce
// is taken only while the withdrawal is in one of the guard's states, and
// the withdrawal is marked as holding it in the same step; otherwise
// ErrStateChanged and nothing is taken.
func (st *Store) AllocateNonce(_ context.Context, c sg.Chain, addr, id string, start uint64, terms sg.NonceClaim, guard *sg.NonceGuard) (sg.NonceClaim, error) {
	var kp string
	if guard != nil {
		var ok bool
		if kp, ok = sg.KeyPart("txn", guard.TransferID); !ok {
			return sg.NonceClaim{}, sg.ErrNotFound.WithParam("transfer_id")
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	nk := nonceKey(c, addr)
	if cl, ok := st.nonces[nk+"\x00"+id]; ok {
		return cl, nil
	}
	if guard != nil {
		rec, ok := st.transfers[guard.Tenant][kp]
		in := false
		for _, s := range guard.States {
			in = in || (ok && rec.State == s)
		}
		if !in {
			return sg.NonceClaim{}, sg.ErrStateChanged
		}
		rec.NonceHeld = true
	}
	next, ok := st.nextNonce[nk]
	if !ok {
		next = start
	}
	st.nextNonce[nk] = next + 1
	cl := sg.NonceClaim{Nonce: next}
	if terms.Gas > 0 && terms.Tip != nil && terms.FeeCap != nil {
		cl.Gas, cl.Tip, cl.FeeCap = terms.Gas, terms.Tip, terms.FeeCap
	}
	st.nonces[nk+"\x00"+id] = cl
	terms.Nonce = next
	return terms, nil
}

// ---- queue ----

// Queue is the in-memory twin of the withdrawal queue: it keeps what is
// sent, in order, deduplicated by the deduplication id as FIFO queues are.
type Queue struct {
	mu   sync.Mutex
	seen map[string]bool
	msgs []Message
}

// Message is one message sent.
type Message struct{ Group, DedupID, Body string }

// Send queues a message; a second one with a deduplication id already seen
// is accepted and dropped.
func (q *Queue) Send(_ context.Context, group, dedupID, body string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.seen == nil {
		q.seen = map[string]bool{}
	}
	if q.seen[dedupID] {
		return nil
	}
	q.seen[dedupID] = true
	q.msgs = append(q.msgs, Message{group, dedupID, body})
	return nil
}

// Sent returns the messages sent so far.
func (q *Queue) Sent() []Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Message(nil), q.msgs...)
}

// Bodies decodes the JSON object bodies sent, one per message.
func (q *Queue) Bodies() []map[string]string {
	var out []map[string]string
	for _, m := range q.Sent() {
		var v map[string]string
		if json.Unmarshal([]byte(m.Body), &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// FreezesOver returns, for each of the tenant's wallets ids that a freeze
// in force covers (the platform's, the tenant's or its own), that freeze.
func (st *Store) FreezesOver(_ context.Context, tenant string, ids ...string) (map[string]sg.Freeze, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]sg.Freeze{}
	for _, id := range ids {
		if !sg.ValidID("wal", id) {
			continue
		}
		if f, ok := st.freezeOn(tenant, id); ok {
			out[id] = f
		}
	}
	return out, nil
}
