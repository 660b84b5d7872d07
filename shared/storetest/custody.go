package storetest

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// custodyCases: policies, allowlists, velocity, votes to unfreeze and the
// journal.
var custodyCases = []Case{
	{"Policy/the default until set; each version written once, in order", func(t *testing.T, st Store) {
		ten := tenant()
		p, err := st.Policy(ctx, ten)
		must(t, "Policy(none)", err)
		if def := sg.DefaultPolicy(); p.Version != 0 || p.UnfreezeApprovals != def.UnfreezeApprovals || p.CoolingOff != def.CoolingOff || len(p.Rules) != 0 {
			t.Fatalf("policy of a new tenant %+v; want the default", p)
		}
		j := sg.JournalEntry{At: now(), Actor: "ops", Action: "policy.updated", Subject: "policy"}
		v1 := sg.Policy{Rules: []sg.Rule{{Name: "big", Kind: sg.RuleAmountOver, Amount: 1000, Approvals: 2}}, Approvers: []string{"alice"},
			ApprovalTTL: time.Hour, UnfreezeApprovals: 3, Version: 1, UpdatedBy: "ops", WebhookSecretSealed: []byte("sealed")}
		must(t, "PutPolicy(v1)", st.PutPolicy(ctx, ten, v1, j))
		j.At = now().Add(time.Millisecond)
		wantErr(t, "PutPolicy(v1 again)", st.PutPolicy(ctx, ten, v1, j), sg.ErrStateChanged)
		v3 := v1
		v3.Version = 3
		wantErr(t, "PutPolicy(v3 over v1)", st.PutPolicy(ctx, ten, v3, j), sg.ErrStateChanged)
		got, err := st.Policy(ctx, ten)
		must(t, "Policy", err)
		if got.Version != 1 || len(got.Rules) != 1 || got.Rules[0].Amount != 1000 || got.Rules[0].Approvals != 2 || len(got.Approvers) != 1 ||
			got.ApprovalTTL != time.Hour || got.UnfreezeApprovals != 3 || string(got.WebhookSecretSealed) != "sealed" {
			t.Fatalf("policy read back %+v; wrote %+v", got, v1)
		}
		v2 := v1
		v2.Version, v2.Rules = 2, nil
		must(t, "PutPolicy(v2)", st.PutPolicy(ctx, ten, v2, j))
		if got, _ := st.Policy(ctx, ten); got.Version != 2 || len(got.Rules) != 0 {
			t.Fatalf("policy after v2 %+v", got)
		}
	}},
	{"Allowlist/an address is added once; its entry stays as first written", func(t *testing.T, st Store) {
		ten := tenant()
		addr := ethAddress()
		at := now()
		e := sg.AllowEntry{Chain: sg.Ethereum, Address: addr, Label: "treasury", AddedBy: "ops", AddedAt: at, ActiveAt: at.Add(time.Hour)}
		j := sg.JournalEntry{At: at, Actor: "ops", Action: "allowlist.added", Subject: addr}
		must(t, "AddAllowEntry", st.AddAllowEntry(ctx, ten, e, j))
		again := e
		again.Label, again.ActiveAt = "other", at
		j.At = at.Add(time.Millisecond)
		wantErr(t, "AddAllowEntry(again)", st.AddAllowEntry(ctx, ten, again, j), sg.ErrAllowEntryExists)
		got, ok, err := st.AllowEntry(ctx, ten, sg.Ethereum, addr)
		must(t, "AllowEntry", err)
		if !ok || got.Label != "treasury" || !got.ActiveAt.Equal(e.ActiveAt) || got.AddedBy != "ops" {
			t.Fatalf("entry %+v, %v; want the first", got, ok)
		}
		if _, ok, err := st.AllowEntry(ctx, ten, sg.Tron, addr); err != nil || ok {
			t.Fatalf("AllowEntry(another chain) = %v, %v", ok, err)
		}
		if _, ok, err := st.AllowEntry(ctx, tenant(), sg.Ethereum, addr); err != nil || ok {
			t.Fatalf("AllowEntry(another tenant) = %v, %v", ok, err)
		}
		second := sg.AllowEntry{Chain: sg.Tron, Address: "T" + randHex(16), AddedBy: "ops", AddedAt: at, ActiveAt: at}
		must(t, "AddAllowEntry(second)", st.AddAllowEntry(ctx, ten, second, sg.JournalEntry{At: at.Add(2 * time.Millisecond), Actor: "ops", Action: "allowlist.added"}))
		es, err := st.AllowEntries(ctx, ten)
		must(t, "AllowEntries", err)
		if len(es) != 2 {
			t.Fatalf("AllowEntries = %+v; want 2", es)
		}
	}},
	{"Velocity/each payout counted once, over the 24 hours up to now", func(t *testing.T, st Store) {
		ten := tenant()
		at := time.Unix((time.Now().Unix()/3600)*3600+1800, 0) // the middle of an hour
		payout := func(key string, amount sg.Amount) sg.Transfer {
			return sg.Transfer{ID: sg.NewKeyedID("txn", at, ten, "contract", key), TenantID: ten, Amount: amount}
		}
		count := func(tr sg.Transfer, when time.Time, want sg.Amount) {
			t.Helper()
			got, err := st.CountVelocity(ctx, tr, when)
			must(t, "CountVelocity", err)
			if got != want {
				t.Fatalf("velocity %d; want %d", got, want)
			}
		}
		a, b, c := payout("a", 10), payout("b", 5), payout("c", 1)
		count(a, at, 10)
		count(a, at, 10) // again: counted once
		count(b, at.Add(time.Hour), 15)
		count(c, at.Add(23*time.Hour), 16)
		count(c, at.Add(24*time.Hour), 6) // a's hour has left the window
		count(payout("d", 2), at.Add(25*time.Hour), 3)
		if got, err := st.CountVelocity(ctx, payout("e", 7), at); err != nil || got != 17 {
			// Counted in the hour given, summed over the 24 up to it: a and e.
			t.Fatalf("velocity at the first hour %d, %v; want 17", got, err)
		}
		if got, err := st.CountVelocity(ctx, sg.Transfer{ID: sg.NewKeyedID("txn", at, "x", "contract", "z"), TenantID: tenant(), Amount: 4}, at); err != nil || got != 4 {
			t.Fatalf("another tenant's velocity %d, %v; want 4", got, err)
		}
	}},
	{"Unfreeze/one vote per approver; enough votes lift the freeze; a stale read is refused", func(t *testing.T, st Store) {
		ten := tenant()
		w := newWallet(t, st, ten, false)
		f := freeze(sg.FreezeWallet, ten, w.ID)
		f.Required = 2
		must(t, "PutFreeze", st.PutFreeze(ctx, f, ten, journal("f")))
		vote := func(f sg.Freeze, who string, at time.Time) (sg.Freeze, error) {
			return st.VoteUnfreeze(ctx, f, sg.Approval{Approver: who, Approve: true, At: at}, ten, sg.JournalEntry{At: at, Actor: who, Action: "unfreeze.vote", Subject: f.ID})
		}
		one, err := vote(f, "alice", now())
		must(t, "vote(alice)", err)
		if one.Lifted || len(one.Votes) != 1 {
			t.Fatalf("after one vote %+v", one)
		}
		_, err = vote(one, "alice", now().Add(time.Millisecond))
		wantErr(t, "vote(alice again)", err, sg.ErrAlreadyDecided)
		_, err = vote(f, "bob", now().Add(2*time.Millisecond)) // f was read before alice's vote
		wantErr(t, "vote(bob, on a stale read)", err, sg.ErrStateChanged)
		if _, on, _ := st.FreezeOn(ctx, ten, w.ID); !on {
			t.Fatal("a stale vote lifted the freeze")
		}
		fs, err := st.Freezes(ctx, ten)
		must(t, "Freezes", err)
		if len(fs) != 1 || len(fs[0].Votes) != 1 {
			t.Fatalf("Freezes = %+v; want the freeze with alice's vote", fs)
		}
		two, err := vote(fs[0], "bob", now().Add(3*time.Millisecond))
		must(t, "vote(bob)", err)
		if !two.Lifted {
			t.Fatalf("after two votes %+v; want lifted", two)
		}
		if _, on, err := st.FreezeOn(ctx, ten, w.ID); err != nil || on {
			t.Fatalf("FreezeOn after the lift = %v, %v", on, err)
		}
		fs, _ = st.Freezes(ctx, ten)
		if len(fs) != 1 || !fs[0].Lifted || len(fs[0].Votes) != 2 {
			t.Fatalf("Freezes = %+v; want it lifted, listed", fs)
		}
	}},
	{"Journal/decisions newest first, paged by time", func(t *testing.T, st Store) {
		ten := tenant()
		base := now()
		for i, action := range []string{"first", "second", "third"} {
			e := sg.AllowEntry{Chain: sg.Ethereum, Address: ethAddress(), AddedAt: base, ActiveAt: base}
			must(t, "AddAllowEntry", st.AddAllowEntry(ctx, ten, e, sg.JournalEntry{At: base.Add(time.Duration(i) * time.Second), Actor: "ops", Action: action, Subject: e.Address}))
		}
		js, err := st.Journal(ctx, ten, 2, 0)
		must(t, "Journal", err)
		if len(js) != 2 || js[0].Action != "third" || js[1].Action != "second" || js[0].Actor != "ops" {
			t.Fatalf("Journal = %+v; want third, second", js)
		}
		js, err = st.Journal(ctx, ten, 10, js[1].At.UnixMicro())
		must(t, "Journal(before)", err)
		if len(js) != 1 || js[0].Action != "first" {
			t.Fatalf("Journal(before second) = %+v; want first", js)
		}
		if js, _ := st.Journal(ctx, tenant(), 10, 0); len(js) != 0 {
			t.Fatalf("another tenant's journal %+v", js)
		}
	}},
}
