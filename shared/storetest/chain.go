package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ChainStore is what the chain side keeps (the ports shared/chain/ethereum
// and shared/chain/tron declare, and coldapi's and grantapi's), written
// out over the domain's records rather than imported, so the contract
// links no chain library.
type ChainStore interface {
	// Open withdrawals (the recon job's reads).
	ExpiredHolds(ctx context.Context, now time.Time) ([]sg.Transfer, error)
	StalledWithdrawals(ctx context.Context, before time.Time) ([]sg.Transfer, error)

	// The hot key and its rotations (sg.RotationStore and the drain's).
	HotKey(ctx context.Context) (sg.HotKey, error)
	Rotation(ctx context.Context) (sg.Rotation, bool, error)
	StartRotation(ctx context.Context, r sg.Rotation, j sg.JournalEntry) error
	SaveRotation(ctx context.Context, r sg.Rotation, from string) error
	FinishRotation(ctx context.Context, r sg.Rotation, j sg.JournalEntry) error

	// Cold payouts (coldapi.Store, the chains' ColdStore).
	PutColdBundle(ctx context.Context, r sg.ColdRecord, j sg.JournalEntry) error
	ColdLock(ctx context.Context, chain string) (tenant, id string, until time.Time, err error)
	ColdBundle(ctx context.Context, tenant, id string, byKey bool) (sg.ColdRecord, error)
	MoveCold(ctx context.Context, r sg.ColdRecord, from, to, txHash string, j ...sg.JournalEntry) error
	TrackCold(ctx context.Context, c sg.Chain, tenant, id string) error

	// Tron grants (grantapi.Store, tron.GrantStore).
	PutTronGrant(ctx context.Context, r sg.GrantRecord, j sg.JournalEntry) error
	TronGrant(ctx context.Context, id string, byKey bool) (sg.GrantRecord, error)
	OpenTronGrant(ctx context.Context, scope string) (string, bool, error)
	MoveTronGrant(ctx context.Context, r sg.GrantRecord, from, to string, signed []byte, outcome map[string]string, j sg.JournalEntry) error
	PutGranted(ctx context.Context, scope, addr, spender, grant string) error
	Granted(ctx context.Context, scope string) (map[string]string, error)

	// Signed transactions (the chains' TxStore).
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	SignedTx(ctx context.Context, id string) (sg.SignedTx, error)
	NonceOf(ctx context.Context, c sg.Chain, addr, id string) (sg.NonceClaim, bool, error)

	// Sweeps (ethereum.SweepStore, Tron's sweeper).
	MarkForSweep(ctx context.Context, scope, addr string, index uint32, version string) error
	SweepMarks(ctx context.Context, scope string, limit int32) ([]sg.SweepMark, error)
	OpenSweep(ctx context.Context, scope string) (sg.Sweep, bool, error)
	StartSweep(ctx context.Context, scope string, sw sg.Sweep) error
	EndSweep(ctx context.Context, scope string, sw sg.Sweep, swept bool) error
	EndSweepEach(ctx context.Context, scope string, sw sg.Sweep, swept func(sg.SweepMark) bool) error
	// ---- sweep: refused marks set aside ----
	SetAside(ctx context.Context, scope string, m sg.SweepMark, retryAt time.Time, tries int) error
	AsideMarks(ctx context.Context, scope string, limit int32) ([]sg.AsideMark, error)
	Restore(ctx context.Context, scope string, m sg.AsideMark) error
}

func entry(action, subject string) sg.JournalEntry {
	return sg.JournalEntry{At: now(), Actor: "ops-" + randHex(3), Action: action, Subject: subject}
}

func coldRecord(tenant string, expires time.Time) sg.ColdRecord {
	at := now()
	return sg.ColdRecord{ID: sg.NewKeyedID("cb", at, tenant, "cold.prepare", "k-"+randHex(6)), Tenant: tenant, Chain: string(sg.Ethereum),
		Bundle: []byte("bundle-" + randHex(4)), RequestHash: "rh", RequestedBy: "ops", CreatedAt: at, ExpiresAt: expires, Amount: 5_000_000, To: ethAddress()}
}

func grantRecord(scope string, expires time.Time) sg.GrantRecord {
	at := now()
	return sg.GrantRecord{ID: sg.NewKeyedID("tg", at, "platform", "grants.prepare", "k-"+randHex(6)), Scope: scope,
		Bundle: []byte("grant-" + randHex(4)), RequestHash: "rh", RequestedBy: "ops", CreatedAt: at, ExpiresAt: expires}
}

// eventually polls read (an index read: DynamoDB's GSI is eventually
// consistent) until it holds, with a generous bound.
func eventually(t *testing.T, what string, holds func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !holds(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after 10s", what)
		}
	}
}

func ids(ts []sg.Transfer) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

var chainCases = []Case{
	{"SignedTx/kept once: a second signing gets the first bytes back", func(t *testing.T, st Store) {
		id := "txn-" + randHex(8)
		_, err := st.SignedTx(ctx, id)
		wantErr(t, "SignedTx before any", err, sg.ErrNotFound)
		at := now()
		first, err := st.SaveSignedTx(ctx, id, []byte{1, 2, 3}, "0xaaa", at)
		must(t, "SaveSignedTx", err)
		again, err := st.SaveSignedTx(ctx, id, []byte{9, 9}, "0xbbb", at.Add(time.Minute))
		must(t, "SaveSignedTx again", err)
		if again.Hash != "0xaaa" || !bytes.Equal(again.Raw, []byte{1, 2, 3}) || !again.At.Equal(first.At) {
			t.Fatalf("second save = %+v; want the first (%+v)", again, first)
		}
		got, err := st.SignedTx(ctx, id)
		must(t, "SignedTx", err)
		if got.Hash != "0xaaa" || !bytes.Equal(got.Raw, []byte{1, 2, 3}) || len(got.Prev) != 0 {
			t.Fatalf("kept = %+v; want the first, with no previous hashes", got)
		}
	}},
	{"SignedTx/replaced only from the hash it replaces, remembering it", func(t *testing.T, st Store) {
		id := "txn-" + randHex(8)
		_, err := st.ReplaceSignedTx(ctx, id, "0xaaa", []byte{2}, "0xbbb", now())
		wantErr(t, "ReplaceSignedTx of nothing", err, sg.ErrNotFound)
		_, err = st.SaveSignedTx(ctx, id, []byte{1}, "0xaaa", now())
		must(t, "SaveSignedTx", err)
		got, err := st.ReplaceSignedTx(ctx, id, "0xaaa", []byte{2}, "0xbbb", now())
		must(t, "ReplaceSignedTx", err)
		if got.Hash != "0xbbb" || !bytes.Equal(got.Raw, []byte{2}) || !slices.Equal(got.Prev, []string{"0xaaa"}) {
			t.Fatalf("after replacing = %+v; want 0xbbb with 0xaaa before it", got)
		}
		// A stale replacement (from a hash no longer kept) changes nothing.
		got, err = st.ReplaceSignedTx(ctx, id, "0xaaa", []byte{3}, "0xccc", now())
		must(t, "stale ReplaceSignedTx", err)
		if got.Hash != "0xbbb" || !slices.Equal(got.Prev, []string{"0xaaa"}) {
			t.Fatalf("after a stale replacement = %+v; want 0xbbb kept", got)
		}
		got, err = st.ReplaceSignedTx(ctx, id, "0xbbb", []byte{4}, "0xddd", now())
		must(t, "second ReplaceSignedTx", err)
		if got.Hash != "0xddd" || !slices.Equal(got.Prev, []string{"0xaaa", "0xbbb"}) {
			t.Fatalf("after two replacements = %+v; want 0xddd after 0xaaa, 0xbbb", got)
		}
	}},
	{"Sweep/one open sweep per scope; a mark re-marked meanwhile stays", func(t *testing.T, st Store) {
		scope := "ethereum#0x" + randHex(20)
		a, b, c := ethAddress(), ethAddress(), ethAddress()
		must(t, "mark a", st.MarkForSweep(ctx, scope, a, 1, "v1"))
		must(t, "mark b", st.MarkForSweep(ctx, scope, b, 2, "v1"))
		must(t, "mark c", st.MarkForSweep(ctx, scope, c, 3, "v1"))
		marks, err := st.SweepMarks(ctx, scope, 10)
		must(t, "SweepMarks", err)
		if len(marks) != 3 {
			t.Fatalf("%d marks; want 3", len(marks))
		}
		if two, _ := st.SweepMarks(ctx, scope, 2); len(two) != 2 {
			t.Fatalf("SweepMarks(limit 2) gave %d", len(two))
		}
		if _, open, err := st.OpenSweep(ctx, scope); err != nil || open {
			t.Fatalf("OpenSweep before any = %v, %v; want none", open, err)
		}
		sw := sg.Sweep{ID: "sw-" + randHex(4), Marks: marks}
		must(t, "StartSweep", st.StartSweep(ctx, scope, sw))
		wantErr(t, "a second StartSweep", st.StartSweep(ctx, scope, sg.Sweep{ID: "sw-other", Marks: marks[:1]}), sg.ErrStateChanged)
		got, open, err := st.OpenSweep(ctx, scope)
		must(t, "OpenSweep", err)
		if !open || got.ID != sw.ID || len(got.Marks) != 3 {
			t.Fatalf("OpenSweep = %+v, %v; want %s with 3 marks", got, open, sw.ID)
		}
		must(t, "re-mark b", st.MarkForSweep(ctx, scope, b, 2, "v2"))
		must(t, "EndSweep", st.EndSweep(ctx, scope, sw, true))
		if _, open, _ := st.OpenSweep(ctx, scope); open {
			t.Fatal("the sweep is still open after EndSweep")
		}
		left, err := st.SweepMarks(ctx, scope, 10)
		must(t, "SweepMarks after", err)
		if len(left) != 1 || left[0].Address != b || left[0].Version != "v2" || left[0].Index != 2 {
			t.Fatalf("marks left = %+v; want only %s at v2", left, b)
		}
		// Another scope is untouched, and the next sweep may start.
		if other, _ := st.SweepMarks(ctx, "tron#T"+randHex(8), 10); len(other) != 0 {
			t.Fatalf("another scope holds %d marks", len(other))
		}
		must(t, "StartSweep after the end", st.StartSweep(ctx, scope, sg.Sweep{ID: "sw-next", Marks: left}))
	}},
	{"Sweep/each mark ends on its own; an unswept one stays marked", func(t *testing.T, st Store) {
		scope := "tron#t" + randHex(10)
		a, b := "T"+randHex(16), "T"+randHex(16)
		must(t, "mark a", st.MarkForSweep(ctx, scope, a, 1, "v1"))
		must(t, "mark b", st.MarkForSweep(ctx, scope, b, 2, "v1"))
		marks, err := st.SweepMarks(ctx, scope, 10)
		must(t, "SweepMarks", err)
		sw := sg.Sweep{ID: "sw-" + randHex(4), Marks: marks}
		must(t, "StartSweep", st.StartSweep(ctx, scope, sw))
		must(t, "EndSweepEach", st.EndSweepEach(ctx, scope, sw, func(m sg.SweepMark) bool { return m.Address == a }))
		left, err := st.SweepMarks(ctx, scope, 10)
		must(t, "SweepMarks after", err)
		if len(left) != 1 || left[0].Address != b {
			t.Fatalf("marks left = %+v; want only %s (its address kept as given)", left, b)
		}
	}},
	// ---- sweep: refused marks set aside ----
	{"Sweep/a refused mark set aside leaves the batches until restored; a newer deposit's mark is kept", func(t *testing.T, st Store) {
		scope := "ethereum#0x" + randHex(20)
		a, b := ethAddress(), ethAddress()
		must(t, "mark a", st.MarkForSweep(ctx, scope, a, 1, "v1"))
		must(t, "mark b", st.MarkForSweep(ctx, scope, b, 2, "v1"))
		at := now().Add(time.Hour).Truncate(time.Millisecond)
		must(t, "SetAside a", st.SetAside(ctx, scope, sg.SweepMark{Address: a, Index: 1, Version: "v1"}, at, 1))
		if marks, _ := st.SweepMarks(ctx, scope, 10); len(marks) != 1 || marks[0].Address != b {
			t.Fatalf("marks after setting a aside = %+v; want only %s", marks, b)
		}
		aside, err := st.AsideMarks(ctx, scope, 10)
		must(t, "AsideMarks", err)
		if len(aside) != 1 || aside[0].Address != a || aside[0].Index != 1 || aside[0].Version != "v1" || !aside[0].RetryAt.Equal(at) || aside[0].Tries != 1 {
			t.Fatalf("aside = %+v; want %s, index 1, v1, retry at %v, 1 try", aside, a, at)
		}
		// b is re-marked by a deposit before it is set aside: its mark stays.
		must(t, "re-mark b", st.MarkForSweep(ctx, scope, b, 2, "v2"))
		must(t, "SetAside b (stale)", st.SetAside(ctx, scope, sg.SweepMark{Address: b, Index: 2, Version: "v1"}, at, 1))
		if marks, _ := st.SweepMarks(ctx, scope, 10); len(marks) != 1 || marks[0].Address != b || marks[0].Version != "v2" {
			t.Fatalf("marks after a stale SetAside = %+v; want %s at v2", marks, b)
		}
		must(t, "Restore a", st.Restore(ctx, scope, aside[0]))
		marks, _ := st.SweepMarks(ctx, scope, 10)
		if len(marks) != 2 {
			t.Fatalf("marks after Restore = %+v; want a back beside b", marks)
		}
		// Restoring b's aside entry keeps b's newer mark.
		bAside, _ := st.AsideMarks(ctx, scope, 10)
		if len(bAside) != 1 || bAside[0].Address != b {
			t.Fatalf("aside = %+v; want only %s", bAside, b)
		}
		must(t, "Restore b", st.Restore(ctx, scope, bAside[0]))
		if left, _ := st.AsideMarks(ctx, scope, 10); len(left) != 0 {
			t.Fatalf("aside after restores = %+v; want none", left)
		}
		final, err := st.SweepMarks(ctx, scope, 10)
		must(t, "SweepMarks", err)
		for _, m := range final {
			if m.Address == b && m.Version != "v2" {
				t.Fatalf("b's mark is %s after Restore; want the newer v2", m.Version)
			}
		}
	}},
	{"Cold/once per key and one open bundle per chain", func(t *testing.T, st Store) {
		tn := tenant()
		r := coldRecord(tn, now().Add(time.Hour))
		must(t, "PutColdBundle", st.PutColdBundle(ctx, r, entry("cold.prepared", r.ID)))
		wantErr(t, "PutColdBundle again", st.PutColdBundle(ctx, r, entry("cold.prepared", r.ID)), sg.ErrTransferExists)
		other := coldRecord(tn, now().Add(time.Hour))
		wantErr(t, "a second bundle on the chain", st.PutColdBundle(ctx, other, entry("cold.prepared", other.ID)), sg.ErrColdBundleOpen)
		lt, lid, until, err := st.ColdLock(ctx, r.Chain)
		must(t, "ColdLock", err)
		if lt != tn || lid != r.ID || until.Unix() != r.ExpiresAt.Unix() {
			t.Fatalf("ColdLock = %s, %s, %v; want %s, %s, %v", lt, lid, until, tn, r.ID, r.ExpiresAt)
		}
		got, err := st.ColdBundle(ctx, tn, r.ID, false)
		must(t, "ColdBundle", err)
		if got.State != sg.ColdPrepared || !bytes.Equal(got.Bundle, r.Bundle) || got.Amount != r.Amount || got.To != r.To ||
			!got.CreatedAt.Equal(r.CreatedAt) || got.ExpiresAt.Unix() != r.ExpiresAt.Unix() {
			t.Fatalf("ColdBundle = %+v; want %+v, prepared", got, r)
		}
		kp, _ := sg.KeyPart("cb", r.ID)
		if byKey, err := st.ColdBundle(ctx, tn, kp, true); err != nil || byKey.ID != r.ID {
			t.Fatalf("ColdBundle by key = %+v, %v", byKey, err)
		}
		_, err = st.ColdBundle(ctx, tenant(), r.ID, false)
		wantErr(t, "another tenant's bundle", err, sg.ErrNotFound)
		_, err = st.ColdBundle(ctx, tn, other.ID, false)
		wantErr(t, "a bundle refused", err, sg.ErrNotFound)
		if _, _, _, err := st.ColdLock(ctx, string(sg.Tron)); err != nil {
			t.Fatal(err)
		}
	}},
	{"Cold/an unsigned bundle's lock lapses when it expires, and it can no longer be signed", func(t *testing.T, st Store) {
		tn := tenant()
		r := coldRecord(tn, now().Add(-2*time.Second))
		must(t, "PutColdBundle", st.PutColdBundle(ctx, r, entry("cold.prepared", r.ID)))
		wantErr(t, "signing an expired bundle", st.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdSigned, "0xabc"), sg.ErrStateChanged)
		next := coldRecord(tn, now().Add(time.Hour))
		must(t, "a bundle after the lapse", st.PutColdBundle(ctx, next, entry("cold.prepared", next.ID)))
		if _, id, _, _ := st.ColdLock(ctx, r.Chain); id != next.ID {
			t.Fatalf("the lock is %s's; want %s's", id, next.ID)
		}
	}},
	{"Cold/moves only from their state; signing holds the lock for good, the end releases it", func(t *testing.T, st Store) {
		tn := tenant()
		r := coldRecord(tn, now().Add(time.Hour))
		must(t, "PutColdBundle", st.PutColdBundle(ctx, r, entry("cold.prepared", r.ID)))
		wantErr(t, "a move from the wrong state", st.MoveCold(ctx, r, sg.ColdSigned, sg.ColdSent, ""), sg.ErrStateChanged)
		must(t, "to signed", st.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdSigned, "0xabc", entry("cold.signed", r.ID)))
		wantErr(t, "signed twice", st.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdSigned, "0xabc"), sg.ErrStateChanged)
		_, id, until, err := st.ColdLock(ctx, r.Chain)
		must(t, "ColdLock", err)
		if id != r.ID || until.Before(time.Now().AddDate(100, 0, 0)) {
			t.Fatalf("ColdLock = %s until %v; want %s held for good", id, until, r.ID)
		}
		must(t, "to sent", st.MoveCold(ctx, r, sg.ColdSigned, sg.ColdSent, ""))
		got, err := st.ColdBundle(ctx, tn, r.ID, false)
		must(t, "ColdBundle", err)
		if got.State != sg.ColdSent || got.TxHash != "0xabc" {
			t.Fatalf("after sending: %s, %q; want sent, 0xabc", got.State, got.TxHash)
		}
		must(t, "to done", st.MoveCold(ctx, r, sg.ColdSent, sg.ColdDone, ""))
		if _, id, _, _ := st.ColdLock(ctx, r.Chain); id != "" {
			t.Fatalf("the lock is still %s's after the payout ended", id)
		}
		next := coldRecord(tn, now().Add(time.Hour))
		must(t, "the next bundle", st.PutColdBundle(ctx, next, entry("cold.prepared", next.ID)))
		must(t, "cancelled", st.MoveCold(ctx, next, sg.ColdPrepared, sg.ColdCancelled, ""))
		if _, id, _, _ := st.ColdLock(ctx, r.Chain); id != "" {
			t.Fatalf("the lock is still %s's after a cancel", id)
		}
	}},
	{"Cold/a tracked cold payout is marked cold", func(t *testing.T, st Store) {
		tn, id := tenant(), "cb-"+randHex(8)
		must(t, "TrackCold", st.TrackCold(ctx, sg.Tron, tn, id))
		ps, err := st.Tracked(ctx, sg.Tron)
		must(t, "Tracked", err)
		if len(ps) != 1 || ps[0] != (sg.TrackedPayout{Tenant: tn, ID: id, Kind: "cold"}) {
			t.Fatalf("Tracked = %+v; want %s marked cold", ps, id)
		}
		must(t, "Untrack", st.Untrack(ctx, sg.Tron, id))
		if ps, _ := st.Tracked(ctx, sg.Tron); len(ps) != 0 {
			t.Fatalf("Tracked after Untrack = %+v", ps)
		}
	}},
	{"Grant/once per key, one open per scope; signing holds it, the end releases it", func(t *testing.T, st Store) {
		scope := "tron#t" + randHex(10)
		r := grantRecord(scope, now().Add(time.Hour))
		must(t, "PutTronGrant", st.PutTronGrant(ctx, r, entry("grant.prepared", r.ID)))
		wantErr(t, "PutTronGrant again", st.PutTronGrant(ctx, r, entry("grant.prepared", r.ID)), sg.ErrTransferExists)
		other := grantRecord(scope, now().Add(time.Hour))
		wantErr(t, "a second grant of the scope", st.PutTronGrant(ctx, other, entry("grant.prepared", other.ID)), sg.ErrGrantOpen)
		elsewhere := grantRecord(scope+"x", now().Add(time.Hour))
		must(t, "a grant of another scope", st.PutTronGrant(ctx, elsewhere, entry("grant.prepared", elsewhere.ID)))
		if id, signed, err := st.OpenTronGrant(ctx, scope); err != nil || id != r.ID || signed {
			t.Fatalf("OpenTronGrant = %s, %v, %v; want %s unsigned", id, signed, err, r.ID)
		}
		wantErr(t, "done before signed", st.MoveTronGrant(ctx, r, sg.GrantSigned, sg.GrantDone, nil, nil, entry("grant.done", r.ID)), sg.ErrStateChanged)
		must(t, "to signed", st.MoveTronGrant(ctx, r, sg.GrantPrepared, sg.GrantSigned, []byte("signed"), nil, entry("grant.signed", r.ID)))
		if id, signed, err := st.OpenTronGrant(ctx, scope); err != nil || id != r.ID || !signed {
			t.Fatalf("OpenTronGrant = %s, %v, %v; want %s signed", id, signed, err, r.ID)
		}
		out := map[string]string{"T" + randHex(8): "approved"}
		must(t, "to done", st.MoveTronGrant(ctx, r, sg.GrantSigned, sg.GrantDone, nil, out, entry("grant.done", r.ID)))
		got, err := st.TronGrant(ctx, r.ID, false)
		must(t, "TronGrant", err)
		if got.State != sg.GrantDone || string(got.Signed) != "signed" || !bytes.Equal(got.Bundle, r.Bundle) || len(got.Outcome) != 1 || got.Scope != scope {
			t.Fatalf("TronGrant = %+v; want done, signed, with its outcome", got)
		}
		kp, _ := sg.KeyPart("tg", r.ID)
		if byKey, err := st.TronGrant(ctx, kp, true); err != nil || byKey.ID != r.ID {
			t.Fatalf("TronGrant by key = %+v, %v", byKey, err)
		}
		_, err = st.TronGrant(ctx, other.ID, false)
		wantErr(t, "a grant refused", err, sg.ErrNotFound)
		if id, _, err := st.OpenTronGrant(ctx, scope); err != nil || id != "" {
			t.Fatalf("OpenTronGrant after the end = %q, %v; want none", id, err)
		}
		must(t, "the next grant", st.PutTronGrant(ctx, other, entry("grant.prepared", other.ID)))
	}},
	{"Grant/an unsigned grant lapses and can no longer be signed", func(t *testing.T, st Store) {
		scope := "tron#t" + randHex(10)
		r := grantRecord(scope, now().Add(-2*time.Second))
		must(t, "PutTronGrant", st.PutTronGrant(ctx, r, entry("grant.prepared", r.ID)))
		wantErr(t, "signing a lapsed grant", st.MoveTronGrant(ctx, r, sg.GrantPrepared, sg.GrantSigned, []byte("s"), nil, entry("grant.signed", r.ID)), sg.ErrStateChanged)
		next := grantRecord(scope, now().Add(time.Hour))
		must(t, "a grant after the lapse", st.PutTronGrant(ctx, next, entry("grant.prepared", next.ID)))
	}},
	{"Grant/granted addresses per scope", func(t *testing.T, st Store) {
		scope := "tron#t" + randHex(10)
		a, b := "T"+randHex(16), "T"+randHex(16)
		must(t, "PutGranted a", st.PutGranted(ctx, scope, a, "Tspender1", "tg-1"))
		must(t, "PutGranted b", st.PutGranted(ctx, scope, b, "Tspender1", "tg-1"))
		must(t, "PutGranted a again", st.PutGranted(ctx, scope, a, "Tspender2", "tg-2"))
		got, err := st.Granted(ctx, scope)
		must(t, "Granted", err)
		if len(got) != 2 || got[a] != "Tspender2" || got[b] != "Tspender1" {
			t.Fatalf("Granted = %v", got)
		}
		if other, _ := st.Granted(ctx, scope+"x"); len(other) != 0 {
			t.Fatalf("another scope has %v", other)
		}
	}},
	{"Rotation/one under way; progress only from its state; finishing moves the generation", func(t *testing.T, st Store) {
		hk, err := st.HotKey(ctx)
		must(t, "HotKey", err)
		if hk.Generation != 0 || hk.KeyID != "" || len(hk.Retired) != 0 {
			t.Fatalf("HotKey before any rotation = %+v", hk)
		}
		if _, ok, err := st.Rotation(ctx); err != nil || ok {
			t.Fatalf("Rotation before any = %v, %v", ok, err)
		}
		r := sg.Rotation{ID: sg.NewID("rot", time.Now()), State: sg.RotationRequested, RequestedBy: "ops", RequestedAt: now(), Steps: map[string]string{}}
		must(t, "StartRotation", st.StartRotation(ctx, r, entry("hot_key.rotation_requested", r.ID)))
		again := r
		again.ID = sg.NewID("rot", time.Now())
		wantErr(t, "a second StartRotation", st.StartRotation(ctx, again, entry("hot_key.rotation_requested", again.ID)), sg.ErrRotationUnderway)
		r.State, r.OldKey, r.NewKey, r.OldAddr, r.NewAddr = sg.RotationDraining, "key-old", "key-new", ethAddress(), ethAddress()
		r.Steps["factory"] = "0xabc"
		wantErr(t, "SaveRotation from the wrong state", st.SaveRotation(ctx, r, sg.RotationDraining), sg.ErrStateChanged)
		wantErr(t, "SaveRotation of another rotation", st.SaveRotation(ctx, again, sg.RotationRequested), sg.ErrStateChanged)
		must(t, "SaveRotation", st.SaveRotation(ctx, r, sg.RotationRequested))
		got, ok, err := st.Rotation(ctx)
		must(t, "Rotation", err)
		if !ok || got.State != sg.RotationDraining || got.NewKey != "key-new" || got.Steps["factory"] != "0xabc" || !got.RequestedAt.Equal(r.RequestedAt) {
			t.Fatalf("Rotation = %+v; want draining with its step", got)
		}
		stale := r
		stale.Previous = 3
		wantErr(t, "FinishRotation from a generation not in use", st.FinishRotation(ctx, stale, entry("hot_key.rotated", r.ID)), sg.ErrStateChanged)
		must(t, "FinishRotation", st.FinishRotation(ctx, r, entry("hot_key.rotated", r.ID)))
		hk, err = st.HotKey(ctx)
		must(t, "HotKey", err)
		if hk.Generation != 1 || hk.KeyID != "key-new" || !slices.Equal(hk.Retired, []string{"key-old"}) {
			t.Fatalf("HotKey after = %+v; want generation 1, key-new, key-old retired", hk)
		}
		got, _, _ = st.Rotation(ctx)
		if got.State != sg.RotationDone || got.EndedAt.IsZero() {
			t.Fatalf("Rotation after = %+v; want done, with its end", got)
		}
		wantErr(t, "finishing twice", st.FinishRotation(ctx, r, entry("hot_key.rotated", r.ID)), sg.ErrStateChanged)
		js, err := st.Journal(ctx, sg.PlatformTenant, 10, 0)
		must(t, "Journal", err)
		if len(js) != 2 {
			t.Fatalf("the platform's journal holds %d entries; want 2 (requested, rotated)", len(js))
		}
		// Once done, the next rotation may start, from generation 1.
		next := sg.Rotation{ID: sg.NewID("rot", time.Now()), State: sg.RotationRequested, RequestedBy: "ops", RequestedAt: now(), Previous: 1}
		must(t, "the next StartRotation", st.StartRotation(ctx, next, entry("hot_key.rotation_requested", next.ID)))
		next.State, next.OldKey, next.NewKey = sg.RotationDraining, "key-new", "key-third"
		must(t, "the next SaveRotation", st.SaveRotation(ctx, next, sg.RotationRequested))
		must(t, "the next FinishRotation", st.FinishRotation(ctx, next, entry("hot_key.rotated", next.ID)))
		if hk, _ := st.HotKey(ctx); hk.Generation != 2 || !slices.Equal(hk.Retired, []string{"key-old", "key-new"}) {
			t.Fatalf("HotKey after two = %+v", hk)
		}
	}},
	{"OpenWithdrawals/expired holds: lapsed unsigned holds and ended approval waits, never one holding a nonce", func(t *testing.T, st Store) {
		tn := tenant()
		w := newWallet(t, st, tn, false)
		fund(t, st, w, sg.Available, 100)
		lapsed := hold(w, "lapsed", 10)
		lapsed.ExpiresAt = now().Add(-time.Minute)
		must(t, "lapsed", st.ApplyTransfer(ctx, lapsed))
		live := hold(w, "live", 10)
		must(t, "live", st.ApplyTransfer(ctx, live))
		nonced := hold(w, "nonced", 10)
		nonced.ExpiresAt = now().Add(-time.Minute)
		must(t, "nonced", st.ApplyTransfer(ctx, nonced))
		must(t, "nonced to approved", st.Transition(ctx, tn, nonced.ID, move(nonced, sg.StatePending, sg.StateApproved, sg.Entry{})))
		_, err := st.AllocateNonce(ctx, sg.Ethereum, ethAddress(), nonced.ID, 0, sg.NonceClaim{},
			&sg.NonceGuard{Tenant: tn, TransferID: nonced.ID, States: []sg.TransferState{sg.StateApproved}})
		must(t, "AllocateNonce", err)
		waited := hold(w, "waited", 10)
		must(t, "waited", st.ApplyTransfer(ctx, waited))
		m := move(waited, sg.StatePending, sg.StateAwaitingApproval, sg.Entry{})
		m.Approvals = &sg.ApprovalWait{Required: 2, Deadline: now().Add(-time.Minute)}
		must(t, "waited to awaiting approval", st.Transition(ctx, tn, waited.ID, m))
		ended := hold(w, "ended", 10)
		ended.ExpiresAt = now().Add(-time.Minute)
		must(t, "ended", st.ApplyTransfer(ctx, ended))
		must(t, "ended to cancelled", st.Transition(ctx, tn, ended.ID, move(ended, sg.StatePending, sg.StateCancelled, void(w, 10))))

		want := []string{lapsed.ID, waited.ID}
		slices.Sort(want)
		var got []string
		eventually(t, "ExpiredHolds", func() bool {
			ts, err := st.ExpiredHolds(ctx, time.Now())
			must(t, "ExpiredHolds", err)
			got = ids(ts)
			slices.Sort(got)
			return slices.Equal(got, want)
		})
		ts, err := st.ExpiredHolds(ctx, time.Now().Add(-time.Hour))
		must(t, "ExpiredHolds an hour ago", err)
		if len(ts) != 0 {
			t.Fatalf("an hour ago %v had expired; want none", ids(ts))
		}
	}},
	{"OpenWithdrawals/stalled: pending, approved or signed and unchanged since before", func(t *testing.T, st Store) {
		tn := tenant()
		w := newWallet(t, st, tn, false)
		fund(t, st, w, sg.Available, 100)
		pending := hold(w, "pending", 10)
		must(t, "pending", st.ApplyTransfer(ctx, pending))
		waiting := hold(w, "waiting", 10)
		must(t, "waiting", st.ApplyTransfer(ctx, waiting))
		m := move(waiting, sg.StatePending, sg.StateAwaitingApproval, sg.Entry{})
		m.Approvals = &sg.ApprovalWait{Required: 2, Deadline: now().Add(time.Hour)}
		must(t, "to awaiting approval", st.Transition(ctx, tn, waiting.ID, m))
		signed := hold(w, "signed", 10)
		must(t, "signed", st.ApplyTransfer(ctx, signed))
		must(t, "to approved", st.Transition(ctx, tn, signed.ID, move(signed, sg.StatePending, sg.StateApproved, sg.Entry{})))
		must(t, "to signed", st.Transition(ctx, tn, signed.ID, move(signed, sg.StateApproved, sg.StateSigned, sg.Entry{})))

		want := []string{pending.ID, signed.ID}
		slices.Sort(want)
		eventually(t, "StalledWithdrawals", func() bool {
			ts, err := st.StalledWithdrawals(ctx, time.Now().Add(time.Minute))
			must(t, "StalledWithdrawals", err)
			got := ids(ts)
			slices.Sort(got)
			return slices.Equal(got, want)
		})
		ts, err := st.StalledWithdrawals(ctx, time.Now().Add(-time.Hour))
		must(t, "StalledWithdrawals an hour ago", err)
		if len(ts) != 0 {
			t.Fatalf("%v stalled before they were made", ids(ts))
		}
	}},
}
