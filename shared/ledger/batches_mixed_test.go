package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A mixed batch: rows on Ethereum and on Tron from one wallet, each chain
// with its own batch sender (as chainfn wires MULTISEND_ETHEREUM and
// MULTISEND_TRON over one Batches service).

// legCrashes stops the process right after a write that moves one chain's
// leg to crashAt (the write kept), once.
type legCrashes struct {
	*crashBatches
	chain   sg.Chain
	crashAt sg.PayoutBatchState
}

func (c *legCrashes) UpdateBatch(ctx context.Context, b sg.PayoutBatch) error {
	before, _ := c.crashBatches.PayoutBatch(ctx, b.TenantID, b.ID)
	if err := c.crashBatches.UpdateBatch(ctx, b); err != nil {
		return err
	}
	if c.crashAt == "" {
		return nil
	}
	was := sg.BatchOpen
	for _, l := range before.Legs {
		if l.Chain == c.chain {
			was = l.State
		}
	}
	for _, l := range b.Legs {
		if l.Chain == c.chain && l.State == c.crashAt && was != c.crashAt {
			c.crashAt = ""
			return errCrash
		}
	}
	return nil
}

// rowCrashes stops the process right after a transition of one of only's
// transfers to crashAt, once.
type rowCrashes struct {
	sg.Mover
	crashAt sg.TransferState
	only    map[string]bool
}

func (m *rowCrashes) Transition(ctx context.Context, tenant, id string, mv sg.Move) error {
	if err := m.Mover.Transition(ctx, tenant, id, mv); err != nil {
		return err
	}
	if m.crashAt != "" && mv.To == m.crashAt && m.only[id] {
		m.crashAt = ""
		return errCrash
	}
	return nil
}

type mixedFixture struct {
	*fixture
	wd     *Withdrawals
	bs     *Batches
	chains map[sg.Chain]*batchChain
	store  *legCrashes
	mover  *rowCrashes
}

func newMixedFixture(t *testing.T) *mixedFixture {
	f := newFixture(t)
	mf := &mixedFixture{fixture: f, chains: map[sg.Chain]*batchChain{sg.Ethereum: newBatchChain(), sg.Tron: newBatchChain()},
		store: &legCrashes{crashBatches: &crashBatches{PayoutBatches: &memstore.PayoutBatches{}}}, mover: &rowCrashes{Mover: f.st}}
	mf.wd = f.withdrawals(nil)
	mf.wd.Mover = mf.mover
	mf.bs = &Batches{W: mf.wd, Store: mf.store, Claims: f.st, Senders: map[sg.Chain]sg.BatchSender{}}
	for c, ch := range mf.chains {
		mf.bs.Senders[c] = ch
		mf.wd.Payouts[c] = &BatchRouter{Single: f.payout(), Batches: mf.bs, Sender: ch}
	}
	return mf
}

func tronAddress() string { return "T" + randHex(16) }

// fundOn credits w's available balance on chain c.
func (mf *mixedFixture) fundOn(t *testing.T, w sg.Wallet, c sg.Chain, amount sg.Amount) {
	t.Helper()
	if _, err := mf.svc.CreditWallet(bg, mf.tenant, Credit{Wallet: w.ID, Chain: c, Asset: sg.USDT, Amount: amount, Ref: "fund-" + randHex(6)}); err != nil {
		t.Fatal(err)
	}
}

func (mf *mixedFixture) balanceOn(t *testing.T, w sg.Wallet, c sg.Chain) sg.Balance {
	t.Helper()
	b, err := mf.st.AccountBalance(bg, sg.WalletAccount(mf.tenant, w.ID, c, sg.USDT), w.Shards())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (mf *mixedFixture) outbound(t *testing.T, c sg.Chain) sg.Amount {
	t.Helper()
	b, err := mf.st.AccountBalance(bg, sg.SystemAccount(sg.SysOutbound, c, sg.USDT), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

// mixedRow is one row of a mixed request.
type mixedRow struct {
	chain  sg.Chain
	amount sg.Amount
}

func (mf *mixedFixture) request(w sg.Wallet, rows ...mixedRow) BatchIn {
	in := BatchIn{Wallet: w.ID, Asset: sg.USDT, RequestedBy: "alice"}
	for i, r := range rows {
		to := ethAddress()
		if r.chain == sg.Tron {
			to = tronAddress()
		}
		in.Payouts = append(in.Payouts, BatchPayoutIn{Chain: r.chain, ToAddress: to, Amount: r.amount, Hash: fmt.Sprintf("row-%d", i)})
	}
	return in
}

// settle runs the batch, mining what each chain was sent, until it is
// done; a crash is a failed run, run again (as the queue redelivers).
func (mf *mixedFixture) settle(t *testing.T, id string) sg.PayoutBatch {
	t.Helper()
	for i := 0; i < 30; i++ {
		b, err := mf.bs.Run(bg, mf.tenant, id)
		if err == nil && b.State == sg.BatchDone {
			return b
		}
		if err != nil && !errors.Is(err, errCrash) && !errors.Is(err, ErrBatchWaiting) && !errors.Is(err, ErrCannotSendYet) {
			t.Fatalf("Run: %v", err)
		}
		for _, ch := range mf.chains {
			ch.mine()
		}
	}
	b, _ := mf.store.PayoutBatch(bg, mf.tenant, id)
	t.Fatalf("batch %s did not end: %s %+v", id, b.State, b.Legs)
	return sg.PayoutBatch{}
}

// checkEnded asserts every row of b ended once in its wanted state (the
// refused rows failed, the others posted) by its own leg's transaction,
// each recipient paid at most once.
func (mf *mixedFixture) checkEnded(t *testing.T, b sg.PayoutBatch, in BatchIn, refused map[int]bool) {
	t.Helper()
	for i, r := range b.Rows {
		tr := mf.state(t, r.TransferID)
		want := sg.StatePosted
		if refused[i] {
			want = sg.StateFailed
		}
		wantState(t, tr, want)
		finals := 0
		for _, e := range tr.Events {
			if e.State.Final() {
				finals++
			}
		}
		leg, _, ok := b.Leg(tr.ID)
		if finals != 1 || !ok || leg.Chain != r.Chain || tr.TxHash != leg.TxHash {
			t.Fatalf("row %d (%s) ended %d times, tx %q, leg %+v", i, r.Chain, finals, tr.TxHash, leg)
		}
		if refused[i] && !strings.Contains(tr.Events[len(tr.Events)-1].Note, sg.ErrRecipientRefused.Code) {
			t.Fatalf("refused row %d: last note %q", i, tr.Events[len(tr.Events)-1].Note)
		}
		if !refused[i] && (tr.NetworkFee != 1 || tr.ChargedFee() != 1) {
			t.Fatalf("row %d: network fee %d charged %d; want its leg's share, 1", i, tr.NetworkFee, tr.ChargedFee())
		}
	}
	for _, p := range in.Payouts {
		want := 1
		if mf.chains[p.Chain].refused[p.ToAddress] {
			want = 0
		}
		if n := mf.chains[p.Chain].paid[p.ToAddress]; n != want {
			t.Fatalf("%s %s paid %d times; want %d", p.Chain, p.ToAddress, n, want)
		}
	}
	for c, ch := range mf.chains {
		if ch.signs != 1 {
			t.Fatalf("%s: %d transactions signed; want 1", c, ch.signs)
		}
	}
}

// A batch with rows on Ethereum and on Tron pays each chain's rows in one
// transaction of that chain: two legs, each row paid by its own chain's
// transaction with that leg's fee share, a refused Tron recipient's amount
// and fee back in the wallet, nothing paid one by one, and each chain's
// books charged exactly its paid rows.
func TestMixedBatchPaysEachChainInOneTransaction(t *testing.T) {
	mf := newMixedFixture(t)
	w := mf.wallet(t)
	mf.fundOn(t, w, sg.Ethereum, 1000)
	mf.fundOn(t, w, sg.Tron, 1000)
	in := mf.request(w, mixedRow{sg.Ethereum, 100}, mixedRow{sg.Tron, 200}, mixedRow{sg.Ethereum, 300}, mixedRow{sg.Tron, 50}, mixedRow{sg.Tron, 70})
	mf.chains[sg.Tron].refused[in.Payouts[3].ToAddress] = true
	b, _, err := mf.bs.Create(bg, mf.tenant, "mixed", "h", in)
	if err != nil {
		t.Fatal(err)
	}
	b = mf.settle(t, b.ID)
	if len(b.Legs) != 2 || b.Legs[0].Chain != sg.Ethereum || b.Legs[1].Chain != sg.Tron ||
		len(b.Legs[0].Members) != 2 || len(b.Legs[1].Members) != 3 || b.Legs[0].Job == b.Legs[1].Job {
		t.Fatalf("legs %+v; want an Ethereum leg of 2 and a Tron leg of 3, each its own job", b.Legs)
	}
	mf.checkEnded(t, b, in, map[int]bool{3: true})
	for _, m := range messages(mf.queue) {
		if !m.Batch {
			t.Fatalf("a row was queued as a single payout: %+v", m)
		}
	}
	if got := mf.balanceOn(t, w, sg.Ethereum); got.Available != 1000-402 || got.Held != 0 {
		t.Fatalf("Ethereum balance %+v; want %d available", got, 1000-402)
	}
	if got := mf.balanceOn(t, w, sg.Tron); got.Available != 1000-272 || got.Held != 0 {
		t.Fatalf("Tron balance %+v; want %d available (the refused 50 and its fee back)", got, 1000-272)
	}
	if e, tr := mf.outbound(t, sg.Ethereum), mf.outbound(t, sg.Tron); e != 400 || tr != 270 {
		t.Fatalf("outbound Ethereum %d, Tron %d; want 400, 270", e, tr)
	}
}

// A crash right after each step of either leg (built, signed, broadcast,
// a row confirmed, a row posted, the leg done) is resumed from the
// records: every row ends in exactly one final state by its own chain's
// one transaction, and no recipient is paid twice.
func TestMixedBatchCrashAtEachStepOfEachLeg(t *testing.T) {
	type step struct {
		name string
		arm  func(mf *mixedFixture, c sg.Chain, rows map[sg.Chain]map[string]bool)
	}
	perLeg := []step{
		{"signed: the transaction kept, the leg not yet marked", func(mf *mixedFixture, c sg.Chain, _ map[sg.Chain]map[string]bool) {
			mf.chains[c].crash = "signed"
		}},
		{"signed: the leg marked", func(mf *mixedFixture, c sg.Chain, _ map[sg.Chain]map[string]bool) {
			mf.store.chain, mf.store.crashAt = c, sg.BatchSigned
		}},
		{"broadcast: sent, the leg not yet marked", func(mf *mixedFixture, c sg.Chain, _ map[sg.Chain]map[string]bool) {
			mf.chains[c].crash = "broadcast"
		}},
		{"broadcast: the leg marked", func(mf *mixedFixture, c sg.Chain, _ map[sg.Chain]map[string]bool) {
			mf.store.chain, mf.store.crashAt = c, sg.BatchBroadcast
		}},
		{"confirmed: a row confirmed", func(mf *mixedFixture, c sg.Chain, rows map[sg.Chain]map[string]bool) {
			mf.mover.only, mf.mover.crashAt = rows[c], sg.StateConfirmed
		}},
		{"posted: a row posted", func(mf *mixedFixture, c sg.Chain, rows map[sg.Chain]map[string]bool) {
			mf.mover.only, mf.mover.crashAt = rows[c], sg.StatePosted
		}},
		{"done: the leg marked", func(mf *mixedFixture, c sg.Chain, _ map[sg.Chain]map[string]bool) {
			mf.store.chain, mf.store.crashAt = c, sg.BatchDone
		}},
	}
	steps := []struct {
		name  string
		chain sg.Chain
		arm   func(mf *mixedFixture, c sg.Chain, rows map[sg.Chain]map[string]bool)
	}{{"built: both legs recorded", "", func(mf *mixedFixture, _ sg.Chain, _ map[sg.Chain]map[string]bool) {
		mf.store.crashBatches.crashAt = sg.BatchBuilt
	}}}
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		for _, s := range perLeg {
			steps = append(steps, struct {
				name  string
				chain sg.Chain
				arm   func(mf *mixedFixture, c sg.Chain, rows map[sg.Chain]map[string]bool)
			}{string(c) + " " + s.name, c, s.arm})
		}
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			mf := newMixedFixture(t)
			w := mf.wallet(t)
			mf.fundOn(t, w, sg.Ethereum, 1000)
			mf.fundOn(t, w, sg.Tron, 1000)
			in := mf.request(w, mixedRow{sg.Tron, 10}, mixedRow{sg.Ethereum, 20}, mixedRow{sg.Tron, 30}, mixedRow{sg.Ethereum, 40}, mixedRow{sg.Ethereum, 5})
			mf.chains[sg.Ethereum].refused[in.Payouts[3].ToAddress] = true
			mf.chains[sg.Tron].refused[in.Payouts[2].ToAddress] = true
			b, _, err := mf.bs.Create(bg, mf.tenant, "k", "h", in)
			if err != nil {
				t.Fatal(err)
			}
			rows := map[sg.Chain]map[string]bool{sg.Ethereum: {}, sg.Tron: {}}
			for _, r := range b.Rows {
				rows[r.Chain][r.TransferID] = true
			}
			s.arm(mf, s.chain, rows)
			b = mf.settle(t, b.ID)
			if mf.store.crashAt != "" || mf.store.crashBatches.crashAt != "" || mf.mover.crashAt != "" ||
				mf.chains[sg.Ethereum].crash != "" || mf.chains[sg.Tron].crash != "" {
				t.Fatal("the process never stopped at the step")
			}
			mf.checkEnded(t, b, in, map[int]bool{2: true, 3: true})
			if e, tr := mf.balanceOn(t, w, sg.Ethereum), mf.balanceOn(t, w, sg.Tron); e.Available != 1000-27 || e.Held != 0 || tr.Available != 1000-11 || tr.Held != 0 {
				t.Fatalf("balances Ethereum %+v, Tron %+v; want %d and %d available", e, tr, 1000-27, 1000-11)
			}
			if e, tr := mf.outbound(t, sg.Ethereum), mf.outbound(t, sg.Tron); e != 25 || tr != 10 {
				t.Fatalf("outbound Ethereum %d, Tron %d; want 25, 10", e, tr)
			}
		})
	}
}

// A leg that must wait (Ethereum's one funding approval not yet confirmed)
// does not hold the other back: the Tron leg is signed, sent and paid
// while the Ethereum rows wait, assembling, and are then paid by their own
// one transaction. Members of either leg cannot be cancelled once built.
func TestMixedBatchWaitingLegDoesNotHoldTheOther(t *testing.T) {
	mf := newMixedFixture(t)
	w := mf.wallet(t)
	mf.fundOn(t, w, sg.Ethereum, 1000)
	mf.fundOn(t, w, sg.Tron, 1000)
	in := mf.request(w, mixedRow{sg.Ethereum, 100}, mixedRow{sg.Tron, 200}, mixedRow{sg.Tron, 300})
	b, _, err := mf.bs.Create(bg, mf.tenant, "k", "h", in)
	if err != nil {
		t.Fatal(err)
	}
	mf.chains[sg.Ethereum].wait = sg.ErrBatchAssembling.WithMessage("the hot wallet's approval of the Multisend contract waits for its confirmations")
	for i := 0; i < 5; i++ {
		if _, err := mf.bs.Run(bg, mf.tenant, b.ID); !errors.Is(err, ErrCannotSendYet) && !errors.Is(err, ErrBatchWaiting) {
			t.Fatalf("Run with the Ethereum leg waiting = %v; want it to wait", err)
		}
		mf.chains[sg.Tron].mine()
	}
	for _, i := range []int{1, 2} {
		wantState(t, mf.state(t, b.Rows[i].TransferID), sg.StatePosted)
	}
	eth := mf.state(t, b.Rows[0].TransferID)
	if eth.State.Final() || eth.TxHash != "" {
		t.Fatalf("the waiting Ethereum row is %s with tx %q; want it unsigned", eth.State, eth.TxHash)
	}
	if _, err := mf.wd.Cancel(bg, mf.tenant, eth.ID); !errors.Is(err, sg.ErrNotCancellable) {
		t.Fatalf("cancel of a built leg's member = %v; want not cancellable", err)
	}
	got, err := mf.store.PayoutBatch(bg, mf.tenant, b.ID)
	if err != nil || got.State != sg.BatchBuilt || got.Legs[0].State != sg.BatchBuilt || got.Legs[1].State != sg.BatchDone {
		t.Fatalf("batch %s legs %+v (%v); want built, Ethereum built and Tron done", got.State, got.Legs, err)
	}
	mf.chains[sg.Ethereum].wait = nil
	b = mf.settle(t, b.ID)
	mf.checkEnded(t, b, in, nil)
}
