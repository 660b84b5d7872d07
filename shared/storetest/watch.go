package storetest

import (
	"context"
	"strings"
	"testing"

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
