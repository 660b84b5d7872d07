package settlementapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A settlement payout is a withdrawal of the pipeline from the settlement
// wallet, never a side door (audit, session 12; the matrix is in
// shared/ledger/paths_controls_test.go):
//   - a freeze over the settlement wallet refuses it: the settlement fails
//     naming the freeze, nothing is held or paid, and once the freeze is
//     lifted a retry pays it;
//   - the tenant's approval rules hold it until approved;
//   - a destination listed since the config was put is screened: the
//     payout is rejected before signing, a case opened, its hold voided
//     and the settlement failed.
//
// Both payers are attacked: one payout per settlement (Payer) and the
// job's payout batch (BatchPayer), whose rows are withdrawals too.
func TestSettlementPayoutMeetsFreezeApprovalsAndScreening(t *testing.T) {
	for _, batch := range []bool{false, true} {
		name := "alone"
		if batch {
			name = "as a batch row"
		}
		t.Run(name, func(t *testing.T) { settlementControls(t, batch) })
	}
}

// payInBatches makes the job pay through payout batches, as
// settlementapi.BatchPayer over the rig's pipeline.
func (r *tierRig) payInBatches() {
	r.svc.Batch = settlementapi.BatchPayer{B: &ledger.Batches{W: r.w, Store: &memstore.PayoutBatches{}, Claims: r.st},
		P: r.svc.Payer.(settlementapi.Payer)}
}

func settlementControls(t *testing.T, batch bool) {
	rig := func(t *testing.T) *tierRig {
		r := newTierRig(t, sg.KYCVerified)
		if batch {
			r.payInBatches()
		}
		return r
	}
	t.Run("a freeze over the settlement wallet", func(t *testing.T) {
		r := rig(t)
		_, sign := settlementapi.Screened(t, r.w, r.clock.Now)
		before := r.balance(sg.Tron)
		fr := sg.Freeze{ID: sg.NewID("frz", r.clock.now), Scope: sg.FreezeWallet, TenantID: r.tenant, WalletID: r.wallet.ID, By: "ops", At: r.clock.now, Required: 1}
		if err := r.st.PutFreeze(bg, fr, r.tenant, sg.JournalEntry{At: r.clock.now, Actor: "ops", Action: "freeze"}); err != nil {
			t.Fatal(err)
		}
		s := r.settle(sg.Tron, usdt(50), false)
		if s.Status != sg.SettlementFailed || s.FailReason != sg.ErrFrozen.Code || s.PayoutTransferID != "" {
			t.Fatalf("settlement %s (%q), payout %q; want failed, %s, no payout", s.Status, s.FailReason, s.PayoutTransferID, sg.ErrFrozen.Code)
		}
		if got := r.balance(sg.Tron); got != before || len(sign.Signed) != 0 {
			t.Fatalf("balance %+v (was %+v), signed %v; want nothing held or signed", got, before, sign.Signed)
		}
		if _, err := r.st.VoteUnfreeze(bg, fr, sg.Approval{Approver: "boss", Approve: true, At: r.clock.now}, r.tenant, sg.JournalEntry{At: r.clock.now}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.svc.Retry(bg, r.tenant, s.ID); err != nil {
			t.Fatal(err)
		}
		r.wantPaid("retried after the lift", r.drive(s.ID))
	})
	t.Run("an approval rule", func(t *testing.T) {
		r := rig(t)
		_, sign := settlementapi.Screened(t, r.w, r.clock.Now)
		r.approvalsOver(usdt(40))
		s := r.settle(sg.Tron, usdt(50), false)
		if s.Status != sg.SettlementPaying || s.PayoutTransferID == "" {
			t.Fatalf("settlement %s (%q), payout %q; want paying", s.Status, s.FailReason, s.PayoutTransferID)
		}
		p, err := r.st.Transfer(bg, r.tenant, s.PayoutTransferID)
		if err != nil {
			t.Fatal(err)
		}
		if p.State != sg.StateAwaitingApproval || p.RequiredApprovals != 2 || len(sign.Signed) != 0 {
			t.Fatalf("its payout %s, %d approvals required, signed %v; want awaiting 2 approvals, nothing signed", p.State, p.RequiredApprovals, sign.Signed)
		}
	})
	t.Run("a sanctioned destination", func(t *testing.T) {
		r := rig(t)
		cases, sign := settlementapi.Screened(t, r.w, r.clock.Now)
		cfg, err := r.stls.SettlementConfig(bg, r.tenant, sg.Tron)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Destination.Address = settlementapi.SanctionedTRX
		if _, err := r.stls.PutSettlementConfig(bg, cfg); err != nil {
			t.Fatal(err)
		}
		before := r.balance(sg.Tron)
		s := r.settle(sg.Tron, usdt(50), false)
		if s.Status != sg.SettlementFailed || s.FailReason != string(sg.StateRejected) || s.PayoutTransferID == "" {
			t.Fatalf("settlement %s (%q), payout %q; want failed by its payout's rejection", s.Status, s.FailReason, s.PayoutTransferID)
		}
		if batch != (s.PayoutBatchID != "") {
			t.Fatalf("settlement paid through batch %q; want a batch: %v", s.PayoutBatchID, batch)
		}
		p, err := r.st.Transfer(bg, r.tenant, s.PayoutTransferID)
		if err != nil {
			t.Fatal(err)
		}
		if p.State != sg.StateRejected || p.TxHash != "" || !strings.Contains(settlementapi.LastNote(p), sg.ErrDestinationSanctioned.Code) {
			t.Fatalf("its payout %s (tx %q) %q; want rejected, %s", p.State, p.TxHash, settlementapi.LastNote(p), sg.ErrDestinationSanctioned.Code)
		}
		if len(sign.Signed) != 0 || cases.Count() != 1 {
			t.Fatalf("signed %v, %d cases; want nothing signed and one case", sign.Signed, cases.Count())
		}
		if got := r.balance(sg.Tron); got != before {
			t.Fatalf("balance %+v, was %+v: want the hold voided", got, before)
		}
	})
}

// approvalsOver makes the tenant's custody policy ask two approvals of
// any payout over amount, in front of the rig's policy chain.
func (r *tierRig) approvalsOver(amount sg.Amount) {
	r.t.Helper()
	pol := sg.Policy{ApprovalTTL: 24 * time.Hour, Rules: []sg.Rule{{Name: "large", Kind: sg.RuleAmountOver, Amount: amount, Approvals: 2}}}
	if err := r.st.PutPolicy(bg, r.tenant, pol, sg.JournalEntry{At: r.clock.now, Actor: "ops", Action: "policy.put"}); err != nil {
		r.t.Fatal(err)
	}
	r.w.Policy = compliance.Chain(custody.Rules{Store: r.st, Now: r.clock.Now}, r.w.Policy)
}

// balance is the settlement wallet's balance on c.
func (r *tierRig) balance(c sg.Chain) sg.Balance {
	r.t.Helper()
	b, err := r.st.AccountBalance(bg, sg.WalletAccount(r.tenant, r.wallet.ID, c, sg.USDT), r.wallet.Shards())
	if err != nil {
		r.t.Fatal(err)
	}
	return b
}

// stopAfterPay requests the payout, then fails once as a fault would (the
// store behind the travel record, say): the payout exists, the settlement
// does not know it yet.
type stopAfterPay struct {
	settlementapi.Payer
	stopped *string
}

func (p stopAfterPay) Pay(ctx context.Context, stl sg.Settlement) (string, error) {
	id, err := p.Payer.Pay(ctx, stl)
	if err == nil && *p.stopped == "" {
		*p.stopped = id
		return "", sg.Unavailable("test.pay", errors.New("stopped after the payout was requested"))
	}
	return id, err
}

// slowChain confirms a payout only once told.
type slowChain struct{ confirmed *bool }

func (slowChain) Sign(_ context.Context, t sg.Transfer) (string, error) { return "0xtx-" + t.ID, nil }
func (slowChain) Broadcast(context.Context, sg.Transfer) error          { return nil }
func (c slowChain) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Confirmed: *c.confirmed}, nil
}

// A job run that requested a settlement's payout and then stopped is
// retried by the next run, which finds the payout it made: the tier is not
// asked again (the payout's own reservation would refuse it and hold the
// settlement while its payout goes out), nothing is paid twice, and the
// settlement is paid when its payout posts. (Before the audit the payer
// looked its payout up under the wrong key: the retry held the settlement
// tier_limit_daily, and its payout's posting was never recorded on it.)
func TestSettlementRetryFindsThePayoutItRequested(t *testing.T) {
	r := newTierRig(t, sg.KYCPending) // the default tier: 10 USDT a payment and a day
	confirmed := false
	r.w.Payouts[sg.Tron] = slowChain{confirmed: &confirmed}
	var first string
	r.svc.Payer = stopAfterPay{Payer: r.svc.Payer.(settlementapi.Payer), stopped: &first}
	now := r.clock.now
	s, err := r.stls.CreateSettlement(bg, sg.Settlement{ID: sg.NewID("stl", now), TenantID: r.tenant, Chain: sg.Tron, Currency: sg.USDT,
		Status: sg.SettlementOpen, Period: sg.SettlementPeriod{From: now}, CreatedAt: now, DueAt: now},
		[]sg.SettlementLine{{Kind: sg.LineInvoice, Ref: sg.NewID("inv", now), Chain: sg.Tron, Gross: usdt(6), Net: usdt(6), At: now}})
	if err != nil {
		t.Fatal(err)
	}
	r.clock.now = now.Add(time.Second)
	if _, err := r.svc.CloseDue(bg, r.clock.now); sg.KindOf(err) != sg.KindUnavailable || first == "" {
		t.Fatalf("the first run: %v, payout %q; want the injected stop after the payout", err, first)
	}
	// The worker takes the payout through its tier step (6 reserved) and
	// sends it; the chain has not confirmed it yet.
	if p, waiting, err := r.w.Advance(bg, r.tenant, first); err != nil || !waiting {
		t.Fatalf("the payout: %s, waiting %v, %v; want broadcast, waiting for the chain", p.State, waiting, err)
	}
	r.clock.now = r.clock.now.Add(time.Second)
	if _, err := r.svc.CloseDue(bg, r.clock.now); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	got, err := r.stls.Settlement(bg, r.tenant, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != sg.SettlementPaying || got.PayoutTransferID != first || got.Held != nil {
		t.Fatalf("after the retry: %s, held %q, payout %q; want paying by %s", got.Status, heldCode(got), got.PayoutTransferID, first)
	}
	confirmed = true
	r.wantPaid("once its payout posts", r.drive(s.ID))
	if u, _ := r.cust.LimitUsage(bg, r.tenant, r.customer); u.Used(sg.ScopeAll, sg.WindowDay, r.clock.now) != usdt(6) {
		t.Fatalf("day used %s; want 6 (one payout)", u.Used(sg.ScopeAll, sg.WindowDay, r.clock.now))
	}
}
