package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SettlementStores is the settlement aggregate's ports: fee schedules,
// settlement configs and settlements.
type SettlementStores interface {
	sg.FeeSchedules
	sg.SettlementConfigs
	sg.SettlementStore
	sg.SettlementLineFinder
	sg.SettlementCommitments // settlefix
}

// Settlement holds a settlement store to its contract: one named subtest
// per rule, each on a store open returns (stores may share a table with
// other cases: every case works in tenants of its own and reads the
// platform-wide liabilities and due index as deltas or filtered).
func Settlement(t *testing.T, open func(t *testing.T) SettlementStores) {
	for _, c := range append(append(append(settlementCases, settlementHeldCases...), settlementLineCases...), settlementCommittedCases...) {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type settlementCase struct {
	name string
	run  func(t *testing.T, st SettlementStores)
}

func stlNew(tn string, c sg.Chain, at time.Time) sg.Settlement {
	return sg.Settlement{ID: sg.NewID("stl", at), TenantID: tn, Chain: c, Currency: sg.USDT, Status: sg.SettlementOpen,
		Period: sg.SettlementPeriod{From: at}, CreatedAt: at, Destination: sg.SettlementDestination{Chain: c, Address: "addr-" + randHex(4)}}
}

func stlInvoice(ref string, c sg.Chain, gross, fee sg.Amount) sg.SettlementLine {
	return sg.SettlementLine{Kind: sg.LineInvoice, Ref: ref, Chain: c, Gross: gross, Fee: fee, Net: gross - fee, FeeShown: fee + 1,
		ScheduleVersion: 2, FiatCurrency: "EUR", Rate: "0.92", At: now()}
}

func stlLines(t *testing.T, st SettlementStores, tn, id string) []sg.SettlementLine {
	t.Helper()
	var all []sg.SettlementLine
	page := sg.Page{Limit: 2}
	for range 100 {
		ls, next, err := st.SettlementLines(ctx, tn, id, page)
		must(t, "SettlementLines", err)
		all = append(all, ls...)
		if next == "" {
			return all
		}
		page.Cursor = next
	}
	t.Fatal("SettlementLines never ended")
	return nil
}

func liab(t *testing.T, st SettlementStores) map[sg.Chain]sg.Amount {
	t.Helper()
	l, err := st.SettlementLiabilities(ctx)
	must(t, "SettlementLiabilities", err)
	return l
}

func ownDue(t *testing.T, st SettlementStores, tn string, at time.Time) []string {
	t.Helper()
	refs, err := st.DueSettlements(ctx, at, 0)
	must(t, "DueSettlements", err)
	var ids []string
	for _, r := range refs {
		if r.TenantID == tn {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

var settlementCases = []settlementCase{
	{"FeeSchedule/versions written over the version read; the one in force at a time", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		_, err := st.FeeSchedule(ctx, tn, sg.Tron)
		wantErr(t, "no schedule yet", err, sg.ErrNotFound)
		t0 := now().Add(-time.Hour)
		v1, err := st.PutFeeSchedule(ctx, sg.FeeSchedule{TenantID: tn, Chain: sg.Tron, Percent: sg.FeeRateBPS(290), Fixed: 300000, Min: 1, Max: 9_000_000,
			NetworkFee: sg.NetworkPassThrough, EffectiveAt: t0})
		must(t, "first version", err)
		if v1.Version != 1 {
			t.Fatalf("first version is %d", v1.Version)
		}
		_, err = st.PutFeeSchedule(ctx, sg.FeeSchedule{TenantID: tn, Chain: sg.Tron, NetworkFee: sg.NetworkAbsorb, EffectiveAt: t0})
		wantErr(t, "a put over version 0 again", err, sg.ErrFeeScheduleChanged)
		t1 := t0.Add(10 * time.Minute)
		v2, err := st.PutFeeSchedule(ctx, sg.FeeSchedule{TenantID: tn, Chain: sg.Tron, Percent: sg.FeeRateBPS(100), NetworkFee: sg.NetworkAbsorb, Version: 1, EffectiveAt: t1})
		must(t, "second version", err)
		cur, err := st.FeeSchedule(ctx, tn, sg.Tron)
		must(t, "FeeSchedule", err)
		if cur != v2 || cur.Version != 2 || !cur.EffectiveAt.Equal(t1) {
			t.Fatalf("current %+v; want %+v", cur, v2)
		}
		at, err := st.FeeScheduleAt(ctx, tn, sg.Tron, t1.Add(-time.Microsecond))
		must(t, "FeeScheduleAt before v2", err)
		if at != v1 {
			t.Fatalf("in force before v2: %+v; want %+v", at, v1)
		}
		if at, _ := st.FeeScheduleAt(ctx, tn, sg.Tron, t1); at.Version != 2 {
			t.Fatalf("in force at v2's time: version %d", at.Version)
		}
		_, err = st.FeeScheduleAt(ctx, tn, sg.Tron, t0.Add(-time.Microsecond))
		wantErr(t, "before the first version", err, sg.ErrNotFound)
		_, err = st.FeeSchedule(ctx, tn, sg.Ethereum)
		wantErr(t, "another chain", err, sg.ErrNotFound)
		_, err = st.FeeSchedule(ctx, tenant(), sg.Tron)
		wantErr(t, "another tenant", err, sg.ErrNotFound)
	}},
	{"SettlementConfig/written per chain over the version read", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		cfg := sg.SettlementConfig{TenantID: tn, Chain: sg.Tron, Mode: sg.SettleScheduled, Schedule: sg.ScheduleDaily, CutoffHour: 17,
			Destination: sg.SettlementDestination{Chain: sg.Ethereum, Address: "0xabc"}, MinPayout: 5_000_000, UpdatedAt: now()}
		_, err := st.SettlementConfig(ctx, tn, sg.Tron)
		wantErr(t, "none yet", err, sg.ErrNotFound)
		got, err := st.PutSettlementConfig(ctx, cfg)
		must(t, "PutSettlementConfig", err)
		cfg.Version = 1
		if got != cfg {
			t.Fatalf("wrote %+v; want %+v", got, cfg)
		}
		read, err := st.SettlementConfig(ctx, tn, sg.Tron)
		must(t, "SettlementConfig", err)
		if read != cfg {
			t.Fatalf("read %+v; want %+v", read, cfg)
		}
		cfg.Version = 0
		_, err = st.PutSettlementConfig(ctx, cfg)
		wantErr(t, "a stale put", err, sg.ErrSettlementConfigChanged)
		cfg.Version, cfg.Mode, cfg.Schedule, cfg.CutoffHour = 1, sg.SettleInstant, "", 0
		if got, err := st.PutSettlementConfig(ctx, cfg); err != nil || got.Version != 2 || got.Mode != sg.SettleInstant {
			t.Fatalf("second put: %+v, %v", got, err)
		}
		_, err = st.SettlementConfig(ctx, tn, sg.Ethereum)
		wantErr(t, "another chain", err, sg.ErrNotFound)
	}},
	{"Settlement/created open with its lines numbered and totalled; one open per tenant and chain; read back without lines", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s := stlNew(tn, sg.Ethereum, now())
		s.DueAt = now().Add(time.Hour)
		lines := []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 100_000_000, 1_000_000),
			{Kind: sg.LineClearing, Ref: "inv_a", Chain: sg.Tron, To: sg.Ethereum, Cleared: 99_000_000, At: now()},
			{Kind: sg.LineRefund, Ref: "tr_r", Chain: sg.Ethereum, Gross: -5_000_000, Net: -5_000_000, At: now()}}
		got, err := st.CreateSettlement(ctx, s, lines)
		must(t, "CreateSettlement", err)
		want := sg.SettlementTotals{Gross: 100_000_000, Fees: 1_000_000, Refunds: -5_000_000, Net: 94_000_000, Cleared: 99_000_000}
		if got.Version != 1 || got.LineCount != 3 || got.Totals != want || got.Status != sg.SettlementOpen {
			t.Fatalf("created %+v", got)
		}
		read, err := st.Settlement(ctx, tn, s.ID)
		must(t, "Settlement", err)
		if read.Lines != nil || read.Totals != want || !read.DueAt.Equal(s.DueAt) || !read.CreatedAt.Equal(s.CreatedAt) ||
			!read.Period.From.Equal(s.Period.From) || read.Destination != s.Destination || read.Currency != sg.USDT || read.Chain != sg.Ethereum {
			t.Fatalf("read back %+v; wrote %+v", read, s)
		}
		op, err := st.OpenSettlement(ctx, tn, sg.Ethereum)
		must(t, "OpenSettlement", err)
		if op.ID != s.ID || op.Version != 1 {
			t.Fatalf("open is %s v%d", op.ID, op.Version)
		}
		_, err = st.OpenSettlement(ctx, tn, sg.Tron)
		wantErr(t, "no open settlement on tron", err, sg.ErrNotFound)
		_, err = st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), []sg.SettlementLine{stlInvoice("inv_b", sg.Ethereum, 1, 0)})
		wantErr(t, "a second open settlement on the chain", err, sg.ErrSettlementChanged)
		ls := stlLines(t, st, tn, s.ID)
		if len(ls) != 3 {
			t.Fatalf("%d lines; want 3", len(ls))
		}
		for i, l := range ls {
			w := lines[i]
			w.Seq = i + 1
			if l != w {
				t.Fatalf("line %d read back %+v; wrote %+v", i, l, w)
			}
		}
		_, err = st.Settlement(ctx, tenant(), s.ID)
		wantErr(t, "another tenant's settlement", err, sg.ErrNotFound)
		_, _, err = st.SettlementLines(ctx, tenant(), s.ID, sg.Page{})
		wantErr(t, "another tenant's lines", err, sg.ErrNotFound)
	}},
	{"Settlement/a line is recorded once per kind, ref and chain across the tenant's settlements", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 10, 1)})
		must(t, "create", err)
		_, err = st.AddSettlementLines(ctx, s, []sg.SettlementLine{stlInvoice("inv_b", sg.Tron, 10, 1), stlInvoice("inv_a", sg.Tron, 10, 1)})
		wantErr(t, "the same invoice again", err, sg.ErrSettlementLineExists)
		other, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 10, 1)})
		wantErr(t, "the same invoice in another settlement", err, sg.ErrSettlementLineExists)
		if _, err := st.OpenSettlement(ctx, tn, sg.Ethereum); err == nil {
			t.Fatalf("a refused create left %+v open", other)
		}
		cur, _ := st.Settlement(ctx, tn, s.ID)
		if cur.Version != 1 || cur.LineCount != 1 || cur.Totals.Net != 9 {
			t.Fatalf("a refused add changed the settlement: %+v", cur)
		}
		s, err = st.AddSettlementLines(ctx, s, []sg.SettlementLine{stlInvoice("inv_a", sg.Ethereum, 10, 1),
			{Kind: sg.LineClearing, Ref: "inv_a", Chain: sg.Tron, To: sg.Ethereum, Cleared: 9, At: now()}})
		must(t, "the same ref on another chain and of another kind", err)
		if s.LineCount != 3 || s.Version != 2 {
			t.Fatalf("after add: %+v", s)
		}
		if _, err := st.CreateSettlement(ctx, stlNew(tenant(), sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_a", sg.Tron, 10, 1)}); err != nil {
			t.Fatalf("another tenant's line of the same ref: %v", err)
		}
	}},
	{"Settlement/lines are added only to an open settlement at the version read", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), []sg.SettlementLine{stlInvoice("inv_1", sg.Ethereum, 10, 1)})
		must(t, "create", err)
		due := now().Add(time.Minute)
		s.DueAt = due
		s2, err := st.AddSettlementLines(ctx, s, []sg.SettlementLine{stlInvoice("inv_2", sg.Ethereum, 20, 2)})
		must(t, "add", err)
		if s2.Version != 2 || s2.LineCount != 2 || s2.Totals.Net != 27 || !s2.DueAt.Equal(due) {
			t.Fatalf("after add: %+v", s2)
		}
		_, err = st.AddSettlementLines(ctx, s, []sg.SettlementLine{stlInvoice("inv_3", sg.Ethereum, 1, 0)})
		wantErr(t, "an add over a stale version", err, sg.ErrSettlementChanged)
		if ls := stlLines(t, st, tn, s.ID); len(ls) != 2 || ls[1].Ref != "inv_2" || ls[1].Seq != 2 {
			t.Fatalf("lines %+v", ls)
		}
		s2.Status, s2.ClosedAt, s2.Period.To = sg.SettlementClosed, now(), now()
		closed, err := st.UpdateSettlement(ctx, s2)
		must(t, "close", err)
		_, err = st.AddSettlementLines(ctx, closed, []sg.SettlementLine{stlInvoice("inv_3", sg.Ethereum, 1, 0)})
		wantErr(t, "an add to a closed settlement", err, sg.ErrSettlementChanged)
		bad := stlInvoice("inv_4", sg.Ethereum, 10, 1)
		bad.Net = 10
		if _, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), []sg.SettlementLine{bad}); err == nil {
			t.Fatal("a line whose net is not gross - fee was written")
		}
	}},
	{"Settlement/racing adds over one version: exactly one is written", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Ethereum, now()), nil)
		must(t, "create", err)
		before := liab(t, st)
		const racers = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.AddSettlementLines(ctx, s, []sg.SettlementLine{stlInvoice(fmt.Sprint("inv_race", i), sg.Ethereum, 10, 1)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case sg.KindOf(err) == sg.KindUnavailable || errors.Is(err, sg.ErrSettlementChanged):
				default:
					t.Errorf("racer %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		cur, err := st.Settlement(ctx, tn, s.ID)
		must(t, "Settlement", err)
		ls := stlLines(t, st, tn, s.ID)
		if won != 1 || cur.Version != 2 || cur.LineCount != 1 || len(ls) != 1 || cur.Totals.Net != 9 || liab(t, st)[sg.Ethereum]-before[sg.Ethereum] != 9 {
			t.Fatalf("%d won; settlement v%d with %d lines (%d read), net %s", won, cur.Version, cur.LineCount, len(ls), cur.Totals.Net)
		}
	}},
	{"Settlement/moves follow the statuses over the version read; closing frees the chain; paid leaves the liabilities", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		before := liab(t, st)
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_1", sg.Tron, 50, 5)})
		must(t, "create", err)
		if l := liab(t, st); l[sg.Tron]-before[sg.Tron] != 45 {
			t.Fatalf("liabilities moved by %s; want 45", l[sg.Tron]-before[sg.Tron])
		}
		jump := s
		jump.Status = sg.SettlementPaid
		_, err = st.UpdateSettlement(ctx, jump)
		wantErr(t, "open straight to paid", err, sg.ErrSettlementChanged)
		s.Status, s.ClosedAt, s.Period.To, s.DueAt, s.Attempt = sg.SettlementClosed, now(), now(), now(), 1
		s.Destination = sg.SettlementDestination{Chain: sg.Tron, Address: "T-new"}
		closed, err := st.UpdateSettlement(ctx, s)
		must(t, "close", err)
		if closed.Version != 2 || closed.Status != sg.SettlementClosed || closed.Destination.Address != "T-new" || closed.Attempt != 1 {
			t.Fatalf("closed %+v", closed)
		}
		_, err = st.UpdateSettlement(ctx, s)
		wantErr(t, "a move over a stale version", err, sg.ErrSettlementChanged)
		_, err = st.OpenSettlement(ctx, tn, sg.Tron)
		wantErr(t, "the chain after the close", err, sg.ErrNotFound)
		if _, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, now()), []sg.SettlementLine{stlInvoice("inv_2", sg.Tron, 1, 0)}); err != nil {
			t.Fatalf("a new open settlement after the close: %v", err)
		}
		closed.Status, closed.PayoutTransferID, closed.DueAt = sg.SettlementPaying, "tr_1", time.Time{}
		paying, err := st.UpdateSettlement(ctx, closed)
		must(t, "paying", err)
		if l := liab(t, st); l[sg.Tron]-before[sg.Tron] != 46 {
			t.Fatalf("liabilities moved by %s before paid; want 46", l[sg.Tron]-before[sg.Tron])
		}
		paying.Status, paying.PaidAt = sg.SettlementPaid, now()
		paid, err := st.UpdateSettlement(ctx, paying)
		must(t, "paid", err)
		if paid.PayoutTransferID != "tr_1" || !paid.PaidAt.Equal(paying.PaidAt) {
			t.Fatalf("paid %+v", paid)
		}
		if l := liab(t, st); l[sg.Tron]-before[sg.Tron] != 1 {
			t.Fatalf("liabilities moved by %s after paid; want 1 (the new open one)", l[sg.Tron]-before[sg.Tron])
		}
		paid.Status = sg.SettlementFailed
		_, err = st.UpdateSettlement(ctx, paid)
		wantErr(t, "paid to failed", err, sg.ErrSettlementChanged)
	}},
	{"Settlement/the due index lists what is due up to a time, soonest first, and drops what has no due time", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		base := now().Add(-time.Duration(1+len(tn)) * time.Hour)
		var ids []string
		for i, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
			s := stlNew(tn, c, base)
			s.DueAt = base.Add(time.Duration(2-i) * time.Minute) // tron's is sooner
			_, err := st.CreateSettlement(ctx, s, []sg.SettlementLine{stlInvoice(fmt.Sprint("inv_", i), c, 1, 0)})
			must(t, "create", err)
			ids = append(ids, s.ID)
		}
		if got := ownDue(t, st, tn, base); len(got) != 0 {
			t.Fatalf("due before any due time: %v", got)
		}
		if got := ownDue(t, st, tn, base.Add(time.Minute)); fmt.Sprint(got) != fmt.Sprint(ids[1:]) {
			t.Fatalf("due at +1m: %v; want %v", got, ids[1:])
		}
		if got := ownDue(t, st, tn, base.Add(time.Hour)); fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[0]}) {
			t.Fatalf("due at +1h: %v; want tron's then ethereum's", got)
		}
		s, _ := st.Settlement(ctx, tn, ids[1])
		s.DueAt = time.Time{}
		_, err := st.UpdateSettlement(ctx, s)
		must(t, "clear the due time", err)
		if got := ownDue(t, st, tn, base.Add(time.Hour)); fmt.Sprint(got) != fmt.Sprint(ids[:1]) {
			t.Fatalf("due after clearing: %v; want %v", got, ids[:1])
		}
		refs, err := st.DueSettlements(ctx, base.Add(time.Hour), 1)
		must(t, "DueSettlements with a limit", err)
		if len(refs) != 1 {
			t.Fatalf("limit 1 gave %d", len(refs))
		}
	}},
	{"Settlement/a tenant's settlements are listed newest first, a page at a time", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		var ids []string
		at := now()
		for i := range 3 {
			s := stlNew(tn, sg.Ethereum, at.Add(time.Duration(i)*time.Second))
			_, err := st.CreateSettlement(ctx, s, []sg.SettlementLine{stlInvoice(fmt.Sprint("inv_", i), sg.Ethereum, 1, 0)})
			must(t, "create", err)
			s, _ = st.Settlement(ctx, tn, s.ID)
			s.Status, s.ClosedAt = sg.SettlementClosed, now()
			_, err = st.UpdateSettlement(ctx, s)
			must(t, "close", err)
			ids = append([]string{s.ID}, ids...)
		}
		_, err := st.CreateSettlement(ctx, stlNew(tenant(), sg.Ethereum, at), nil)
		must(t, "another tenant's", err)
		var got []string
		page := sg.Page{Limit: 2}
		for range 5 {
			ss, next, err := st.Settlements(ctx, tn, page)
			must(t, "Settlements", err)
			for _, s := range ss {
				if s.Lines != nil || s.LineCount != 1 {
					t.Fatalf("listed %+v", s)
				}
				got = append(got, s.ID)
			}
			if next == "" {
				break
			}
			page.Cursor = next
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Fatalf("listed %v; want %v", got, ids)
		}
		_, _, err = st.Settlements(ctx, tn, sg.Page{Cursor: "not-a-cursor!"})
		wantErr(t, "a forged cursor", err, sg.ErrInvalidCursor)
	}},
}
