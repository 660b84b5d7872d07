package memstore

import (
	"context"
	"sort"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The chain side's stores: the open withdrawals' reads, the hot key and its
// rotations, cold payouts and Tron grants (one open per chain or scope,
// behind a lock that lapses with an unsigned record and is held for good
// once it is signed), signed transactions (kept once, replaced only from
// the hash they replace), and sweep marks with one open sweep per scope.

// lockHeldForGood is the "until" of a lock no expiry releases (the
// adapter's).
const lockHeldForGood = 1 << 62

type lock struct {
	tenant, id string
	until      int64 // unix seconds
}

type chainState struct {
	hotKey   sg.HotKey
	rotation *sg.Rotation
	cold     map[string]sg.ColdRecord  // tenant\x00key part
	grants   map[string]sg.GrantRecord // key part
	locks    map[string]lock           // COLDLOCK#<chain>, TRONGRANTLOCK#<scope>
	granted  map[string]map[string]string
	signed   map[string]sg.SignedTx
	marks    map[string]map[string]sg.SweepMark // lower(scope) -> address
	sweeps   map[string]sg.Sweep                // lower(scope)
	aside    map[string]map[string]sg.AsideMark // lower(scope) -> address
}

func (st *Store) chain() *chainState {
	if st.ch == nil {
		st.ch = &chainState{cold: map[string]sg.ColdRecord{}, grants: map[string]sg.GrantRecord{}, locks: map[string]lock{},
			granted: map[string]map[string]string{}, signed: map[string]sg.SignedTx{}, marks: map[string]map[string]sg.SweepMark{},
			sweeps: map[string]sg.Sweep{}, aside: map[string]map[string]sg.AsideMark{}}
	}
	return st.ch
}

// ---- open withdrawals ----

func (st *Store) openWithdrawals(keep func(t *sg.Transfer) bool) []sg.Transfer {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []sg.Transfer
	for _, ts := range st.transfers {
		for _, t := range ts {
			if t.Type == sg.TransferWithdrawal && !t.State.Final() && keep(t) {
				out = append(out, copyTransfer(t))
			}
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out
}

// ExpiredHolds finds open withdrawals whose unsigned hold has lapsed (and
// that hold no nonce), and those whose wait for approvals has ended.
func (st *Store) ExpiredHolds(_ context.Context, now time.Time) ([]sg.Transfer, error) {
	n := now.Unix()
	return st.openWithdrawals(func(t *sg.Transfer) bool {
		lapsed := !t.ExpiresAt.IsZero() && t.ExpiresAt.Unix() < n && !t.NonceHeld &&
			(t.State == sg.StatePending || t.State == sg.StateApproved || t.State == sg.StateAwaitingSigner || t.State == sg.StateAwaitingApproval)
		waited := !t.ApprovalDeadline.IsZero() && t.ApprovalDeadline.Unix() < n && t.State == sg.StateAwaitingApproval
		return lapsed || waited
	}), nil
}

// StalledWithdrawals finds pending, approved or signed withdrawals not
// changed since before.
func (st *Store) StalledWithdrawals(_ context.Context, before time.Time) ([]sg.Transfer, error) {
	b := before.UnixMicro()
	return st.openWithdrawals(func(t *sg.Transfer) bool {
		return t.UpdatedAt.UnixMicro() < b && (t.State == sg.StatePending || t.State == sg.StateApproved || t.State == sg.StateSigned)
	}), nil
}

// ---- the hot key and its rotations ----

// HotKey reads the hot key in use (the zero HotKey before the first
// rotation).
func (st *Store) HotKey(context.Context) (sg.HotKey, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	hk := st.chain().hotKey
	hk.Retired = append([]string(nil), hk.Retired...)
	if len(hk.Retired) == 0 {
		hk.Retired = nil
	}
	return hk, nil
}

func storedRotation(r sg.Rotation) sg.Rotation {
	r.RequestedAt = micro(r.RequestedAt)
	if !r.EndedAt.IsZero() {
		r.EndedAt = r.EndedAt.UTC().Truncate(time.Microsecond)
	}
	steps := map[string]string{}
	for k, v := range r.Steps {
		steps[k] = v
	}
	r.Steps = steps
	return r
}

// Rotation reads the current (or last) rotation; ok is false if there has
// never been one.
func (st *Store) Rotation(context.Context) (sg.Rotation, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.chain().rotation
	if r == nil {
		return sg.Rotation{}, false, nil
	}
	return storedRotation(*r), true, nil
}

// StartRotation records a requested rotation unless one is under way
// (sg.ErrRotationUnderway), journaled under the platform.
func (st *Store) StartRotation(_ context.Context, r sg.Rotation, j sg.JournalEntry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if ch.rotation != nil && ch.rotation.State != sg.RotationDone {
		return sg.ErrRotationUnderway
	}
	rr := storedRotation(r)
	ch.rotation = &rr
	st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(j))
	return nil
}

// SaveRotation writes the rotation's progress if it is still in state from
// (sg.ErrStateChanged otherwise).
func (st *Store) SaveRotation(_ context.Context, r sg.Rotation, from string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if ch.rotation == nil || ch.rotation.ID != r.ID || ch.rotation.State != from {
		return sg.ErrStateChanged
	}
	rr := storedRotation(r)
	ch.rotation = &rr
	return nil
}

// FinishRotation puts the new key in use (the next generation, the old key
// retired) and ends the rotation, together, journaled; sg.ErrStateChanged
// if the generation or the rotation moved.
func (st *Store) FinishRotation(_ context.Context, r sg.Rotation, j sg.JournalEntry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if ch.hotKey.Generation != r.Previous || ch.rotation == nil || ch.rotation.ID != r.ID || ch.rotation.State != r.State {
		return sg.ErrStateChanged
	}
	ch.hotKey = sg.HotKey{Generation: r.Previous + 1, KeyID: r.NewKey, Retired: append(append([]string(nil), ch.hotKey.Retired...), r.OldKey)}
	r.State, r.EndedAt = sg.RotationDone, st.Now().UTC()
	rr := storedRotation(r)
	ch.rotation = &rr
	st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(j))
	return nil
}

// ---- one-at-a-time records ----

// takeLock takes lock lk for id until then, unless a lock there is still
// live (held); the caller has refused an existing record first.
func (st *Store) takeLock(lk, tenant, id string, until time.Time, held error) error {
	ch := st.chain()
	if l, ok := ch.locks[lk]; ok && l.until >= st.Now().Unix() {
		return held
	}
	ch.locks[lk] = lock{tenant: tenant, id: id, until: until.Unix()}
	return nil
}

// lockMove checks what a move does to lock lk is allowed (the lock is
// still id's), and returns the change to make once every check passes.
func (st *Store) lockMove(lk, id string, hold, release bool) (func(), bool) {
	ch := st.chain()
	l, ok := ch.locks[lk]
	switch {
	case hold:
		if !ok || l.id != id {
			return nil, false
		}
		return func() { l.until = lockHeldForGood; ch.locks[lk] = l }, true
	case release:
		if !ok || l.id != id {
			return nil, false
		}
		return func() { delete(ch.locks, lk) }, true
	}
	return func() {}, true
}

// ---- cold payouts ----

func coldLock(chain string) string { return "COLDLOCK#" + chain }

// PutColdBundle records a prepared bundle and takes the chain's cold lock,
// with j in the platform's journal; sg.ErrColdBundleOpen if another bundle
// holds it, sg.ErrTransferExists if this key's bundle exists.
func (st *Store) PutColdBundle(_ context.Context, r sg.ColdRecord, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("cb", r.ID)
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if _, ok := ch.cold[r.Tenant+"\x00"+kp]; ok {
		return sg.ErrTransferExists
	}
	if err := st.takeLock(coldLock(r.Chain), r.Tenant, r.ID, r.ExpiresAt, sg.ErrColdBundleOpen); err != nil {
		return err
	}
	r.State, r.TxHash = sg.ColdPrepared, ""
	r.Bundle = append([]byte(nil), r.Bundle...)
	r.CreatedAt, r.ExpiresAt = micro(r.CreatedAt), time.Unix(r.ExpiresAt.Unix(), 0).UTC()
	ch.cold[r.Tenant+"\x00"+kp] = r
	st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(j))
	return nil
}

// ColdLock reads the chain's cold lock: the tenant and id of the bundle
// holding it ("" if none) and until when.
func (st *Store) ColdLock(_ context.Context, chain string) (tenant, id string, until time.Time, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.chain().locks[coldLock(chain)]
	if !ok {
		return "", "", time.Time{}, nil
	}
	return l.tenant, l.id, time.Unix(l.until, 0).UTC(), nil
}

// ColdBundle reads a cold payout by id, or by the key part of an
// idempotency key (byKey).
func (st *Store) ColdBundle(_ context.Context, tenant, id string, byKey bool) (sg.ColdRecord, error) {
	kp := id
	if !byKey {
		var ok bool
		if kp, ok = sg.KeyPart("cb", id); !ok {
			return sg.ColdRecord{}, sg.ErrNotFound.WithParam("bundle_id")
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.chain().cold[tenant+"\x00"+kp]
	if !ok || !byKey && r.ID != id {
		return sg.ColdRecord{}, sg.ErrNotFound.WithParam("bundle_id")
	}
	r.Bundle = append([]byte(nil), r.Bundle...)
	return r, nil
}

// MoveCold changes a cold payout's state if it is still from (else
// sg.ErrStateChanged). Signing must happen before the bundle expires and
// holds the chain's lock for good; a final state releases it.
func (st *Store) MoveCold(_ context.Context, r sg.ColdRecord, from, to, txHash string, j ...sg.JournalEntry) error {
	kp, _ := sg.KeyPart("cb", r.ID)
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	k := r.Tenant + "\x00" + kp
	cur, ok := ch.cold[k]
	if !ok || cur.State != from || to == sg.ColdSigned && cur.ExpiresAt.Unix() <= st.Now().Unix() {
		return sg.ErrStateChanged
	}
	final := to == sg.ColdDone || to == sg.ColdFailed || to == sg.ColdCancelled
	change, ok := st.lockMove(coldLock(r.Chain), r.ID, to == sg.ColdSigned, final)
	if !ok {
		return sg.ErrStateChanged
	}
	change()
	cur.State = to
	if txHash != "" {
		cur.TxHash = txHash
	}
	ch.cold[k] = cur
	for _, e := range j {
		st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(e))
	}
	return nil
}

// TrackCold lists a cold payout for the tracker, marked as cold.
func (st *Store) TrackCold(ctx context.Context, c sg.Chain, tenant, id string) error {
	if err := st.Track(ctx, c, tenant, id); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tracked[c][id] = sg.TrackedPayout{Tenant: tenant, ID: id, Kind: sg.TrackedCold}
	return nil
}

// ---- Tron grants ----

func grantLock(scope string) string { return "TRONGRANTLOCK#" + scope }

// PutTronGrant records a prepared grant and takes the scope's grant lock;
// sg.ErrGrantOpen if another grant holds it, sg.ErrTransferExists if this
// key's grant exists. j goes to the platform's journal.
func (st *Store) PutTronGrant(_ context.Context, r sg.GrantRecord, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("tg", r.ID)
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if _, ok := ch.grants[kp]; ok {
		return sg.ErrTransferExists
	}
	if err := st.takeLock(grantLock(r.Scope), "", r.ID, r.ExpiresAt, sg.ErrGrantOpen); err != nil {
		return err
	}
	r.State, r.Signed, r.Outcome = sg.GrantPrepared, nil, nil
	r.Bundle = append([]byte(nil), r.Bundle...)
	r.CreatedAt, r.ExpiresAt = micro(r.CreatedAt), time.Unix(r.ExpiresAt.Unix(), 0).UTC()
	ch.grants[kp] = r
	st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(j))
	return nil
}

// TronGrant reads a grant by id, or by the key part of an idempotency key.
func (st *Store) TronGrant(_ context.Context, id string, byKey bool) (sg.GrantRecord, error) {
	kp := id
	if !byKey {
		var ok bool
		if kp, ok = sg.KeyPart("tg", id); !ok {
			return sg.GrantRecord{}, sg.ErrNotFound.WithParam("grant_id")
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.chain().grants[kp]
	if !ok || !byKey && r.ID != id {
		return sg.GrantRecord{}, sg.ErrNotFound.WithParam("grant_id")
	}
	r.Bundle, r.Signed, r.Outcome = append([]byte(nil), r.Bundle...), append([]byte(nil), r.Signed...), copyMap(r.Outcome)
	if len(r.Signed) == 0 {
		r.Signed = nil
	}
	return r, nil
}

// OpenTronGrant is the id of the grant holding the scope's lock, and
// whether it is signed (held for good).
func (st *Store) OpenTronGrant(_ context.Context, scope string) (string, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.chain().locks[grantLock(scope)]
	if !ok {
		return "", false, nil
	}
	return l.id, l.until == lockHeldForGood, nil
}

// MoveTronGrant changes a grant's state if it is still from (else
// sg.ErrStateChanged); signing must happen before it expires and holds the
// lock for good; done or cancelled releases it.
func (st *Store) MoveTronGrant(_ context.Context, r sg.GrantRecord, from, to string, signed []byte, outcome map[string]string, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("tg", r.ID)
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	cur, ok := ch.grants[kp]
	if !ok || cur.State != from || to == sg.GrantSigned && cur.ExpiresAt.Unix() <= st.Now().Unix() {
		return sg.ErrStateChanged
	}
	change, ok := st.lockMove(grantLock(r.Scope), r.ID, to == sg.GrantSigned, to == sg.GrantDone || to == sg.GrantCancelled)
	if !ok {
		return sg.ErrStateChanged
	}
	change()
	cur.State = to
	if signed != nil {
		cur.Signed = append([]byte(nil), signed...)
	}
	if outcome != nil {
		cur.Outcome = copyMap(outcome)
	}
	ch.grants[kp] = cur
	st.journal[sg.PlatformTenant] = append(st.journal[sg.PlatformTenant], journaled(j))
	return nil
}

// PutGranted records that addr approved spender (grant names the grant).
func (st *Store) PutGranted(_ context.Context, scope, addr, spender, _ string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	sc := strings.ToLower(scope)
	if ch.granted[sc] == nil {
		ch.granted[sc] = map[string]string{}
	}
	ch.granted[sc][addr] = spender
	return nil
}

// Granted maps each address of the scope that approved a spender to it.
func (st *Store) Granted(_ context.Context, scope string) (map[string]string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]string{}
	for a, sp := range st.chain().granted[strings.ToLower(scope)] {
		out[a] = sp
	}
	return out, nil
}

// ---- signed transactions ----

// SaveSignedTx keeps a payout's signed transaction, once: a payout signed
// again gets the first bytes back.
func (st *Store) SaveSignedTx(_ context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	if tx, ok := ch.signed[id]; ok {
		return copyTx(tx), nil
	}
	tx := sg.SignedTx{Raw: append([]byte(nil), raw...), Hash: hash, At: at.UTC()}
	ch.signed[id] = tx
	return copyTx(tx), nil
}

// ReplaceSignedTx swaps the kept transaction for a replacement if the kept
// one is still oldHash, remembering oldHash, and returns what is kept
// afterwards (ErrNotFound if nothing is).
func (st *Store) ReplaceSignedTx(_ context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (sg.SignedTx, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	tx, ok := ch.signed[id]
	if !ok {
		return sg.SignedTx{}, sg.ErrNotFound
	}
	if tx.Hash == oldHash {
		tx = sg.SignedTx{Raw: append([]byte(nil), raw...), Hash: hash, At: at.UTC(), Prev: append(append([]string(nil), tx.Prev...), oldHash)}
		ch.signed[id] = tx
	}
	return copyTx(tx), nil
}

// SignedTx reads a payout's signed transaction or returns ErrNotFound.
func (st *Store) SignedTx(_ context.Context, id string) (sg.SignedTx, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	tx, ok := st.chain().signed[id]
	if !ok {
		return sg.SignedTx{}, sg.ErrNotFound
	}
	return copyTx(tx), nil
}

func copyTx(tx sg.SignedTx) sg.SignedTx {
	tx.Raw = append([]byte(nil), tx.Raw...)
	tx.Prev = append([]string(nil), tx.Prev...)
	if len(tx.Prev) == 0 {
		tx.Prev = nil
	}
	return tx
}

// ---- sweeps ----

// marksOf is the scope's marks to sweep (made when absent); the caller
// holds st.mu.
func (st *Store) marksOf(scope string) map[string]sg.SweepMark {
	ch, sc := st.chain(), strings.ToLower(scope)
	if ch.marks[sc] == nil {
		ch.marks[sc] = map[string]sg.SweepMark{}
	}
	return ch.marks[sc]
}

// MarkForSweep records that addr (wallet index) holds a confirmed deposit
// (addr kept as given).
func (st *Store) MarkForSweep(_ context.Context, scope, addr string, index uint32, version string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	marks := st.marksOf(scope)
	marks[addr] = sg.SweepMark{Address: addr, Index: index, Version: version}
	return nil
}

// SweepMarks returns up to limit addresses waiting to be swept, by address.
func (st *Store) SweepMarks(_ context.Context, scope string, limit int32) ([]sg.SweepMark, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return byAddress(st.chain().marks[strings.ToLower(scope)], func(m sg.SweepMark) string { return m.Address }, limit), nil
}

// byAddress returns up to limit (0: all) of a scope's marks, by address.
func byAddress[M any](marks map[string]M, addr func(M) string, limit int32) []M {
	out := make([]M, 0, len(marks))
	for _, m := range marks {
		out = append(out, m)
	}
	sort.Slice(out, func(i, k int) bool { return addr(out[i]) < addr(out[k]) })
	if limit > 0 && len(out) > int(limit) {
		out = out[:limit]
	}
	return out
}

// OpenSweep returns the sweep in flight, if any.
func (st *Store) OpenSweep(_ context.Context, scope string) (sg.Sweep, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sw, ok := st.chain().sweeps[strings.ToLower(scope)]
	if !ok {
		return sg.Sweep{}, false, nil
	}
	sw.Marks = append([]sg.SweepMark(nil), sw.Marks...)
	return sw, true, nil
}

// StartSweep records sw as the sweep in flight; sg.ErrStateChanged if one is.
func (st *Store) StartSweep(_ context.Context, scope string, sw sg.Sweep) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	sc := strings.ToLower(scope)
	if _, ok := ch.sweeps[sc]; ok {
		return sg.ErrStateChanged
	}
	sw.Marks = append([]sg.SweepMark(nil), sw.Marks...)
	ch.sweeps[sc] = sw
	return nil
}

// EndSweep closes the sweep in flight; when swept, each mark is removed
// unless a deposit re-marked its address meanwhile.
func (st *Store) EndSweep(ctx context.Context, scope string, sw sg.Sweep, swept bool) error {
	return st.EndSweepEach(ctx, scope, sw, func(sg.SweepMark) bool { return swept })
}

// EndSweepEach is EndSweep where each mark was swept or not on its own.
func (st *Store) EndSweepEach(ctx context.Context, scope string, sw sg.Sweep, swept func(sg.SweepMark) bool) error {
	var done []sg.SweepMark
	for _, m := range sw.Marks {
		if swept(m) {
			done = append(done, m)
		}
	}
	if err := st.ClearMarks(ctx, scope, done); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	ch := st.chain()
	sc := strings.ToLower(scope)
	if cur, ok := ch.sweeps[sc]; ok && cur.ID == sw.ID {
		delete(ch.sweeps, sc)
	}
	return nil
}

// ClearMarks removes marks whose version is still the one read.
func (st *Store) ClearMarks(_ context.Context, scope string, marks []sg.SweepMark) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ms := st.chain().marks[strings.ToLower(scope)]
	for _, m := range marks {
		if cur, ok := ms[m.Address]; ok && cur.Version == m.Version {
			delete(ms, m.Address)
		}
	}
	return nil
}

// ---- sweep: refused marks set aside ----

// SetAside keeps m aside until retryAt, and removes its mark unless a
// deposit re-marked the address since m was read.
func (st *Store) SetAside(ctx context.Context, scope string, m sg.SweepMark, retryAt time.Time, tries int) error {
	st.mu.Lock()
	ch := st.chain()
	sc := strings.ToLower(scope)
	if ch.aside[sc] == nil {
		ch.aside[sc] = map[string]sg.AsideMark{}
	}
	ch.aside[sc][m.Address] = sg.AsideMark{SweepMark: m, RetryAt: retryAt, Tries: tries}
	st.mu.Unlock()
	return st.ClearMarks(ctx, scope, []sg.SweepMark{m})
}

// AsideMarks returns up to limit marks set aside, by address.
func (st *Store) AsideMarks(_ context.Context, scope string, limit int32) ([]sg.AsideMark, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return byAddress(st.chain().aside[strings.ToLower(scope)], func(m sg.AsideMark) string { return m.Address }, limit), nil
}

// Restore puts an aside mark back among the marks to sweep (a newer mark
// of the address is kept) and ends its time aside.
func (st *Store) Restore(_ context.Context, scope string, m sg.AsideMark) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	marks := st.marksOf(scope)
	if _, ok := marks[m.Address]; !ok {
		marks[m.Address] = m.SweepMark
	}
	delete(st.chain().aside[strings.ToLower(scope)], m.Address)
	return nil
}

// ---- ops: the age of the oldest open withdrawal ----

// OldestOpenWithdrawal is the creation time of the oldest withdrawal not in
// a final state (ok false when none is open).
func (st *Store) OldestOpenWithdrawal(context.Context) (oldest time.Time, ok bool, err error) {
	for _, t := range st.openWithdrawals(func(*sg.Transfer) bool { return true }) {
		if !ok || t.CreatedAt.Before(oldest) {
			oldest, ok = t.CreatedAt, true
		}
	}
	return oldest, ok, nil
}

// ---- settle: what payouts in flight owe a chain's hot wallet ----

// OpenWithdrawalsOwed sums the amounts of the withdrawals on c not yet
// final (held, queued, awaiting approval, signed, broadcast).
func (st *Store) OpenWithdrawalsOwed(_ context.Context, c sg.Chain) (sg.Amount, error) {
	var sum sg.Amount
	for _, t := range st.openWithdrawals(func(t *sg.Transfer) bool { return t.Chain == c }) {
		sum += t.Amount
	}
	return sum, nil
}
