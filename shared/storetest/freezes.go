package storetest

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func freeze(scope sg.FreezeScope, tenant, wallet string) sg.Freeze {
	return sg.Freeze{ID: sg.NewID("frz", time.Now()), Scope: scope, TenantID: tenant, WalletID: wallet, Reason: "test", By: "ops", At: now(), Required: 1}
}

func journal(subject string) sg.JournalEntry {
	return sg.JournalEntry{At: now(), Actor: "ops", Action: "freeze", Subject: subject}
}

// freezeCases: freezes over wallets and the payouts they park. The
// platform's freeze covers every tenant, so the case that puts one runs
// on a store of its own (open gives each case its own).
var freezeCases = []Case{
	{"Freeze/a wallet's own covers it alone; the tenant's covers every wallet of the tenant; one per scope", func(t *testing.T, st Store) {
		ten := tenant()
		a, b := newWallet(t, st, ten, false), newWallet(t, st, ten, false)
		other := newWallet(t, st, tenant(), false)
		fa := freeze(sg.FreezeWallet, ten, a.ID)
		must(t, "PutFreeze(wallet a)", st.PutFreeze(ctx, fa, ten, journal(a.ID)))
		wantErr(t, "PutFreeze(wallet a again)", st.PutFreeze(ctx, freeze(sg.FreezeWallet, ten, a.ID), ten, journal(a.ID+"2")), sg.ErrAlreadyFrozen)
		_, frozen, err := st.WalletsUnderFreeze(ctx, ten, a.ID, b.ID)
		must(t, "WalletsUnderFreeze", err)
		if len(frozen) != 1 || frozen[a.ID].ID != fa.ID {
			t.Fatalf("frozen %v; want a by its own freeze", frozen)
		}
		over, err := st.FreezesOver(ctx, ten, a.ID, b.ID, "not-an-id")
		must(t, "FreezesOver", err)
		if len(over) != 1 || over[a.ID].ID != fa.ID {
			t.Fatalf("FreezesOver %v; want a by its own freeze", over)
		}
		f, on, err := st.FreezeOn(ctx, ten, a.ID)
		must(t, "FreezeOn(a)", err)
		if !on || f.ID != fa.ID || f.Scope != sg.FreezeWallet {
			t.Fatalf("FreezeOn(a) = %+v, %v", f, on)
		}
		if _, on, err := st.FreezeOn(ctx, ten, b.ID); err != nil || on {
			t.Fatalf("FreezeOn(b) = %v, %v; want none", on, err)
		}
		ft := freeze(sg.FreezeTenant, ten, "")
		must(t, "PutFreeze(tenant)", st.PutFreeze(ctx, ft, ten, journal(ten)))
		_, frozen, err = st.WalletsUnderFreeze(ctx, ten, a.ID, b.ID)
		must(t, "WalletsUnderFreeze", err)
		if len(frozen) != 2 || frozen[a.ID].ID != ft.ID || frozen[b.ID].ID != ft.ID {
			t.Fatalf("frozen %v; want a and b by the tenant's freeze", frozen)
		}
		over, err = st.FreezesOver(ctx, ten, a.ID, b.ID)
		must(t, "FreezesOver", err)
		if len(over) != 2 || over[a.ID].ID != ft.ID || over[b.ID].ID != ft.ID {
			t.Fatalf("FreezesOver %v; want a and b by the tenant's freeze", over)
		}
		if _, on, err := st.FreezeOn(ctx, other.TenantID, other.ID); err != nil || on {
			t.Fatalf("FreezeOn(another tenant's wallet) = %v, %v; want none", on, err)
		}
	}},
	{"Freeze/a lifted freeze covers nothing and may be put again", func(t *testing.T, st Store) {
		ten := tenant()
		w := newWallet(t, st, ten, false)
		f := freeze(sg.FreezeWallet, ten, w.ID)
		f.Lifted, f.LiftedAt = true, now()
		must(t, "PutFreeze(lifted)", st.PutFreeze(ctx, f, ten, journal("lifted")))
		if _, on, err := st.FreezeOn(ctx, ten, w.ID); err != nil || on {
			t.Fatalf("FreezeOn = %v, %v; want none", on, err)
		}
		must(t, "PutFreeze(over a lifted one)", st.PutFreeze(ctx, freeze(sg.FreezeWallet, ten, w.ID), ten, journal("again")))
		if _, on, err := st.FreezeOn(ctx, ten, w.ID); err != nil || !on {
			t.Fatalf("FreezeOn = %v, %v; want the new freeze", on, err)
		}
	}},
	{"Freeze/the platform's covers every tenant's wallets", func(t *testing.T, st Store) {
		a, b := newWallet(t, st, tenant(), false), newWallet(t, st, tenant(), false)
		fp := freeze(sg.FreezePlatform, "", "")
		must(t, "PutFreeze(platform)", st.PutFreeze(ctx, fp, sg.PlatformTenant, journal("platform")))
		for _, w := range []sg.Wallet{a, b} {
			_, frozen, err := st.WalletsUnderFreeze(ctx, w.TenantID, w.ID)
			must(t, "WalletsUnderFreeze", err)
			if frozen[w.ID].ID != fp.ID {
				t.Fatalf("%s covered by %+v; want the platform's freeze", w.ID, frozen[w.ID])
			}
		}
	}},
	{"Freeze/parked payouts are listed under the freeze's reach and unparked once", func(t *testing.T, st Store) {
		ten := tenant()
		a, b := newWallet(t, st, ten, false), newWallet(t, st, ten, false)
		must(t, "Park(a)", st.Park(ctx, ten, "txn_a", a.ID))
		must(t, "Park(b)", st.Park(ctx, ten, "txn_b", b.ID))
		must(t, "Park(a again)", st.Park(ctx, ten, "txn_a", a.ID))
		must(t, "Park(another tenant)", st.Park(ctx, tenant(), "txn_c", "wal_x"))
		count := func(f sg.Freeze) int {
			ps, err := st.Parked(ctx, f)
			must(t, "Parked", err)
			return len(ps)
		}
		if n := count(freeze(sg.FreezeWallet, ten, a.ID)); n != 1 {
			t.Fatalf("parked under a's freeze: %d; want 1", n)
		}
		if n := count(freeze(sg.FreezeTenant, ten, "")); n != 2 {
			t.Fatalf("parked under the tenant's freeze: %d; want 2", n)
		}
		must(t, "Unpark(a)", st.Unpark(ctx, ten, "txn_a"))
		must(t, "Unpark(a again)", st.Unpark(ctx, ten, "txn_a"))
		if n := count(freeze(sg.FreezeTenant, ten, "")); n != 1 {
			t.Fatalf("parked after unparking a: %d; want 1", n)
		}
	}},
}
