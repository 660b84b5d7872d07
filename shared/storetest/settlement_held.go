package storetest

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// settlementHeldCases: a closed settlement whose payout the merchant's tier
// holds is rewritten closed with why and when it is asked again (issue 15).
var settlementHeldCases = []settlementCase{
	{"Settlement/a closed settlement is held with its reason and due time, and the hold is cleared when its payout is requested", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		s := stlNew(tn, sg.Tron, now())
		s.DueAt = now()
		created, err := st.CreateSettlement(ctx, s, []sg.SettlementLine{stlInvoice("inv_h", sg.Tron, 15, 0),
			{Kind: sg.LineClearing, Ref: "inv_h", Chain: sg.Ethereum, To: sg.Tron, Cleared: 15, At: now()}})
		must(t, "create", err)
		added, err := st.AddSettlementLines(ctx, created, []sg.SettlementLine{stlInvoice("inv_i", sg.Tron, 5, 0),
			{Kind: sg.LineClearing, Ref: "inv_i", Chain: sg.Ethereum, To: sg.Tron, Cleared: 5, At: now()}})
		must(t, "add lines", err)
		if added.Totals.Cleared != 20 {
			t.Fatalf("cleared %s after the lines were added; want 20", added.Totals.Cleared)
		}
		s = added
		s.Status, s.ClosedAt, s.Period.To, s.Attempt = sg.SettlementClosed, now(), now(), 1
		closed, err := st.UpdateSettlement(ctx, s)
		must(t, "close", err)
		since := now().Add(-time.Minute)
		closed.Held = &sg.Reason{Code: "tier_limit_single", Message: "over the single payment limit", Since: since}
		closed.DueAt = now().Add(time.Hour)
		held, err := st.UpdateSettlement(ctx, closed)
		must(t, "hold (closed to closed)", err)
		read, err := st.Settlement(ctx, tn, s.ID)
		must(t, "Settlement", err)
		for name, x := range map[string]sg.Settlement{"answered": held, "read back": read} {
			if x.Status != sg.SettlementClosed || x.Held == nil || x.Held.Code != "tier_limit_single" || x.Held.Message != "over the single payment limit" ||
				!x.Held.Since.Equal(since) || !x.DueAt.Equal(closed.DueAt) || x.Totals.Cleared != 20 {
				t.Fatalf("%s: %+v (held %+v)", name, x, x.Held)
			}
		}
		due, err := st.DueSettlements(ctx, now(), 1000)
		must(t, "DueSettlements", err)
		for _, r := range due {
			if r.ID == s.ID {
				t.Fatal("a held settlement is due before its recheck")
			}
		}
		read.Status, read.PayoutTransferID, read.Held, read.DueAt = sg.SettlementPaying, "tr_h", nil, time.Time{}
		paying, err := st.UpdateSettlement(ctx, read)
		must(t, "paying", err)
		if read, _ = st.Settlement(ctx, tn, s.ID); paying.Held != nil || read.Held != nil || read.Status != sg.SettlementPaying {
			t.Fatalf("after the payout was requested: %+v (held %+v)", read, read.Held)
		}
	}},
}
