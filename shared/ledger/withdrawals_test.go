package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// chainPayout stands in for a chain adapter: Sign takes a nonce of the hot
// address in the store, guarded as the Ethereum adapter guards it (so the
// withdrawal holds it), unless SignErr says the payout cannot go now; the
// receipt is what Chain says.
type chainPayout struct {
	st      *memstore.Store
	mu      sync.Mutex
	SignErr error
	Chain   sg.Receipt
	NoNonce bool
}

func (p *chainPayout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.SignErr != nil {
		return "", p.SignErr
	}
	if !p.NoNonce {
		guard := &sg.NonceGuard{Tenant: t.TenantID, TransferID: t.ID, States: []sg.TransferState{sg.StateApproved, sg.StateAwaitingSigner}}
		if _, err := p.st.AllocateNonce(ctx, sg.Ethereum, "0xhot", t.ID, 0, sg.NonceClaim{}, guard); err != nil {
			return "", err
		}
	}
	return "0xsigned-" + t.ID, nil
}

func (p *chainPayout) Broadcast(context.Context, sg.Transfer) error { return nil }

func (p *chainPayout) Receipt(context.Context, sg.Transfer) (sg.Receipt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Chain, nil
}

// decision is a policy that always decides d.
type decision sg.Decision

func (d decision) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision(d), nil
}

// withdrawals is the pipeline over the fixture's store, with a flat fee of
// 2 and payout p on Ethereum (nil: no signer configured).
func (f *fixture) withdrawals(p *chainPayout) *Withdrawals {
	w := &Withdrawals{Service: f.svc, Mover: f.st, Queue: f.queue, Policy: AllowAll{}, Freezes: f.st, Quotes: f.st,
		Destinations: f.st, Waits: f.st, Fee: func(sg.Chain) sg.Amount { return 2 }, Payouts: map[sg.Chain]Payout{}}
	if p != nil {
		w.Payouts[sg.Ethereum] = p
	}
	return w
}

func (f *fixture) payout() *chainPayout {
	return &chainPayout{st: f.st, Chain: sg.Receipt{Confirmed: true, Fee: 1}}
}

func out(w sg.Wallet, amount sg.Amount) Withdraw {
	return Withdraw{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(), Amount: amount, RequestedBy: "alice"}
}

func (f *fixture) create(t *testing.T, wd *Withdrawals, in Withdraw) sg.Transfer {
	t.Helper()
	r, err := wd.Create(bg, f.tenant, "k-"+randHex(4), "h", in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return r.Transfer
}

func (f *fixture) state(t *testing.T, id string) sg.Transfer {
	t.Helper()
	tr, err := f.st.Transfer(bg, f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func wantState(t *testing.T, tr sg.Transfer, want sg.TransferState) {
	t.Helper()
	if tr.State != want {
		t.Fatalf("%s is %s; want %s (events %+v)", tr.ID, tr.State, want, tr.Events)
	}
}

func TestWithdrawalCreateHoldsAndQueuesOncePerKey(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	wd := f.withdrawals(nil)
	in := out(w, 30)
	r, err := wd.Create(bg, f.tenant, "k", "h", in)
	if err != nil || r.Replayed {
		t.Fatalf("Create = %+v, %v", r, err)
	}
	tr := f.state(t, r.Transfer.ID)
	wantState(t, tr, sg.StatePending)
	if tr.Fee != 2 || tr.RequestedBy != "alice" || !tr.ExpiresAt.Equal(f.clock.Now().Add(DefaultHoldTTL)) {
		t.Fatalf("record %+v", tr)
	}
	f.wantBalance(t, w, 68, 32)
	bodies := f.queue.Bodies()
	if len(bodies) != 1 || bodies[0]["tenant"] != f.tenant || bodies[0]["id"] != tr.ID {
		t.Fatalf("queued %v; want one message naming %s", bodies, tr.ID)
	}
	again, err := wd.Create(bg, f.tenant, "k", "h", in)
	if err != nil || !again.Replayed || again.Transfer.ID != tr.ID {
		t.Fatalf("retry = %+v, %v; want a replay", again, err)
	}
	f.wantBalance(t, w, 68, 32)
	_, err = wd.Create(bg, f.tenant, "k", "other", in)
	wantErr(t, err, sg.ErrIdempotencyKeyReused)
	// A refused retry of a created withdrawal is still its replay.
	f.freeze(t, sg.FreezeWallet, w.ID)
	if r, err := wd.Create(bg, f.tenant, "k", "h", in); err != nil || !r.Replayed {
		t.Fatalf("retry under a freeze = %+v, %v; want a replay", r, err)
	}
}

func TestWithdrawalCreateRefusals(t *testing.T) {
	f := newFixture(t)
	w, flagged, frozen, other := f.wallet(t), f.wallet(t), f.wallet(t), f.wallet(t)
	f.fund(t, w, 100)
	f.fund(t, flagged, 100)
	f.fund(t, frozen, 100)
	f.st.SetFrozen(f.tenant, flagged.ID, true)
	f.freeze(t, sg.FreezeWallet, frozen.ID)
	hot := ethAddress()
	if err := f.st.RegisterOwn(bg, sg.Ethereum, hot, "hot"); err != nil {
		t.Fatal(err)
	}
	wd := f.withdrawals(nil)
	wd.Tokens = map[sg.Chain][]string{sg.Ethereum: {"0x5FbDB2315678afecb367f032d93F642f64180aa3"}}
	f.create(t, wd, out(w, 40)) // holds 42 of 100
	to := func(addr string) Withdraw { in := out(w, 5); in.ToAddress = addr; return in }
	cases := []struct {
		name string
		in   Withdraw
		want error
	}{
		{"zero amount", out(w, 0), sg.ErrAmountNotPositive},
		{"unknown wallet", Withdraw{Wallet: sg.NewID("wal", f.clock.Now()), Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(), Amount: 1}, sg.ErrWalletNotFound},
		{"a frozen wallet", out(flagged, 5), sg.ErrWalletFrozen},
		{"a wallet under a freeze", out(frozen, 5), sg.ErrFrozen},
		{"the zero address", to("0x0000000000000000000000000000000000000000"), sg.ErrDestinationDenied},
		{"the deployment's token", to("0x5fbdb2315678afecb367f032d93f642f64180aa3"), sg.ErrDestinationDenied},
		{"another wallet's deposit address", to(other.Addresses[0].Address), sg.ErrOwnAddress},
		{"the hot address, upper case", to("0x" + strings.ToUpper(hot[2:])), sg.ErrOwnAddress},
		{"more than the balance", out(w, 99), sg.ErrInsufficientFunds},
		{"more than available, part of it held", out(w, 57), sg.ErrFundsHeld},
		{"a quote that is no id", func() Withdraw { in := out(w, 5); in.QuoteID = "fq_bad"; return in }(), sg.ErrQuoteNotFound},
		{"an unknown quote", func() Withdraw { in := out(w, 5); in.QuoteID = sg.NewID("fq", f.clock.Now()); return in }(), sg.ErrQuoteNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := wd.Create(bg, f.tenant, "k-"+c.name, "h", c.in)
			wantErr(t, err, c.want)
		})
	}
	f.wantBalance(t, w, 58, 42)
	f.wantBalance(t, flagged, 100, 0)
	f.wantBalance(t, frozen, 100, 0)
	if n := len(f.queue.Sent()); n != 1 {
		t.Fatalf("%d messages queued; want 1 (refusals cost no message)", n)
	}
	t.Run("no quote store", func(t *testing.T) {
		wd := f.withdrawals(nil)
		wd.Quotes = nil
		in := out(w, 5)
		in.QuoteID = sg.NewID("fq", f.clock.Now())
		_, err := wd.Create(bg, f.tenant, "k-nq", "h", in)
		wantErr(t, err, sg.ErrQuoteNotFound)
	})
}

type flatQuoter sg.Amount

func (q flatQuoter) Quote(context.Context, string, sg.Amount) (sg.Amount, map[string]string, error) {
	return sg.Amount(q), map[string]string{"gas": "65000"}, nil
}

func TestWithdrawalQuoteIsHonouredOnce(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	quotes := &Quotes{Store: f.st, Quoters: map[sg.Chain]sg.FeeQuoter{sg.Ethereum: flatQuoter(5)}, Now: f.clock.Now}
	dst := ethAddress()
	q, err := quotes.Create(bg, f.tenant, sg.Ethereum, dst, 10)
	if err != nil || q.Fee != 5 {
		t.Fatalf("quote = %+v, %v", q, err)
	}
	_, err = quotes.Create(bg, f.tenant, sg.Tron, dst, 10)
	wantErr(t, err, sg.ErrChainNotConfigured)
	_, err = quotes.Create(bg, f.tenant, sg.Ethereum, "not an address", 10)
	if err == nil {
		t.Fatal("a quote to no address was made")
	}

	wd := f.withdrawals(nil)
	in := out(w, 10)
	in.ToAddress, in.QuoteID = q.ToAddress, q.ID // the address as the quote spells it
	for _, c := range []struct {
		name   string
		change func(*Withdraw)
		want   error
	}{
		{"another amount", func(in *Withdraw) { in.Amount = 11 }, sg.ErrQuoteMismatch},
		{"another destination", func(in *Withdraw) { in.ToAddress = ethAddress() }, sg.ErrQuoteMismatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := in
			c.change(&bad)
			_, err := wd.Create(bg, f.tenant, "k-"+c.name, "h", bad)
			wantErr(t, err, c.want)
		})
	}
	r, err := wd.Create(bg, f.tenant, "first", "h", in)
	if err != nil || r.Transfer.Fee != 5 || r.Transfer.QuoteID != q.ID {
		t.Fatalf("first = %+v, %v; want the quoted fee 5", r, err)
	}
	_, err = wd.Create(bg, f.tenant, "second", "h", in)
	wantErr(t, err, sg.ErrQuoteUsed)
	if again, err := wd.Create(bg, f.tenant, "first", "h", in); err != nil || !again.Replayed {
		t.Fatalf("retry of the first = %+v, %v; want a replay", again, err)
	}
	f.wantBalance(t, w, 85, 15)

	late, err := quotes.Create(bg, f.tenant, sg.Ethereum, dst, 10)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(sg.QuoteTTL)
	in.QuoteID = late.ID
	_, err = wd.Create(bg, f.tenant, "late", "h", in)
	wantErr(t, err, sg.ErrQuoteExpired)
}

func TestWithdrawalAdvancesToPostedAndChargesTheRealFee(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	p := f.payout()
	wd := f.withdrawals(p)
	tr := f.create(t, wd, out(w, 30))

	p.Chain = sg.Receipt{} // not yet confirmed
	got, wait, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil || !wait {
		t.Fatalf("Advance = %s, wait %v, %v; want a wait for the chain", got.State, wait, err)
	}
	wantState(t, got, sg.StateBroadcast)
	if got.TxHash != "0xsigned-"+tr.ID || !got.NonceHeld {
		t.Fatalf("tx %q, nonce held %v", got.TxHash, got.NonceHeld)
	}
	_, err = wd.Cancel(bg, f.tenant, tr.ID)
	wantErr(t, err, sg.ErrNotCancellable)

	p.Chain = sg.Receipt{Confirmed: true, Fee: 1, TxHash: "0xreplacement"}
	got, wait, err = wd.Advance(bg, f.tenant, tr.ID)
	if err != nil || wait {
		t.Fatalf("Advance = %v, %v", wait, err)
	}
	wantState(t, got, sg.StatePosted)
	if got.NetworkFee != 1 || got.ChargedFee() != 1 || got.TxHash != "0xreplacement" {
		t.Fatalf("network fee %d, charged %d, tx %s", got.NetworkFee, got.ChargedFee(), got.TxHash)
	}
	f.wantBalance(t, w, 69, 0) // 100 - 30 - the 1 the chain took; the other 1 held comes back
	if o, fees := f.system(t, sg.SysOutbound), f.system(t, sg.SysFees); o != 30 || fees != 1 {
		t.Fatalf("outbound %d, fees %d; want 30, 1", o, fees)
	}
	// A final withdrawal is left as it is.
	again, wait, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil || wait || again.State != sg.StatePosted {
		t.Fatalf("Advance(posted) = %s, %v, %v", again.State, wait, err)
	}
	// Advance of an internal transfer does nothing either.
	b := f.wallet(t)
	it, err := f.svc.Transfer(bg, f.tenant, "int", "h", Internal{From: w.ID, To: b.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := wd.Advance(bg, f.tenant, it.Transfer.ID); err != nil || got.State != sg.StatePosted {
		t.Fatalf("Advance(internal) = %s, %v", got.State, err)
	}
	_, _, err = wd.Advance(bg, f.tenant, sg.NewKeyedID("txn", f.clock.Now(), f.tenant, OpWithdraw, "none"))
	wantErr(t, err, sg.ErrNotFound)
}

func TestWithdrawalRevertedOnChainGivesTheHoldBack(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	p := f.payout()
	p.Chain = sg.Receipt{Failed: true}
	wd := f.withdrawals(p)
	tr := f.create(t, wd, out(w, 30))
	got, _, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StateFailed)
	f.wantBalance(t, w, 100, 0)
}

func TestWithdrawalWithoutASignerWaitsAwaitingSigner(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	wd := f.withdrawals(nil)
	tr := f.create(t, wd, out(w, 10))
	for i := 0; i < 2; i++ {
		got, wait, err := wd.Advance(bg, f.tenant, tr.ID)
		if err != nil || wait {
			t.Fatalf("Advance = %v, %v", wait, err)
		}
		wantState(t, got, sg.StateAwaitingSigner)
	}
	got, err := wd.Cancel(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StateCancelled)
	f.wantBalance(t, w, 100, 0)
}

func TestWithdrawalPolicyDecides(t *testing.T) {
	cases := []struct {
		name      string
		decision  sg.Decision
		want      sg.TransferState
		held      sg.Amount
		journaled string
	}{
		{"approve", sg.Decision{Outcome: sg.OutcomeApprove}, sg.StateAwaitingSigner, 12, "withdrawal.approved"},
		{"reject voids the hold", sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{"limit"}}, sg.StateRejected, 0, "withdrawal.rejected"},
		{"ask for approvals", sg.Decision{Outcome: sg.OutcomeNeedsApprovals, Approvals: 2, Wait: time.Hour}, sg.StateAwaitingApproval, 12, "withdrawal.awaiting_approval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			w := f.wallet(t)
			f.fund(t, w, 100)
			wd := f.withdrawals(nil)
			wd.Policy = decision(c.decision)
			var heard []string
			wd.AwaitingApproval = func(_ context.Context, t sg.Transfer) error { heard = append(heard, string(t.State)); return nil }
			tr := f.create(t, wd, out(w, 10))
			got, _, err := wd.Advance(bg, f.tenant, tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantState(t, got, c.want)
			f.wantBalance(t, w, 100-c.held, c.held)
			if c.want == sg.StateAwaitingApproval {
				if got.RequiredApprovals != 2 || !got.ApprovalDeadline.Equal(f.clock.Now().Add(time.Hour)) || len(heard) != 1 || heard[0] != string(sg.StateAwaitingApproval) {
					t.Fatalf("required %d by %v, heard %v", got.RequiredApprovals, got.ApprovalDeadline, heard)
				}
			}
			js, _ := f.st.Journal(bg, f.tenant, 10, 0)
			if len(js) != 1 || js[0].Action != c.journaled || js[0].Actor != "policy" || js[0].Subject != tr.ID {
				t.Fatalf("journal %+v; want the policy's decision, %s", js, c.journaled)
			}
		})
	}
	t.Run("no policy configured is an internal fault", func(t *testing.T) {
		f := newFixture(t)
		w := f.wallet(t)
		f.fund(t, w, 100)
		wd := f.withdrawals(nil)
		wd.Policy = nil
		tr := f.create(t, wd, out(w, 10))
		if _, _, err := wd.Advance(bg, f.tenant, tr.ID); sg.KindOf(err) != sg.KindInternal {
			t.Fatalf("Advance = %v; want an internal error", err)
		}
	})
}

// awaiting creates a withdrawal and has the policy ask for two approvals.
func (f *fixture) awaiting(t *testing.T, wd *Withdrawals, w sg.Wallet) sg.Transfer {
	t.Helper()
	wd.Policy = decision(sg.Decision{Outcome: sg.OutcomeNeedsApprovals, Approvals: 2, Wait: time.Hour})
	tr := f.create(t, wd, out(w, 10))
	got, _, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StateAwaitingApproval)
	return got
}

func (f *fixture) approve(t *testing.T, id, who string, yes bool) {
	t.Helper()
	a := sg.Approval{Approver: who, Approve: yes, At: f.clock.Now()}
	if err := f.st.AddApproval(bg, f.tenant, id, a, sg.JournalEntry{At: f.clock.Now(), Actor: who, Action: "withdrawal.vote", Subject: id}); err != nil {
		t.Fatal(err)
	}
}

func TestWithdrawalApprovals(t *testing.T) {
	t.Run("enough approvals approve it and queue it", func(t *testing.T) {
		f := newFixture(t)
		w := f.wallet(t)
		f.fund(t, w, 100)
		wd := f.withdrawals(nil)
		tr := f.awaiting(t, wd, w)
		f.approve(t, tr.ID, "bob", true)
		got, err := wd.SettleApprovals(bg, f.tenant, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantState(t, got, sg.StateAwaitingApproval) // one of two
		if got, _, err := wd.Advance(bg, f.tenant, tr.ID); err != nil || got.State != sg.StateAwaitingApproval {
			t.Fatalf("Advance while waiting = %s, %v", got.State, err)
		}
		f.approve(t, tr.ID, "carol", true)
		sent := len(f.queue.Sent())
		got, err = wd.SettleApprovals(bg, f.tenant, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantState(t, got, sg.StateApproved)
		if n := len(f.queue.Sent()); n != sent+1 {
			t.Fatalf("%d messages after approval; want %d (the approved payout queued)", n, sent+1)
		}
		if _, err := wd.SettleApprovals(bg, f.tenant, tr.ID); err != nil { // approved: queued again, harmless
			t.Fatal(err)
		}
		if n := len(f.queue.Sent()); n != sent+2 {
			t.Fatalf("%d messages after settling again; want %d", n, sent+2)
		}
	})
	t.Run("one refusal rejects it and voids the hold", func(t *testing.T) {
		f := newFixture(t)
		w := f.wallet(t)
		f.fund(t, w, 100)
		wd := f.withdrawals(nil)
		tr := f.awaiting(t, wd, w)
		f.approve(t, tr.ID, "bob", true)
		f.approve(t, tr.ID, "carol", false)
		got, err := wd.SettleApprovals(bg, f.tenant, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantState(t, got, sg.StateRejected)
		f.wantBalance(t, w, 100, 0)
		if got, err := wd.SettleApprovals(bg, f.tenant, tr.ID); err != nil || got.State != sg.StateRejected {
			t.Fatalf("settle a rejected one = %s, %v", got.State, err)
		}
	})
	t.Run("past the deadline it expires", func(t *testing.T) {
		f := newFixture(t)
		w := f.wallet(t)
		f.fund(t, w, 100)
		wd := f.withdrawals(nil)
		tr := f.awaiting(t, wd, w)
		if ok, err := wd.Expire(bg, tr); err != nil || ok {
			t.Fatalf("Expire before the deadline = %v, %v", ok, err)
		}
		f.clock.Add(time.Hour)
		if ok, err := wd.Expire(bg, f.state(t, tr.ID)); err != nil || !ok {
			t.Fatalf("Expire = %v, %v", ok, err)
		}
		wantState(t, f.state(t, tr.ID), sg.StateExpired)
		f.wantBalance(t, w, 100, 0)
		if ok, err := wd.Expire(bg, tr); err != nil || ok {
			t.Fatalf("Expire again (stale copy) = %v, %v; want nothing done", ok, err)
		}
	})
}

func TestWithdrawalCancel(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	wd := f.withdrawals(nil)
	tr := f.create(t, wd, out(w, 10))
	got, err := wd.Cancel(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StateCancelled)
	f.wantBalance(t, w, 100, 0)
	if again, err := wd.Cancel(bg, f.tenant, tr.ID); err != nil || again.State != sg.StateCancelled {
		t.Fatalf("cancel again = %s, %v; want it cancelled, no error", again.State, err)
	}
	f.wantBalance(t, w, 100, 0)

	b := f.wallet(t)
	it, err := f.svc.Transfer(bg, f.tenant, "int", "h", Internal{From: w.ID, To: b.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wd.Cancel(bg, f.tenant, it.Transfer.ID)
	wantErr(t, err, sg.ErrNotFound)
	_, err = wd.Cancel(bg, "another tenant", tr.ID)
	wantErr(t, err, sg.ErrNotFound)
}

// The nonce rule: once a payout holds a nonce of the hot address it is
// committed to its chain; neither a cancel nor the hold's expiry may void it
// (a nonce left without a transaction stalls every later payout).
func TestWithdrawalHoldingANonceCannotBeCancelledOrExpire(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	wd := f.withdrawals(nil)
	tr := f.create(t, wd, out(w, 10))
	got, _, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StateAwaitingSigner)
	// A signer took a nonce for it, then stopped before recording the signature.
	guard := &sg.NonceGuard{Tenant: f.tenant, TransferID: tr.ID, States: []sg.TransferState{sg.StateApproved, sg.StateAwaitingSigner}}
	if _, err := f.st.AllocateNonce(bg, sg.Ethereum, "0xhot", tr.ID, 0, sg.NonceClaim{}, guard); err != nil {
		t.Fatal(err)
	}
	held := f.state(t, tr.ID)
	if !held.NonceHeld {
		t.Fatal("the withdrawal does not show its nonce")
	}
	_, err = wd.Cancel(bg, f.tenant, tr.ID)
	wantErr(t, err, sg.ErrNotCancellable)
	f.clock.Add(DefaultHoldTTL + time.Hour)
	if ok, err := wd.Expire(bg, held); err != nil || ok {
		t.Fatalf("Expire = %v, %v; want nothing done", ok, err)
	}
	// Even a caller that read it before the nonce was taken cannot void it:
	// the store refuses the move.
	if ok, err := wd.Expire(bg, got); err != nil || ok {
		t.Fatalf("Expire(stale copy) = %v, %v; want nothing done", ok, err)
	}
	wantState(t, f.state(t, tr.ID), sg.StateAwaitingSigner)
	f.wantBalance(t, w, 88, 12)
}

func TestWithdrawalExpiresUnsigned(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	wd := f.withdrawals(nil)
	wd.HoldTTL = time.Hour
	tr := f.create(t, wd, out(w, 10))
	if ok, err := wd.Expire(bg, tr); err != nil || ok {
		t.Fatalf("Expire before its time = %v, %v", ok, err)
	}
	f.clock.Add(time.Hour)
	if ok, err := wd.Expire(bg, f.state(t, tr.ID)); err != nil || !ok {
		t.Fatalf("Expire = %v, %v", ok, err)
	}
	wantState(t, f.state(t, tr.ID), sg.StateExpired)
	f.wantBalance(t, w, 100, 0)
	if ok, err := wd.Expire(bg, tr); err != nil || ok {
		t.Fatalf("Expire (stale) = %v, %v; want nothing", ok, err)
	}
}

// A payout the chain cannot take now waits holding no nonce, shows why on
// its record, and may still be cancelled.
func TestWithdrawalWaitIsShownAndItStaysCancellable(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	p := f.payout()
	p.SignErr = sg.ErrHotWalletShort
	wd := f.withdrawals(p)
	tr := f.create(t, wd, out(w, 10))
	_, _, err := wd.Advance(bg, f.tenant, tr.ID)
	if !errors.Is(err, ErrCannotSendYet) {
		t.Fatalf("Advance = %v; want ErrCannotSendYet", err)
	}
	got := f.state(t, tr.ID)
	if got.Waiting == nil || got.Waiting.Code != sg.ErrHotWalletShort.Code || got.NonceHeld {
		t.Fatalf("waiting %+v, nonce held %v; want hot_wallet_short and no nonce", got.Waiting, got.NonceHeld)
	}
	since := got.Waiting.Since
	f.clock.Add(time.Minute)
	p.SignErr = sg.ErrPayoutWouldRevert
	if _, _, err := wd.Advance(bg, f.tenant, tr.ID); !errors.Is(err, ErrCannotSendYet) {
		t.Fatalf("Advance = %v", err)
	}
	if got := f.state(t, tr.ID); got.Waiting.Code != sg.ErrPayoutWouldRevert.Code || !got.Waiting.Since.Equal(since) {
		t.Fatalf("waiting %+v; want would_revert since %v", got.Waiting, since)
	}
	cancelled, err := wd.Cancel(bg, f.tenant, tr.ID)
	if err != nil || cancelled.State != sg.StateCancelled || cancelled.Waiting != nil {
		t.Fatalf("Cancel = %+v, %v", cancelled, err)
	}
	f.wantBalance(t, w, 100, 0)
}

// A freeze stops a payout at its next step and parks it; lifting the
// freeze lets it go on.
func TestWithdrawalStoppedByAFreezeGoesOnOnceLifted(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	f.fund(t, w, 100)
	p := f.payout()
	wd := f.withdrawals(p)
	tr := f.create(t, wd, out(w, 10))
	fr := f.freeze(t, sg.FreezeTenant, "")
	got, wait, err := wd.Advance(bg, f.tenant, tr.ID)
	if err != nil || wait {
		t.Fatalf("Advance under a freeze = %v, %v", wait, err)
	}
	wantState(t, got, sg.StatePending)
	parked, _ := f.st.Parked(bg, fr)
	if len(parked) != 1 || parked[0].ID != tr.ID {
		t.Fatalf("parked %v; want the payout", parked)
	}
	f.lift(t, fr)
	got, _, err = wd.Advance(bg, f.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StatePosted)
}

// Checks made at creation are made again at the policy step: a wallet
// frozen since, or a destination found to be the deployment's own.
func TestWithdrawalPendingStepChecksAgain(t *testing.T) {
	cases := []struct {
		name  string
		after func(f *fixture, w sg.Wallet, in Withdraw)
	}{
		{"the wallet was frozen", func(f *fixture, w sg.Wallet, _ Withdraw) { f.st.SetFrozen(f.tenant, w.ID, true) }},
		{"the destination became an own address", func(f *fixture, _ sg.Wallet, in Withdraw) {
			_ = f.st.RegisterOwn(bg, sg.Ethereum, in.ToAddress, "cold")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			w := f.wallet(t)
			f.fund(t, w, 100)
			wd := f.withdrawals(f.payout())
			in := out(w, 10)
			tr := f.create(t, wd, in)
			c.after(f, w, in)
			got, _, err := wd.Advance(bg, f.tenant, tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantState(t, got, sg.StateRejected)
			f.wantBalance(t, w, 100, 0)
		})
	}
}

func TestEnqueueNamesTheWithdrawal(t *testing.T) {
	f := newFixture(t)
	wd := f.withdrawals(nil)
	id := sg.NewKeyedID("txn", f.clock.Now(), f.tenant, OpWithdraw, "k")
	for i := 0; i < 2; i++ {
		if err := wd.Enqueue(bg, f.tenant, id); err != nil {
			t.Fatal(err)
		}
	}
	sent := f.queue.Sent()
	if len(sent) != 2 || sent[0].Group != sent[1].Group || sent[0].DedupID == sent[1].DedupID {
		t.Fatalf("sent %+v; want two messages in one group with fresh deduplication ids", sent)
	}
	var m Message
	if err := json.Unmarshal([]byte(sent[0].Body), &m); err != nil || m.ID != id || m.Tenant != f.tenant {
		t.Fatalf("body %s: %v", sent[0].Body, err)
	}
}
