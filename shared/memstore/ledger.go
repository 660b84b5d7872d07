package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ApplyTransfer writes t and applies its postings in one step, or nothing:
// a transfer whose id's key part is recorded is ErrTransferExists; a quote
// that does not exist or was used under another key is ErrQuoteUsed; a
// wallet bucket that would go below zero is ErrInsufficientFunds (system
// accounts have no floor).
func (st *Store) ApplyTransfer(_ context.Context, t sg.Transfer) error {
	if err := t.Entry.Check(); err != nil {
		return sg.Internal("memstore.ApplyTransfer", err)
	}
	kp, ok := sg.KeyPart("txn", t.ID)
	if !ok {
		return sg.Internal("memstore.ApplyTransfer", fmt.Errorf("transfer id %q is not keyed", t.ID))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.applyLocked(t, kp, nil)
}

// applyLocked is ApplyTransfer under st.mu; claim, if set, is checked
// after the record and before the funds (as the adapter reports them) and
// written with the transfer.
func (st *Store) applyLocked(t sg.Transfer, kp string, claim func(check bool) error) error {
	if _, ok := st.transfers[t.TenantID][kp]; ok {
		return sg.ErrTransferExists
	}
	if claim != nil {
		if err := claim(true); err != nil {
			return err
		}
	}
	var quote *quoteRecord
	if t.QuoteID != "" {
		quote = st.quotes[t.TenantID+"\x00"+t.QuoteID]
		if quote == nil || (quote.usedBy != "" && quote.usedBy != kp) {
			return sg.ErrQuoteUsed
		}
	}
	if !st.canApply(t.Entry) {
		return sg.ErrInsufficientFunds
	}
	if claim != nil {
		if err := claim(false); err != nil {
			return err
		}
	}
	st.apply(t.Entry)
	if quote != nil {
		quote.usedBy = kp
	}
	if st.transfers[t.TenantID] == nil {
		st.transfers[t.TenantID] = map[string]*sg.Transfer{}
	}
	rec := stored(t)
	st.transfers[t.TenantID][kp] = &rec
	return nil
}

// net folds an entry's postings into one change per account and bucket.
func net(e sg.Entry) map[sg.Account]map[sg.Bucket]int64 {
	out := map[sg.Account]map[sg.Bucket]int64{}
	for _, p := range e.Postings {
		a := p.Account
		if out[a] == nil {
			out[a] = map[sg.Bucket]int64{}
		}
		out[a][p.Bucket] += int64(p.Delta)
	}
	return out
}

// canApply reports whether every wallet bucket the entry takes from holds
// what it takes (the adapter's guarded debits).
func (st *Store) canApply(e sg.Entry) bool {
	for a, ds := range net(e) {
		if a.IsSystem() {
			continue
		}
		for b, d := range ds {
			if d < 0 && st.balances[a][b] < -d {
				return false
			}
		}
	}
	return true
}

func (st *Store) apply(e sg.Entry) {
	for a, ds := range net(e) {
		if st.balances[a] == nil {
			st.balances[a] = map[sg.Bucket]int64{}
		}
		for b, d := range ds {
			st.balances[a][b] += d
		}
	}
}

// stored is t as the adapter keeps it: times at its precision, and none of
// the fields a first write does not carry (those later moves set).
func stored(t sg.Transfer) sg.Transfer {
	t.CreatedAt, t.UpdatedAt = micro(t.CreatedAt), micro(t.UpdatedAt)
	t.ExpiresAt = second(t.ExpiresAt)
	t.NetworkFee, t.NonceHeld, t.Waiting = 0, false, nil
	t.RequiredApprovals, t.Approvals, t.ApprovalDeadline = 0, nil, time.Time{}
	t.Metadata = copyMap(t.Metadata)
	shards := 0
	if len(t.Entry.Postings) > 0 && t.Entry.Postings[0].Shards > 1 {
		shards = t.Entry.Postings[0].Shards
	}
	ps := make([]sg.Posting, len(t.Entry.Postings))
	for i, p := range t.Entry.Postings {
		p.Shards = shards
		ps[i] = p
	}
	t.Entry = sg.Entry{Postings: ps}
	evs := make([]sg.Event, len(t.Events))
	for i, e := range t.Events {
		e.At = micro(e.At)
		evs[i] = e
	}
	t.Events = evs
	return t
}

func micro(t time.Time) time.Time {
	if t.IsZero() {
		return time.UnixMicro(0).UTC()
	}
	return time.UnixMicro(t.UnixMicro()).UTC()
}

func second(t time.Time) time.Time {
	if t.IsZero() || t.Unix() <= 0 {
		return time.Time{}
	}
	return time.Unix(t.Unix(), 0).UTC()
}

// copyTransfer is a copy the caller may change freely.
func copyTransfer(t *sg.Transfer) sg.Transfer {
	out := *t
	out.Metadata = copyMap(t.Metadata)
	out.Events = append([]sg.Event(nil), t.Events...)
	out.Entry = sg.Entry{Postings: append([]sg.Posting(nil), t.Entry.Postings...)}
	out.Approvals = append([]sg.Approval(nil), t.Approvals...)
	if len(out.Approvals) == 0 {
		out.Approvals = nil
	}
	if t.Waiting != nil {
		w := *t.Waiting
		out.Waiting = &w
	}
	return out
}

// Transfer reads one transfer of the tenant by id, or ErrNotFound.
func (st *Store) Transfer(_ context.Context, tenant, id string) (sg.Transfer, error) {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.transfers[tenant][kp]
	if !ok || t.ID != id {
		return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
	}
	return copyTransfer(t), nil
}

// TransferByKey reads the transfer recorded for an idempotency key's hash.
func (st *Store) TransferByKey(_ context.Context, tenant, keyHash string) (sg.Transfer, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.transfers[tenant][keyHash]
	if !ok {
		return sg.Transfer{}, sg.ErrNotFound
	}
	return copyTransfer(t), nil
}

// TenantTransfers reads every transfer of a tenant, by key part.
func (st *Store) TenantTransfers(_ context.Context, tenant string) ([]sg.Transfer, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]sg.Transfer, 0, len(st.transfers[tenant]))
	for _, t := range st.transfers[tenant] {
		out = append(out, copyTransfer(t))
	}
	return out, nil
}

// AccountBalance reads an account's balance (the twin keeps no shards: the
// sum is what it holds).
func (st *Store) AccountBalance(_ context.Context, a sg.Account, _ int) (sg.Balance, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b := st.balances[a]
	return sg.Balance{Chain: a.Chain, Asset: a.Asset, Available: sg.Amount(b[sg.Available]), Pending: sg.Amount(b[sg.Pending]), Held: sg.Amount(b[sg.Held])}, nil
}

// voids reports whether a move to state to voids a hold before the payout
// reaches its chain (never allowed to one holding a nonce).
func voids(to sg.TransferState) bool {
	return to == sg.StateCancelled || to == sg.StateExpired || to == sg.StateRejected
}

// Transition applies m: only if the transfer is still in m.From (and, for
// a move that voids a hold, holds no nonce), else ErrStateChanged; the
// event is appended, any wait shown cleared, and the entry's postings
// applied, all or nothing. A hold that cannot move is an internal fault.
func (st *Store) Transition(_ context.Context, tenant, id string, m sg.Move) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	if len(m.Entry.Postings) > 0 {
		if err := m.Entry.Check(); err != nil {
			return sg.Internal("memstore.Transition", err)
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.transfers[tenant][kp]
	if !ok || t.State != m.From || (voids(m.To) && t.NonceHeld) {
		return sg.ErrStateChanged
	}
	if len(m.Entry.Postings) > 0 && !st.canApply(m.Entry) {
		return sg.Internal("memstore.Transition", fmt.Errorf("hold of %s cannot move", id))
	}
	st.apply(m.Entry)
	t.State, t.UpdatedAt = m.To, micro(m.Event.At)
	ev := m.Event
	ev.At = micro(ev.At)
	t.Events = append(t.Events, ev)
	if m.Fee != nil {
		t.NetworkFee = *m.Fee
	}
	if m.TxHash != "" {
		t.TxHash = m.TxHash
	}
	if m.Approvals != nil {
		t.RequiredApprovals, t.ApprovalDeadline = m.Approvals.Required, second(m.Approvals.Deadline)
	}
	t.Waiting = nil
	if m.Journal != nil {
		st.journal[tenant] = append(st.journal[tenant], journaled(*m.Journal))
	}
	return nil
}

func journaled(j sg.JournalEntry) sg.JournalEntry {
	j.At = micro(j.At)
	return j
}

// MarkWaiting shows why a withdrawal in state waits (nil clears it), if it
// is still in that state (else ErrStateChanged); a wait already shown
// keeps its Since.
func (st *Store) MarkWaiting(_ context.Context, tenant, id string, state sg.TransferState, why *sg.Reason) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.transfers[tenant][kp]
	if !ok || t.State != state {
		return sg.ErrStateChanged
	}
	if why == nil {
		t.Waiting = nil
		return nil
	}
	r := &sg.Reason{Code: why.Code, Message: why.Message, Since: micro(why.Since)}
	if t.Waiting != nil {
		r.Since = t.Waiting.Since
	}
	t.Waiting = r
	return nil
}

// AddApproval records one approver's decision on a payout waiting for
// approvals, once per approver (ErrAlreadyDecided), only while it waits
// (ErrStateChanged), journaled with it.
func (st *Store) AddApproval(_ context.Context, tenant, id string, a sg.Approval, j sg.JournalEntry) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	dk := tenant + "\x00" + kp + "\x00" + a.Approver
	if st.decided[dk] {
		return sg.ErrAlreadyDecided
	}
	t, ok := st.transfers[tenant][kp]
	if !ok || t.State != sg.StateAwaitingApproval {
		return sg.ErrStateChanged
	}
	st.decided[dk] = true
	a.At = micro(a.At)
	t.Approvals = append(t.Approvals, a)
	st.journal[tenant] = append(st.journal[tenant], journaled(j))
	return nil
}

// Journal reads the tenant's journal, newest first, at most limit entries
// older than before (micros; 0 for the newest).
func (st *Store) Journal(_ context.Context, tenant string, limit int, before int64) ([]sg.JournalEntry, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	js := append([]sg.JournalEntry(nil), st.journal[tenant]...)
	sort.SliceStable(js, func(i, k int) bool { return js[i].At.After(js[k].At) })
	var out []sg.JournalEntry
	for _, j := range js {
		if len(out) == limit {
			break
		}
		if before == 0 || j.At.UnixMicro() < before {
			out = append(out, j)
		}
	}
	return out, nil
}

// NonceHolders counts the open withdrawals that hold a nonce of a hot
// address and have not been broadcast yet.
func (st *Store) NonceHolders(context.Context) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, ts := range st.transfers {
		for _, t := range ts {
			if t.Type == sg.TransferWithdrawal && t.NonceHeld &&
				(t.State == sg.StateApproved || t.State == sg.StateAwaitingSigner || t.State == sg.StateSigned) {
				n++
			}
		}
	}
	return n, nil
}
