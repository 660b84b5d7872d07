package storetest

import (
	"math/big"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// pending funds a wallet with 100 and places a pending withdrawal's hold of 40.
func pending(t *testing.T, st Store) (sg.Wallet, sg.Transfer) {
	t.Helper()
	w := newWallet(t, st, tenant(), false)
	fund(t, st, w, sg.Available, 100)
	tr := hold(w, "wd-"+randHex(4), 40)
	must(t, "ApplyTransfer(hold)", st.ApplyTransfer(ctx, tr))
	return w, tr
}

// moveCases: Transition, MarkWaiting, AddApproval and the nonce guard.
var moveCases = []Case{
	{"Transition/moves from the state it names, applies its entry and appends its event, once", func(t *testing.T, st Store) {
		w, tr := pending(t, st)
		m := move(tr, sg.StatePending, sg.StateCancelled, void(w, 40))
		must(t, "Transition(cancel)", st.Transition(ctx, tr.TenantID, tr.ID, m))
		got := mustState(t, st, tr, sg.StateCancelled)
		if len(got.Events) != 2 || got.Events[1].State != sg.StateCancelled || got.Events[1].Note != "cancelled" || !got.UpdatedAt.Equal(m.Event.At) {
			t.Fatalf("events %+v, updated %v; want the cancel appended at %v", got.Events, got.UpdatedAt, m.Event.At)
		}
		wantBalance(t, st, w, 100, 0, 0)
		wantErr(t, "the same move again", st.Transition(ctx, tr.TenantID, tr.ID, m), sg.ErrStateChanged)
		wantBalance(t, st, w, 100, 0, 0)
	}},
	{"Transition/from a stale state is ErrStateChanged and changes nothing", func(t *testing.T, st Store) {
		w, tr := pending(t, st)
		stale := move(tr, sg.StateApproved, sg.StateCancelled, void(w, 40))
		wantErr(t, "Transition(from approved, is pending)", st.Transition(ctx, tr.TenantID, tr.ID, stale), sg.ErrStateChanged)
		got := mustState(t, st, tr, sg.StatePending)
		if len(got.Events) != 1 {
			t.Fatalf("%d events; want the first only", len(got.Events))
		}
		wantBalance(t, st, w, 60, 0, 40)
		other := tr
		other.ID = sg.NewKeyedID("txn", time.Now(), tr.TenantID, "contract", "never-written")
		wantErr(t, "Transition(no such transfer)", st.Transition(ctx, tr.TenantID, other.ID, move(other, sg.StatePending, sg.StateApproved, sg.Entry{})), sg.ErrStateChanged)
	}},
	{"Transition/records the fee paid, the transaction hash and the approvals awaited", func(t *testing.T, st Store) {
		_, tr := pending(t, st)
		deadline := time.Now().Add(time.Hour)
		m := move(tr, sg.StatePending, sg.StateAwaitingApproval, sg.Entry{})
		m.Approvals = &sg.ApprovalWait{Required: 2, Deadline: deadline}
		m.Journal = &sg.JournalEntry{At: m.Event.At, Actor: "policy", Action: "withdrawal.awaiting_approval", Subject: tr.ID}
		must(t, "to awaiting_approval", st.Transition(ctx, tr.TenantID, tr.ID, m))
		got := mustState(t, st, tr, sg.StateAwaitingApproval)
		if got.RequiredApprovals != 2 || !got.ApprovalDeadline.Equal(deadline.Truncate(time.Second)) {
			t.Fatalf("approvals %d by %v; want 2 by %v", got.RequiredApprovals, got.ApprovalDeadline, deadline.Truncate(time.Second))
		}
		must(t, "to approved", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateAwaitingApproval, sg.StateApproved, sg.Entry{})))
		signed := move(tr, sg.StateApproved, sg.StateSigned, sg.Entry{})
		signed.TxHash = "0xabc"
		must(t, "to signed", st.Transition(ctx, tr.TenantID, tr.ID, signed))
		must(t, "to broadcast", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateSigned, sg.StateBroadcast, sg.Entry{})))
		fee := sg.Amount(3)
		confirmed := move(tr, sg.StateBroadcast, sg.StateConfirmed, sg.Entry{})
		confirmed.Fee = &fee
		must(t, "to confirmed", st.Transition(ctx, tr.TenantID, tr.ID, confirmed))
		got = mustState(t, st, tr, sg.StateConfirmed)
		if got.TxHash != "0xabc" || got.NetworkFee != 3 || len(got.Events) != 6 {
			t.Fatalf("tx %q, network fee %d, %d events; want 0xabc, 3, 6", got.TxHash, got.NetworkFee, len(got.Events))
		}
	}},
	{"Transition/a hold that cannot move is an internal fault and changes nothing", func(t *testing.T, st Store) {
		w, tr := pending(t, st)
		err := st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StatePending, sg.StateCancelled, void(w, 41)))
		if err == nil || sg.KindOf(err) != sg.KindInternal {
			t.Fatalf("void of 41 held of 40 = %v; want an internal error", err)
		}
		mustState(t, st, tr, sg.StatePending)
		wantBalance(t, st, w, 60, 0, 40)
	}},
	{"Nonce/a withdrawal holding a nonce cannot be cancelled, expire or be rejected, and still moves on", func(t *testing.T, st Store) {
		w, tr := pending(t, st)
		must(t, "to approved", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StatePending, sg.StateApproved, sg.Entry{})))
		hot := ethAddress()
		guard := &sg.NonceGuard{Tenant: tr.TenantID, TransferID: tr.ID, States: []sg.TransferState{sg.StateApproved, sg.StateAwaitingSigner}}
		c, err := st.AllocateNonce(ctx, sg.Ethereum, hot, tr.ID, 7, sg.NonceClaim{}, guard)
		must(t, "AllocateNonce", err)
		if c.Nonce != 7 {
			t.Fatalf("first nonce %d; want the chain's 7", c.Nonce)
		}
		if got := mustState(t, st, tr, sg.StateApproved); !got.NonceHeld {
			t.Fatal("the withdrawal does not show the nonce it holds")
		}
		for _, to := range []sg.TransferState{sg.StateCancelled, sg.StateExpired} {
			wantErr(t, "Transition(approved -> "+string(to)+")", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateApproved, to, void(w, 40))), sg.ErrStateChanged)
		}
		wantBalance(t, st, w, 60, 0, 40)
		must(t, "to signed", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateApproved, sg.StateSigned, sg.Entry{})))
		mustState(t, st, tr, sg.StateSigned)
	}},
	{"Nonce/taken only while the withdrawal is in the guard's states; handed out in order, once per job", func(t *testing.T, st Store) {
		_, tr := pending(t, st)
		hot := ethAddress()
		guard := &sg.NonceGuard{Tenant: tr.TenantID, TransferID: tr.ID, States: []sg.TransferState{sg.StateApproved}}
		_, err := st.AllocateNonce(ctx, sg.Ethereum, hot, tr.ID, 3, sg.NonceClaim{}, guard)
		wantErr(t, "AllocateNonce(pending, guard wants approved)", err, sg.ErrStateChanged)
		if got := mustState(t, st, tr, sg.StatePending); got.NonceHeld {
			t.Fatal("a refused allocation marked the withdrawal")
		}
		terms := sg.NonceClaim{Gas: 65000, Tip: big.NewInt(2), FeeCap: big.NewInt(30)}
		a, err := st.AllocateNonce(ctx, sg.Ethereum, hot, "job-a", 3, terms, nil)
		must(t, "AllocateNonce(a)", err)
		b, err := st.AllocateNonce(ctx, sg.Ethereum, hot, "job-b", 99, sg.NonceClaim{}, nil)
		must(t, "AllocateNonce(b)", err)
		again, err := st.AllocateNonce(ctx, sg.Ethereum, hot, "job-a", 0, sg.NonceClaim{}, nil)
		must(t, "AllocateNonce(a again)", err)
		if a.Nonce != 3 || b.Nonce != 4 || again.Nonce != 3 || again.Gas != 65000 || again.FeeCap.Cmp(big.NewInt(30)) != 0 {
			t.Fatalf("nonces a=%d b=%d a again=%d (gas %d); want 3, 4, 3 with gas 65000 (nothing taken by the refused one)", a.Nonce, b.Nonce, again.Nonce, again.Gas)
		}
	}},
	{"MarkWaiting/shows why in its state only, keeps its first time, and the next move clears it", func(t *testing.T, st Store) {
		_, tr := pending(t, st)
		since := now().Add(-time.Minute)
		why := &sg.Reason{Code: sg.ErrHotWalletShort.Code, Message: "short", Since: since}
		wantErr(t, "MarkWaiting(in approved, is pending)", st.MarkWaiting(ctx, tr.TenantID, tr.ID, sg.StateApproved, why), sg.ErrStateChanged)
		must(t, "MarkWaiting", st.MarkWaiting(ctx, tr.TenantID, tr.ID, sg.StatePending, why))
		later := &sg.Reason{Code: sg.ErrPayoutWouldRevert.Code, Message: "revert", Since: now()}
		must(t, "MarkWaiting(again)", st.MarkWaiting(ctx, tr.TenantID, tr.ID, sg.StatePending, later))
		got := mustState(t, st, tr, sg.StatePending)
		if got.Waiting == nil || got.Waiting.Code != later.Code || !got.Waiting.Since.Equal(since) {
			t.Fatalf("waiting %+v; want %s since %v", got.Waiting, later.Code, since)
		}
		must(t, "MarkWaiting(nil)", st.MarkWaiting(ctx, tr.TenantID, tr.ID, sg.StatePending, nil))
		if got := mustState(t, st, tr, sg.StatePending); got.Waiting != nil {
			t.Fatalf("waiting %+v after clearing", got.Waiting)
		}
		must(t, "MarkWaiting(again)", st.MarkWaiting(ctx, tr.TenantID, tr.ID, sg.StatePending, why))
		must(t, "to approved", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StatePending, sg.StateApproved, sg.Entry{})))
		if got := mustState(t, st, tr, sg.StateApproved); got.Waiting != nil {
			t.Fatalf("waiting %+v after a move", got.Waiting)
		}
	}},
	{"AddApproval/once per approver, only while the payout waits for approvals", func(t *testing.T, st Store) {
		_, tr := pending(t, st)
		a := sg.Approval{Approver: "alice", Approve: true, Comment: "ok", At: now()}
		j := sg.JournalEntry{At: now(), Actor: "alice", Action: "withdrawal.approve", Subject: tr.ID}
		wantErr(t, "AddApproval(pending)", st.AddApproval(ctx, tr.TenantID, tr.ID, a, j), sg.ErrStateChanged)
		m := move(tr, sg.StatePending, sg.StateAwaitingApproval, sg.Entry{})
		m.Approvals = &sg.ApprovalWait{Required: 2, Deadline: time.Now().Add(time.Hour)}
		must(t, "to awaiting_approval", st.Transition(ctx, tr.TenantID, tr.ID, m))
		must(t, "AddApproval(alice)", st.AddApproval(ctx, tr.TenantID, tr.ID, a, j))
		j.At = now().Add(time.Millisecond)
		wantErr(t, "AddApproval(alice again)", st.AddApproval(ctx, tr.TenantID, tr.ID, a, j), sg.ErrAlreadyDecided)
		b := sg.Approval{Approver: "bob", Approve: false, At: now()}
		j.At, j.Actor = now().Add(2*time.Millisecond), "bob"
		must(t, "AddApproval(bob)", st.AddApproval(ctx, tr.TenantID, tr.ID, b, j))
		got := mustState(t, st, tr, sg.StateAwaitingApproval)
		if len(got.Approvals) != 2 || got.Approvals[0].Approver != "alice" || !got.Approvals[0].Approve || got.Approvals[0].Comment != "ok" || got.Approvals[1].Approve {
			t.Fatalf("approvals %+v; want alice yes, bob no", got.Approvals)
		}
	}},
	{"Nonce/holders are counted from the nonce taken until the payout is broadcast", func(t *testing.T, st Store) {
		_, tr := pending(t, st)
		holders := func(want int) {
			t.Helper()
			// The count reads the index of open withdrawals, which may lag a
			// write: poll, with a generous bound.
			var got int
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				n, err := st.NonceHolders(ctx)
				must(t, "NonceHolders", err)
				if got = n; got == want || time.Now().After(deadline) {
					break
				}
			}
			if got != want {
				t.Fatalf("%d nonce holders; want %d", got, want)
			}
		}
		holders(0)
		must(t, "to approved", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StatePending, sg.StateApproved, sg.Entry{})))
		guard := &sg.NonceGuard{Tenant: tr.TenantID, TransferID: tr.ID, States: []sg.TransferState{sg.StateApproved}}
		_, err := st.AllocateNonce(ctx, sg.Ethereum, ethAddress(), tr.ID, 0, sg.NonceClaim{}, guard)
		must(t, "AllocateNonce", err)
		holders(1)
		must(t, "to signed", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateApproved, sg.StateSigned, sg.Entry{})))
		holders(1)
		must(t, "to broadcast", st.Transition(ctx, tr.TenantID, tr.ID, move(tr, sg.StateSigned, sg.StateBroadcast, sg.Entry{})))
		holders(0)
	}},
}
