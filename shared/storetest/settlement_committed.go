package storetest

import (
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

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
}
