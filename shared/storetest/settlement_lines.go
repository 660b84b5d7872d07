package storetest

import (
	"errors"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// settlementLineCases: a recorded line is found by its ref, with its fee
// and the schedule version shown, in its tenant only.
var settlementLineCases = []settlementCase{
	{"a line is found by its kind, chain and ref, in its tenant only", func(t *testing.T, st SettlementStores) {
		tn := tenant()
		at := now()
		s, err := st.CreateSettlement(ctx, stlNew(tn, sg.Tron, at), []sg.SettlementLine{
			stlInvoice("inv_a", sg.Tron, 10_000_000, 225_000), stlInvoice("inv_b", sg.Tron, 4_000_000, 140_000)})
		must(t, "CreateSettlement", err)
		more := stlInvoice("inv_c", sg.Tron, 2_000_000, 120_000)
		s.DueAt = at
		_, err = st.AddSettlementLines(ctx, s, []sg.SettlementLine{more})
		must(t, "AddSettlementLines", err)
		for _, want := range []struct {
			ref      string
			gross, f sg.Amount
		}{{"inv_b", 4_000_000, 140_000}, {"inv_c", 2_000_000, 120_000}} {
			l, err := st.SettlementLineByRef(ctx, tn, sg.LineInvoice, sg.Tron, want.ref)
			must(t, "SettlementLineByRef", err)
			if l.Ref != want.ref || l.Gross != want.gross || l.Fee != want.f || l.FeeShown != want.f+1 || l.ScheduleVersion != 2 {
				t.Fatalf("line of %s: %+v", want.ref, l)
			}
		}
		if _, err := st.SettlementLineByRef(ctx, tn, sg.LineInvoice, sg.Ethereum, "inv_b"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("the ref on another chain: %v", err)
		}
		if _, err := st.SettlementLineByRef(ctx, tenant(), sg.LineInvoice, sg.Tron, "inv_b"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("another tenant's line: %v", err)
		}
	}},
}
