package storetest

import (
	"sort"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// reconCases: what reconciliation reads.
var reconCases = []Case{
	{"Recon/a tenant's transfers and wallets, all of them, and no one else's", func(t *testing.T, st Store) {
		ten := tenant()
		a, b := newWallet(t, st, ten, false), newWallet(t, st, ten, true)
		stranger := newWallet(t, st, tenant(), false)
		fa, fb := fund(t, st, a, sg.Available, 5), fund(t, st, b, sg.Available, 6)
		fund(t, st, stranger, sg.Available, 7)
		ts, err := st.TenantTransfers(ctx, ten)
		must(t, "TenantTransfers", err)
		ids := []string{}
		for _, tr := range ts {
			ids = append(ids, tr.ID)
		}
		sort.Strings(ids)
		want := []string{fa.ID, fb.ID}
		sort.Strings(want)
		if len(ids) != 2 || ids[0] != want[0] || ids[1] != want[1] {
			t.Fatalf("TenantTransfers = %v; want %v", ids, want)
		}
		ws, err := st.TenantWallets(ctx, ten)
		must(t, "TenantWallets", err)
		if len(ws) != 2 || !(ws[0].ID == a.ID && ws[1].ID == b.ID || ws[0].ID == b.ID && ws[1].ID == a.ID) {
			t.Fatalf("TenantWallets = %v; want a and b", ws)
		}
	}},
	{"Recon/balance totals per chain and asset, system and wallet accounts apart", func(t *testing.T, st Store) {
		t1, t2 := tenant(), tenant()
		a, b := newWallet(t, st, t1, false), newWallet(t, st, t2, true)
		fund(t, st, a, sg.Available, 10)
		fund(t, st, a, sg.Pending, 3)
		fund(t, st, b, sg.Available, 20)
		must(t, "hold", st.ApplyTransfer(ctx, hold(b, "h", 4)))
		system, wallets, tenants, err := st.BalanceTotals(ctx)
		must(t, "BalanceTotals", err)
		k := [2]string{string(sg.Ethereum), string(sg.USDT)}
		if w := wallets[k]; w.Available != 26 || w.Pending != 3 || w.Held != 4 {
			t.Fatalf("wallet totals %+v; want 26 available, 3 pending, 4 held", w)
		}
		if s := system[k]; s.Available != -33 || s.Pending != 0 || s.Held != 0 {
			t.Fatalf("system totals %+v; want -33 available", s)
		}
		want := []string{t1, t2}
		sort.Strings(want)
		if len(tenants) != 2 || tenants[0] != want[0] || tenants[1] != want[1] {
			t.Fatalf("tenants %v; want %v", tenants, want)
		}
	}},
	{"Recon/balance totals count every account of every tenant, however they spread", func(t *testing.T, st Store) {
		// 36 wallets (some high-volume, spread over shards) of 3 tenants:
		// their balance items land on every partition of the store's
		// balance index, and the totals must meet each one.
		var want sg.Amount
		var tenants []string
		for range 3 {
			ten := tenant()
			tenants = append(tenants, ten)
			for i := range 12 {
				w := newWallet(t, st, ten, i%4 == 0)
				for range 1 + i%3 {
					fund(t, st, w, sg.Available, sg.Amount(i+1))
					want += sg.Amount(i + 1)
				}
			}
		}
		system, wallets, got, err := st.BalanceTotals(ctx)
		must(t, "BalanceTotals", err)
		k := [2]string{string(sg.Ethereum), string(sg.USDT)}
		if w := wallets[k]; w.Available != want || w.Pending != 0 || w.Held != 0 {
			t.Fatalf("wallet totals %+v; want %s available", w, want)
		}
		if s := system[k]; s.Available != -want {
			t.Fatalf("system totals %+v; want %s available", s, -want)
		}
		sort.Strings(tenants)
		if len(got) != 3 || got[0] != tenants[0] || got[1] != tenants[1] || got[2] != tenants[2] {
			t.Fatalf("tenants %v; want %v", got, tenants)
		}
	}},
	{"Recon/payouts tracked per chain until untracked", func(t *testing.T, st Store) {
		ten := tenant()
		must(t, "Track", st.Track(ctx, sg.Ethereum, ten, "txn_a"))
		must(t, "Track(again)", st.Track(ctx, sg.Ethereum, ten, "txn_a"))
		must(t, "Track(b)", st.Track(ctx, sg.Ethereum, ten, "txn_b"))
		must(t, "Track(tron)", st.Track(ctx, sg.Tron, ten, "txn_c"))
		ps, err := st.Tracked(ctx, sg.Ethereum)
		must(t, "Tracked", err)
		if len(ps) != 2 || ps[0] != (sg.TrackedPayout{Tenant: ten, ID: "txn_a"}) || ps[1].ID != "txn_b" {
			t.Fatalf("Tracked = %+v; want txn_a and txn_b", ps)
		}
		must(t, "Untrack", st.Untrack(ctx, sg.Ethereum, "txn_a"))
		must(t, "Untrack(again)", st.Untrack(ctx, sg.Ethereum, "txn_a"))
		if ps, _ := st.Tracked(ctx, sg.Ethereum); len(ps) != 1 || ps[0].ID != "txn_b" {
			t.Fatalf("Tracked after untracking = %+v", ps)
		}
		if ps, _ := st.Tracked(ctx, sg.Tron); len(ps) != 1 {
			t.Fatalf("Tracked(tron) = %+v", ps)
		}
	}},
	// ---- bigrun: reconciliation's ranged reads ----
	{"Recon/a tenant's transfers read in key ranges, each once, resumed after a key part", func(t *testing.T, st Store) {
		ten := tenant()
		a := newWallet(t, st, ten, false)
		fund(t, st, newWallet(t, st, tenant(), false), sg.Available, 7) // a stranger's
		want := map[string]bool{}
		for i := range 9 {
			want[fund(t, st, a, sg.Available, sg.Amount(i+1)).ID] = true
		}
		seen := map[string]int{}
		const segments = 4
		for seg := range segments {
			var first, prev string
			must(t, "TenantTransferRange", st.TenantTransferRange(ctx, ten, seg, segments, "", func(ts []sg.Transfer, last string) error {
				for _, tr := range ts {
					seen[tr.ID]++
					k, _ := sg.KeyPart("txn", tr.ID)
					if !sg.InKeyRange(k, seg, segments) || k <= prev {
						t.Fatalf("range %d: %s out of range or order (after %q)", seg, tr.ID, prev)
					}
					if first == "" {
						first = k
					}
					prev = k
					if tr.Amount <= 0 || len(tr.Entry.Postings) != 2 || tr.ToWallet != a.ID {
						t.Fatalf("transfer %+v read without what reconciliation needs", tr)
					}
				}
				if last != prev {
					t.Fatalf("page's cursor %q; its last key part %q", last, prev)
				}
				return nil
			}))
			if first == "" {
				continue
			}
			// Resumed after the range's first key part: the rest of it.
			var rest []string
			must(t, "TenantTransferRange", st.TenantTransferRange(ctx, ten, seg, segments, first, func(ts []sg.Transfer, _ string) error {
				for _, tr := range ts {
					k, _ := sg.KeyPart("txn", tr.ID)
					if k <= first {
						t.Fatalf("resumed after %s, read %s", first, k)
					}
					rest = append(rest, tr.ID)
				}
				return nil
			}))
			n := 0
			for id := range seen {
				if k, _ := sg.KeyPart("txn", id); sg.InKeyRange(k, seg, segments) && k > first {
					n++
				}
			}
			if len(rest) != n {
				t.Fatalf("range %d resumed after %s: %d transfers; want %d", seg, first, len(rest), n)
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("read %d transfers in ranges; want %d", len(seen), len(want))
		}
		for id, n := range seen {
			if !want[id] || n != 1 {
				t.Fatalf("transfer %s read %d times (ours: %v)", id, n, want[id])
			}
		}
	}},
	{"Recon/a tenant's wallets read a page at a time, resumed after a wallet", func(t *testing.T, st Store) {
		ten := tenant()
		ids := map[string]bool{}
		for i := range 3 {
			ids[newWallet(t, st, ten, i == 1).ID] = true
		}
		newWallet(t, st, tenant(), false) // a stranger's
		var order []string
		hv := 0
		must(t, "WalletAccountPages", st.WalletAccountPages(ctx, ten, "", func(ws []sg.Wallet) error {
			for _, w := range ws {
				if !ids[w.ID] || len(w.Addresses) != 1 || w.Addresses[0].Chain != sg.Ethereum {
					t.Fatalf("wallet %+v: not ours or without its deposit address", w)
				}
				if w.HighVolume {
					hv++
				}
				order = append(order, w.ID)
			}
			return nil
		}))
		if len(order) != 3 || hv != 1 {
			t.Fatalf("read %v (%d high-volume); want the tenant's 3 wallets, 1 high-volume", order, hv)
		}
		var rest []string
		must(t, "WalletAccountPages", st.WalletAccountPages(ctx, ten, order[0], func(ws []sg.Wallet) error {
			for _, w := range ws {
				rest = append(rest, w.ID)
			}
			return nil
		}))
		if len(rest) != 2 || rest[0] != order[1] || rest[1] != order[2] {
			t.Fatalf("resumed after %s: %v; want %v", order[0], rest, order[1:])
		}
	}},
}
