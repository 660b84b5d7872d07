package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Watchers is what the chain watchers keep (their state, saved over the
// version loaded) and read (the deposit addresses to watch).
type Watchers interface {
	LoadWatch(ctx context.Context, name string) ([]byte, int64, error)
	SaveWatch(ctx context.Context, name string, blob []byte, version int64) error
	AddressesSince(ctx context.Context, c sg.Chain, after string) (map[string]sg.AddressOwner, string, error)
	AddressPages(ctx context.Context, c sg.Chain, after string, page func([]sg.AddressOwner) error) (string, error)
}

var watchCases = []Case{
	{"Watch/state is saved only over the version loaded", func(t *testing.T, st Store) {
		name := "ethereum-" + randHex(4)
		blob, v, err := st.LoadWatch(ctx, name)
		if err != nil || v != 0 || len(blob) != 0 {
			t.Fatalf("LoadWatch before any = %q, %d, %v", blob, v, err)
		}
		wantErr(t, "saving over a version never loaded", st.SaveWatch(ctx, name, []byte("x"), 3), sg.ErrStateChanged)
		must(t, "first SaveWatch", st.SaveWatch(ctx, name, []byte("cursor-1"), 0))
		wantErr(t, "a second first save", st.SaveWatch(ctx, name, []byte("cursor-other"), 0), sg.ErrStateChanged)
		blob, v, err = st.LoadWatch(ctx, name)
		if err != nil || v != 1 || string(blob) != "cursor-1" {
			t.Fatalf("LoadWatch = %q, %d, %v; want cursor-1 at 1", blob, v, err)
		}
		must(t, "SaveWatch over 1", st.SaveWatch(ctx, name, []byte("cursor-2"), 1))
		wantErr(t, "an overlapping run's save over 1", st.SaveWatch(ctx, name, []byte("cursor-stale"), 1), sg.ErrStateChanged)
		if blob, v, _ := st.LoadWatch(ctx, name); v != 2 || string(blob) != "cursor-2" {
			t.Fatalf("LoadWatch = %q, %d; want cursor-2 at 2", blob, v)
		}
		if _, v, _ := st.LoadWatch(ctx, name+"-other"); v != 0 {
			t.Fatalf("another watcher's version = %d", v)
		}
	}},
	{"Watch/the push follower's lease: one holder until it ends, then taken over", func(t *testing.T, st Store) {
		name := "ethereum-" + randHex(4)
		t0 := time.UnixMilli(1_800_000_000_000)
		// claim writes the taker's cursor and a lease of 2 minutes from at
		// into the state, as the follower does.
		claim := func(who string, at time.Time) func([]byte) ([]byte, error) {
			return func([]byte) ([]byte, error) {
				return json.Marshal(map[string]any{"Cursor": who, "FollowUntil": at.Add(2 * time.Minute).UnixMilli()})
			}
		}
		vA, ok, err := sg.TakeWatchLease(ctx, st, name, t0, claim("a", t0))
		if err != nil || !ok || vA != 1 {
			t.Fatalf("the first taker: version %d, ok %v, %v; want the lease at version 1", vA, ok, err)
		}
		if _, ok, err := sg.TakeWatchLease(ctx, st, name, t0.Add(time.Minute), claim("b", t0.Add(time.Minute))); ok || err != nil {
			t.Fatalf("a second taker within the lease: ok %v, %v; want turned away", ok, err)
		}
		// A renews; two takers after its end both read the same state:
		// the one whose save lands first holds the lease, the other none.
		renewed, _ := claim("a", t0.Add(time.Minute))(nil)
		must(t, "the holder renews", st.SaveWatch(ctx, name, renewed, vA))
		later := t0.Add(4 * time.Minute)
		var cOK bool
		_, dOK, err := sg.TakeWatchLease(ctx, st, name, later, func(state []byte) ([]byte, error) {
			var cErr error
			_, cOK, cErr = sg.TakeWatchLease(ctx, st, name, later, claim("c", later))
			must(t, "the taker that saves first", cErr)
			return claim("d", later)(state)
		})
		if err != nil || !cOK || dOK {
			t.Fatalf("two takers after the lease ended: first to save %v, second %v (%v); want the first only", cOK, dOK, err)
		}
		// The old holder's next renewal finds the lease lost.
		stale, _ := claim("a", later)(nil)
		wantErr(t, "the old holder's renewal after the takeover", st.SaveWatch(ctx, name, stale, vA+1), sg.ErrStateChanged)
		blob, v, err := st.LoadWatch(ctx, name)
		var got struct {
			Cursor      string
			FollowUntil int64
		}
		if err != nil || json.Unmarshal(blob, &got) != nil || got.Cursor != "c" || got.FollowUntil != later.Add(2*time.Minute).UnixMilli() || v != 3 {
			t.Fatalf("state %s at %d (%v); want c's lease at version 3", blob, v, err)
		}
	}},
	{"Watch/deposit addresses since a position, with their owners", func(t *testing.T, st Store) {
		tn := tenant()
		_, start, err := st.AddressesSince(ctx, sg.Ethereum, "0")
		must(t, "AddressesSince", err)
		w1, w2 := newWallet(t, st, tn, false), newWallet(t, st, tn, false)
		if w2.ID < w1.ID { // ids made in one millisecond sort at random
			w1, w2 = w2, w1
		}
		all, last, err := st.AddressesSince(ctx, sg.Ethereum, start)
		must(t, "AddressesSince", err)
		a1, a2 := strings.ToLower(w1.Addresses[0].Address), strings.ToLower(w2.Addresses[0].Address)
		if len(all) != 2 || all[a1] != (sg.AddressOwner{Tenant: tn, Wallet: w1.ID, Index: w1.Index, Address: w1.Addresses[0].Address}) ||
			all[a2].Wallet != w2.ID || last != w2.ID+"#"+a2 {
			t.Fatalf("AddressesSince = %v, %q; want both wallets' addresses, ending at %s", all, last, w2.ID)
		}
		mid, _, err := st.AddressesSince(ctx, sg.Ethereum, w1.ID+"#"+a1)
		must(t, "AddressesSince the first", err)
		if len(mid) != 1 || mid[a2].Wallet != w2.ID {
			t.Fatalf("AddressesSince the first = %v; want the second's only", mid)
		}
		none, again, err := st.AddressesSince(ctx, sg.Ethereum, last)
		must(t, "AddressesSince the last", err)
		if len(none) != 0 || again != last {
			t.Fatalf("AddressesSince the last = %v, %q; want nothing, at %q", none, again, last)
		}
		if tron, _, _ := st.AddressesSince(ctx, sg.Tron, "0"); len(tron) != 0 {
			t.Fatalf("Tron addresses = %v; the wallets have none", tron)
		}
	}},
	{"Watch/deposit addresses by pages, over every shard", func(t *testing.T, st Store) {
		tn := tenant()
		_, start, err := st.AddressesSince(ctx, sg.Ethereum, "0")
		must(t, "AddressesSince", err)
		want := map[string]sg.AddressOwner{}
		for i := 0; i < 40; i++ { // 40 addresses fall in most of the 16 shards
			w := newWallet(t, st, tn, false)
			want[w.Addresses[0].Address] = sg.AddressOwner{Tenant: tn, Wallet: w.ID, Index: w.Index, Address: w.Addresses[0].Address}
		}
		got := map[string]sg.AddressOwner{}
		last, err := st.AddressPages(ctx, sg.Ethereum, start, func(page []sg.AddressOwner) error {
			for _, o := range page {
				if o.Tenant != tn {
					continue // another case's wallets
				}
				if _, twice := got[o.Address]; twice {
					t.Errorf("%s handed twice", o.Address)
				}
				got[o.Address] = o
			}
			return nil
		})
		must(t, "AddressPages", err)
		if len(got) != len(want) {
			t.Fatalf("AddressPages handed %d addresses; want the %d new ones", len(got), len(want))
		}
		for a, o := range want {
			if got[a] != o {
				t.Fatalf("%s: %+v; want %+v", a, got[a], o)
			}
		}
		n := 0
		_, err = st.AddressPages(ctx, sg.Ethereum, last, func(page []sg.AddressOwner) error {
			for _, o := range page {
				if o.Tenant == tn {
					n++
				}
			}
			return nil
		})
		must(t, "AddressPages after the last", err)
		if n != 0 {
			t.Fatalf("AddressPages after the last position handed %d addresses", n)
		}
	}},
}
