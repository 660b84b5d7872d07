package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// LegacyCommitter writes a committed counter as the code before counters
// were initialised from the settlements left it (net and n as the status
// changes since moved them, no init mark). Stores implement it for the
// rebuild's contract case.
type LegacyCommitter interface {
	LegacyCommitted(tenant string, c sg.Chain, net sg.Amount, n int64)
}

// closeStl closes s (one line of gross, fee) as the job does, at at.
func closeStl(s sg.Settlement, at time.Time) sg.Settlement {
	s.Status, s.ClosedAt, s.Period.To, s.DueAt, s.Attempt = sg.SettlementClosed, at, at, at, 1
	return s
}

func committed(t *testing.T, st SettlementStores, tn string, c sg.Chain) sg.SettlementCommitted {
	t.Helper()
	got, err := st.SettlementCommitted(ctx, tn, c)
	must(t, "SettlementCommitted", err)
	return got
}

// ---- settlefix: what closed settlements not yet paid are owed ----

// settlementCommittedCases hold the committed counter of (tenant, payout
// chain): the nets of the settlements closed or failed and not yet paid,
// moved by UpdateSettlement in the same write as the status (a refund or
// chargeback never takes the settlement wallet below it).
var settlementCommittedCases = []settlementCase{
	{"SettlementCommitted/closed and failed settlements count until their payout is requested or paid, per tenant and chain", func(t *testing.T, st SettlementStores) {
		tn, other := tenant(), tenant()
		want := func(what string, tenant string, c sg.Chain, net sg.Amount, n int64) {
			t.Helper()
			got, err := st.SettlementCommitted(ctx, tenant, c)
			must(t, "SettlementCommitted", err)
			if got.Net != net || got.Count != n {
				t.Fatalf("%s: committed %+v; want net %s in %d", what, got, net, n)
			}
		}
		want("nothing closed", tn, sg.Tron, 0, 0)
		closeOne := func(tenant, ref string, gross, fee sg.Amount) sg.Settlement {
			t.Helper()
			s, err := st.CreateSettlement(ctx, stlNew(tenant, sg.Tron, now()), []sg.SettlementLine{stlInvoice(ref, sg.Tron, gross, fee)})
			must(t, "create", err)
			s.Status, s.ClosedAt, s.Period.To, s.DueAt, s.Attempt = sg.SettlementClosed, now(), now(), now(), 1
			closed, err := st.UpdateSettlement(ctx, s)
			must(t, "close", err)
			return closed
		}
		open, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), []sg.SettlementLine{stlInvoice("inv_e", sg.Ethereum, 70, 7)})
		must(t, "an open settlement on Ethereum", err)
		want("an open settlement", tn, sg.Ethereum, 0, 0)
		a := closeOne(tn, "inv_a", 50, 5) // net 45
		want("one closed", tn, sg.Tron, 45, 1)
		b := closeOne(tn, "inv_b", 20, 2) // net 18
		want("two closed", tn, sg.Tron, 63, 2)
		closeOne(other, "inv_o", 1000, 0)
		want("another tenant's closed settlement", tn, sg.Tron, 63, 2)
		want("the other tenant", other, sg.Tron, 1000, 1)
		want("another chain", tn, sg.Ethereum, 0, 0)

		// a waits for liquidity (closed again): no change; then its payout
		// is requested (the hold takes the money): it leaves.
		a.Waiting = sg.WaitLiquidity
		a, err = st.UpdateSettlement(ctx, a)
		must(t, "closed, waiting", err)
		want("a closed one waiting", tn, sg.Tron, 63, 2)
		a.Status, a.PayoutTransferID, a.Waiting = sg.SettlementPaying, "tr_a", ""
		a, err = st.UpdateSettlement(ctx, a)
		must(t, "paying", err)
		want("a's payout requested", tn, sg.Tron, 18, 1)
		// Its payout fails (the hold comes back): owed again; a retry
		// closes it again: still owed once.
		a.Status, a.FailReason = sg.SettlementFailed, "failed"
		a, err = st.UpdateSettlement(ctx, a)
		must(t, "failed", err)
		want("a failed", tn, sg.Tron, 63, 2)
		a.Status, a.Attempt, a.PayoutTransferID, a.FailReason = sg.SettlementClosed, 2, "", ""
		a, err = st.UpdateSettlement(ctx, a)
		must(t, "retried", err)
		want("a closed again", tn, sg.Tron, 63, 2)
		// b's payout is refused before any hold: failed, still owed.
		b.Status, b.FailReason = sg.SettlementFailed, "wallet_frozen"
		_, err = st.UpdateSettlement(ctx, b)
		must(t, "b refused", err)
		want("b failed", tn, sg.Tron, 63, 2)
		a.Status, a.PayoutTransferID = sg.SettlementPaying, "tr_a2"
		a, err = st.UpdateSettlement(ctx, a)
		must(t, "paying again", err)
		a.Status, a.PaidAt = sg.SettlementPaid, now()
		_, err = st.UpdateSettlement(ctx, a)
		must(t, "paid", err)
		want("a paid", tn, sg.Tron, 18, 1)
		// A stale write moves nothing.
		_, err = st.UpdateSettlement(ctx, b)
		wantErr(t, "a stale write", err, sg.ErrSettlementChanged)
		want("after a stale write", tn, sg.Tron, 18, 1)
		_ = open
	}},
	{"SettlementCommitted/reservations over one version: exactly one of several concurrent ones is made, the same key again changes nothing, each write moves the version", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 50, 5)})
		must(t, "create", err)
		_, err = st.UpdateSettlement(ctx, closeStl(s, now()))
		must(t, "close", err)
		c := committed(t, st, tn, sg.Tron)
		// Two reversals checked against the same read race to reserve.
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.ReserveCommitted(ctx, tn, sg.Tron, "k"+string(rune('a'+i)), 10, now(), c.Version)
			}()
		}
		wg.Wait()
		made := 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, sg.ErrSettlementChanged):
				t.Fatalf("a reservation answered %v", err)
			}
		}
		if made != 1 {
			t.Fatalf("%d of %d reservations over one version were made; want exactly one", made, len(errs))
		}
		after := committed(t, st, tn, sg.Tron)
		if len(after.Reserved) != 1 || after.Version <= c.Version || after.Net != 45 || after.Count != 1 {
			t.Fatalf("after the race: %+v (before %+v)", after, c)
		}
		var k string
		for key := range after.Reserved {
			k = key
		}
		if r := after.Reserved[k]; r.Amount != 10 {
			t.Fatalf("reservation %+v", r)
		}
		// The same key again, over any version: nothing changes.
		must(t, "the same key again", st.ReserveCommitted(ctx, tn, sg.Tron, k, 99, now(), c.Version))
		if again := committed(t, st, tn, sg.Tron); again.Version != after.Version || again.Reserved[k].Amount != 10 {
			t.Fatalf("the same key again changed the counter: %+v", again)
		}
		// A stale version is refused; the current one is not.
		wantErr(t, "a reservation over a stale version", st.ReserveCommitted(ctx, tn, sg.Tron, "other", 1, now(), c.Version), sg.ErrSettlementChanged)
		must(t, "a reservation over the current version", st.ReserveCommitted(ctx, tn, sg.Tron, "other", 1, now(), after.Version))
		must(t, "release", st.ReleaseCommitted(ctx, tn, sg.Tron, k))
		must(t, "release again", st.ReleaseCommitted(ctx, tn, sg.Tron, k))
		must(t, "release of another tenant's key", st.ReleaseCommitted(ctx, tenant(), sg.Tron, "other"))
		if got := committed(t, st, tn, sg.Tron); len(got.Reserved) != 1 || got.Reserved["other"].Amount != 1 || got.Net != 45 {
			t.Fatalf("after the releases: %+v", got)
		}
	}},
	{"SettlementCommitted/a settlement does not close while a live reservation of its tenant and chain stands; a status change moves the version", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		at := now()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, at), []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 50, 5)})
		must(t, "create", err)
		c := committed(t, st, tn, sg.Tron)
		must(t, "reserve", st.ReserveCommitted(ctx, tn, sg.Tron, "r1", 20, at, c.Version))
		before := committed(t, st, tn, sg.Tron)
		_, err = st.UpdateSettlement(ctx, closeStl(s, at.Add(time.Second)))
		wantErr(t, "a close while a reversal is on its way", err, sg.ErrSettlementReversing)
		if cur, err := st.Settlement(ctx, tn, s.ID); err != nil || cur.Status != sg.SettlementOpen || cur.Version != s.Version {
			t.Fatalf("the refused close changed the settlement: %+v %v", cur, err)
		}
		if got := committed(t, st, tn, sg.Tron); got.Net != 0 || got.Count != 0 || got.Version != before.Version {
			t.Fatalf("the refused close moved the counter: %+v", got)
		}
		if open, err := st.OpenSettlement(ctx, tn, sg.Tron); err != nil || open.ID != s.ID {
			t.Fatalf("the open pointer after a refused close: %+v %v", open, err)
		}
		// Another chain's reservation does not hold it; an expired one does not either.
		e, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, at), []sg.SettlementLine{stlInvoice("inv_e", sg.Ethereum, 30, 3)})
		must(t, "create on Ethereum", err)
		_, err = st.UpdateSettlement(ctx, closeStl(e, at.Add(time.Second)))
		must(t, "a close on another chain", err)
		_, err = st.UpdateSettlement(ctx, closeStl(s, at.Add(sg.CommittedReservationTTL)))
		must(t, "a close once the reservation expired", err)
		after := committed(t, st, tn, sg.Tron)
		if after.Net != 45 || after.Count != 1 || after.Version <= before.Version {
			t.Fatalf("after the close: %+v (before %+v)", after, before)
		}
		// A reservation over the version read before the close is refused.
		wantErr(t, "a reservation over the version before a close", st.ReserveCommitted(ctx, tn, sg.Tron, "r2", 1, at, before.Version), sg.ErrSettlementChanged)

		// Released, the next open settlement closes at once.
		must(t, "release r1", st.ReleaseCommitted(ctx, tn, sg.Tron, "r1"))
		after = committed(t, st, tn, sg.Tron)
		s2, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, at), []sg.SettlementLine{stlInvoice("inv_b", sg.Tron, 20, 2)})
		must(t, "create the next", err)
		must(t, "reserve", st.ReserveCommitted(ctx, tn, sg.Tron, "r3", 5, at, after.Version))
		_, err = st.UpdateSettlement(ctx, closeStl(s2, at))
		wantErr(t, "a close while r3 stands", err, sg.ErrSettlementReversing)
		must(t, "release", st.ReleaseCommitted(ctx, tn, sg.Tron, "r3"))
		_, err = st.UpdateSettlement(ctx, closeStl(s2, at))
		must(t, "a close once released", err)
		if got := committed(t, st, tn, sg.Tron); got.Net != 63 || got.Count != 2 {
			t.Fatalf("after the second close: %+v", got)
		}
	}},
	{"SettlementCommitted/a counter written before counting began is rebuilt from the tenant's settlements on its first read, once", func(t *testing.T, st SettlementStores) {
		lc, ok := st.(LegacyCommitter)
		if !ok {
			t.Fatal("the store cannot stand for a legacy counter (LegacyCommitter)")
		}
		tn, other := tenant(), tenant()
		closeOne := func(tenant string, c sg.Chain, ref string, gross sg.Amount) sg.Settlement {
			t.Helper()
			s, err := st.CreateSettlement(ctx, stlNew(tenant, c, now()), []sg.SettlementLine{stlInvoice(ref, c, gross, 0)})
			must(t, "create", err)
			s, err = st.UpdateSettlement(ctx, closeStl(s, now()))
			must(t, "close", err)
			return s
		}
		a := closeOne(tn, sg.Tron, "inv_a", 40)
		closeOne(tn, sg.Tron, "inv_b", 2)
		closeOne(tn, sg.Ethereum, "inv_e", 500)
		closeOne(other, sg.Tron, "inv_o", 7000)
		a.Status, a.PayoutTransferID = sg.SettlementPaying, "tr_a"
		_, err := st.UpdateSettlement(ctx, a)
		must(t, "a paying", err)
		if _, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_open", sg.Tron, 900, 0)}); err != nil {
			t.Fatal(err)
		}
		// As the code before left it: b closed before the counter, a paid after (-40).
		lc.LegacyCommitted(tn, sg.Tron, -40, -1)
		got := committed(t, st, tn, sg.Tron)
		if got.Net != 2 || got.Count != 1 {
			t.Fatalf("rebuilt: %+v; want b only (net 2 in 1)", got)
		}
		if again := committed(t, st, tn, sg.Tron); again.Net != 2 || again.Count != 1 || again.Version != got.Version {
			t.Fatalf("a second read rebuilt again: %+v (first %+v)", again, got)
		}
		must(t, "a reservation over the rebuilt version", st.ReserveCommitted(ctx, tn, sg.Tron, "r1", 1, now(), got.Version))
		// A counter never written at all is counted too (settlements closed before counters existed).
		lc.LegacyCommitted(tn, sg.Ethereum, 0, 0)
		if e := committed(t, st, tn, sg.Ethereum); e.Net != 500 || e.Count != 1 {
			t.Fatalf("Ethereum rebuilt: %+v; want 500 in 1", e)
		}
		if o := committed(t, st, other, sg.Tron); o.Net != 7000 || o.Count != 1 {
			t.Fatalf("the other tenant: %+v", o)
		}
	}},
}
