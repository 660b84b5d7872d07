package storetest

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ClaimStores is the ledger that writes an internal transfer's limit
// claim in the transfer's own step (sg.ClaimingLedger) with the counters
// the claim is read back from.
type ClaimStores interface {
	Store
	sg.ClaimingLedger
	sg.LimitCounters
	sg.LimitSnapshots
	sg.WalletsAndLimits
}

// Claims runs the claim cases: a transfer and its limit claim are written
// together or not at all, with the transfer's own refusals first.
func Claims(t *testing.T, open func(t *testing.T) ClaimStores) {
	for _, c := range claimCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

// claimFixture is a funded wallet, a payee, an internal transfer of 30
// from one to the other and the claim it makes on the payer's limits.
type claimFixture struct {
	from, to sg.Wallet
	tr       sg.Transfer
	claim    sg.LimitClaim
}

func newClaim(t *testing.T, st ClaimStores, key string) claimFixture {
	t.Helper()
	ten := tenant()
	from, to := newWallet(t, st, ten, false), newWallet(t, st, ten, false)
	fund(t, st, from, sg.Available, 100)
	tr := transfer(ten, key, sg.TransferInternal, sg.StatePosted,
		sg.Posting{Account: acct(from), Bucket: sg.Available, Delta: -30, Shards: 1},
		sg.Posting{Account: acct(to), Bucket: sg.Available, Delta: 30, Shards: 1})
	at := time.Now().UTC().Truncate(time.Microsecond)
	u, err := st.LimitUsage(ctx, ten, from.ID)
	must(t, "LimitUsage", err)
	u.Add(sg.Ethereum, at, 30)
	return claimFixture{from: from, to: to, tr: tr, claim: sg.LimitClaim{Usage: u,
		Reservation: sg.LimitReservation{TenantID: ten, Subject: from.ID, ID: "transfer:" + key, Chain: sg.Ethereum, Amount: 30, At: at,
			State: sg.ReservationCommitted, UpdatedAt: at}}}
}

// wantUnclaimed checks that nothing of f's claim was written.
func (f claimFixture) wantUnclaimed(t *testing.T, st ClaimStores, version int64) {
	t.Helper()
	u, err := st.LimitUsage(ctx, f.from.TenantID, f.from.ID)
	must(t, "LimitUsage", err)
	if u.Version != version {
		t.Fatalf("usage version %d after a refused claim; want %d (unchanged)", u.Version, version)
	}
	_, err = st.LimitReservation(ctx, f.from.TenantID, f.from.ID, f.claim.Reservation.ID)
	wantErr(t, "LimitReservation(refused claim)", err, sg.ErrNotFound)
}

var claimCases = []struct {
	name string
	run  func(t *testing.T, st ClaimStores)
}{
	{"ApplyTransferClaiming/posts the transfer and writes its claim together", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-ok")
		must(t, "ApplyTransferClaiming", st.ApplyTransferClaiming(ctx, f.tr, f.claim))
		wantBalance(t, st, f.from, 70, 0, 0)
		wantBalance(t, st, f.to, 30, 0, 0)
		u, err := st.LimitUsage(ctx, f.from.TenantID, f.from.ID)
		must(t, "LimitUsage", err)
		if u.Version != 1 || u.Used(sg.ScopeAll, sg.WindowDay, f.claim.Reservation.At) != 30 {
			t.Fatalf("usage %+v; want version 1 with 30 used today", u)
		}
		r, err := st.LimitReservation(ctx, f.from.TenantID, f.from.ID, f.claim.Reservation.ID)
		must(t, "LimitReservation", err)
		if r.State != sg.ReservationCommitted || r.Amount != 30 || !r.At.Equal(f.claim.Reservation.At) {
			t.Fatalf("reservation %+v; want 30 committed at %s", r, f.claim.Reservation.At)
		}
	}},
	{"ApplyTransferClaiming/usage that moved on is ErrLimitsChanged and nothing posts", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-stale")
		// Another payment of the subject is counted after the claim's read.
		other := f.claim.Reservation
		other.ID, other.State = "transfer:other", sg.ReservationReserved
		must(t, "SaveLimits(other)", st.SaveLimits(ctx, sg.LimitUsage{TenantID: f.from.TenantID, Subject: f.from.ID, Buckets: map[string]sg.Amount{}}, other, ""))
		wantErr(t, "ApplyTransferClaiming(stale usage)", st.ApplyTransferClaiming(ctx, f.tr, f.claim), sg.ErrLimitsChanged)
		wantBalance(t, st, f.from, 100, 0, 0)
		kp, _ := sg.KeyPart("txn", f.tr.ID)
		_, err := st.TransferByKey(ctx, f.tr.TenantID, kp)
		wantErr(t, "TransferByKey(refused)", err, sg.ErrNotFound)
		f.wantUnclaimed(t, st, 1)
	}},
	{"ApplyTransferClaiming/a reservation already under the id is ErrLimitsChanged and nothing posts", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-twice")
		first := f.claim.Reservation
		first.State = sg.ReservationReserved
		must(t, "SaveLimits(first)", st.SaveLimits(ctx, sg.LimitUsage{TenantID: f.from.TenantID, Subject: f.from.ID, Buckets: map[string]sg.Amount{}}, first, ""))
		f.claim.Usage.Version = 1 // current: only the reservation refuses
		wantErr(t, "ApplyTransferClaiming(reservation exists)", st.ApplyTransferClaiming(ctx, f.tr, f.claim), sg.ErrLimitsChanged)
		wantBalance(t, st, f.from, 100, 0, 0)
		r, err := st.LimitReservation(ctx, f.from.TenantID, f.from.ID, first.ID)
		must(t, "LimitReservation", err)
		if r.State != sg.ReservationReserved {
			t.Fatalf("the reservation became %s; want it left reserved", r.State)
		}
	}},
	{"ApplyTransferClaiming/a transfer already under the key is ErrTransferExists and claims nothing", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-exists")
		must(t, "ApplyTransfer(first)", st.ApplyTransfer(ctx, f.tr))
		retry := f.tr
		retry.ID = laterAttempt(f.tr.ID)
		wantErr(t, "ApplyTransferClaiming(retry)", st.ApplyTransferClaiming(ctx, retry, f.claim), sg.ErrTransferExists)
		wantBalance(t, st, f.from, 70, 0, 0)
		f.wantUnclaimed(t, st, 0)
	}},
	{"ApplyTransferClaiming/short funds are ErrInsufficientFunds and claim nothing", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-short")
		f.tr = transfer(f.tr.TenantID, "claim-short-2", sg.TransferInternal, sg.StatePosted,
			sg.Posting{Account: acct(f.from), Bucket: sg.Available, Delta: -130, Shards: 1},
			sg.Posting{Account: acct(f.to), Bucket: sg.Available, Delta: 130, Shards: 1})
		wantErr(t, "ApplyTransferClaiming(130 of 100)", st.ApplyTransferClaiming(ctx, f.tr, f.claim), sg.ErrInsufficientFunds)
		wantBalance(t, st, f.from, 100, 0, 0)
		f.wantUnclaimed(t, st, 0)
	}},
	{"LimitSnapshot/reads the tier table, the usage and the reservation as the single reads do", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-snap")
		ten, subj, id := f.from.TenantID, f.from.ID, f.claim.Reservation.ID
		tt, u, r, err := st.LimitSnapshot(ctx, ten, subj, id)
		must(t, "LimitSnapshot(before)", err)
		if tt.Default != sg.DefaultTierTable(ten).Default || tt.TenantID != ten || u.Version != 0 || len(u.Buckets) != 0 || r != nil {
			t.Fatalf("before any claim: tiers %+v, usage %+v, reservation %+v; want the default table, no usage, none", tt, u, r)
		}
		must(t, "ApplyTransferClaiming", st.ApplyTransferClaiming(ctx, f.tr, f.claim))
		_, u, r, err = st.LimitSnapshot(ctx, ten, subj, id)
		must(t, "LimitSnapshot(after)", err)
		single, err := st.LimitUsage(ctx, ten, subj)
		must(t, "LimitUsage", err)
		if u.Version != single.Version || u.Used(sg.ScopeAll, sg.WindowDay, f.claim.Reservation.At) != 30 {
			t.Fatalf("usage %+v; want what LimitUsage reads (%+v)", u, single)
		}
		if r == nil || r.State != sg.ReservationCommitted || r.Amount != 30 || r.ID != id {
			t.Fatalf("reservation %+v; want 30 committed under %s", r, id)
		}
	}},
	{"WalletsUnderFreezeAndLimits/reads what WalletsUnderFreeze and LimitSnapshot read", func(t *testing.T, st ClaimStores) {
		f := newClaim(t, st, "claim-both")
		ten, subj, id := f.from.TenantID, f.from.ID, f.claim.Reservation.ID
		must(t, "ApplyTransferClaiming", st.ApplyTransferClaiming(ctx, f.tr, f.claim))
		must(t, "PutFreeze(payee)", st.PutFreeze(ctx, freeze(sg.FreezeWallet, ten, f.to.ID), ten, journal(f.to.ID)))
		ws, frozen, snap, err := st.WalletsUnderFreezeAndLimits(ctx, ten, subj, id, f.from.ID, f.to.ID)
		must(t, "WalletsUnderFreezeAndLimits", err)
		wantWs, wantFrozen, err := st.WalletsUnderFreeze(ctx, ten, f.from.ID, f.to.ID)
		must(t, "WalletsUnderFreeze", err)
		if len(ws) != len(wantWs) || ws[f.from.ID].ID != f.from.ID || ws[f.to.ID].ID != f.to.ID {
			t.Fatalf("wallets %v; want %v", ws, wantWs)
		}
		if len(frozen) != 1 || frozen[f.to.ID].ID != wantFrozen[f.to.ID].ID {
			t.Fatalf("freezes %v; want the payee's alone (%v)", frozen, wantFrozen)
		}
		tt, u, r, err := st.LimitSnapshot(ctx, ten, subj, id)
		must(t, "LimitSnapshot", err)
		if snap.Tiers.Default != tt.Default || snap.Usage.Version != u.Version || snap.Reservation == nil || r == nil || *snap.Reservation != *r {
			t.Fatalf("snapshot %+v; want %+v, %+v, %+v", snap, tt, u, r)
		}
	}},
}
