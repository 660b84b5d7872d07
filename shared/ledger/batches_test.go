package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// batchChain stands in for a chain's batch adapter and its chain: a leg is
// signed once per job (as the hot wallet keeps it), sent, and executed
// once when mined, paying each member unless the token refuses its
// recipient. What the chain paid is counted per recipient, so a test sees
// anything paid twice.
type batchChain struct {
	mu      sync.Mutex
	signed  map[string]string   // job -> hash
	to      map[string][]string // job -> recipients, in order
	sent    map[string]bool
	mined   map[string][]bool // job -> paid per member
	refused map[string]bool   // recipients the token refuses
	paid    map[string]int    // recipient -> times paid
	signs   int
	// crash, if set, names a step the next call fails at after its effect
	// ("signed": kept, "broadcast": sent).
	crash string
	// wait, if set, is what SignBatch answers (a funding step pending).
	wait error
}

var errCrash = errors.New("test: process stopped")

func newBatchChain() *batchChain {
	return &batchChain{signed: map[string]string{}, to: map[string][]string{}, sent: map[string]bool{}, mined: map[string][]bool{},
		refused: map[string]bool{}, paid: map[string]int{}}
}

func (c *batchChain) SignBatch(_ context.Context, leg sg.BatchLeg, members []sg.BatchRow) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.signed[leg.Job]; ok {
		return h, nil
	}
	if c.wait != nil {
		return "", c.wait
	}
	c.signs++
	c.signed[leg.Job] = fmt.Sprintf("0xbatch-%s-%d", leg.Job, len(members))
	for _, m := range members {
		c.to[leg.Job] = append(c.to[leg.Job], m.ToAddress)
	}
	if c.crash == "signed" {
		c.crash = ""
		return "", errCrash
	}
	return c.signed[leg.Job], nil
}

func (c *batchChain) BroadcastBatch(_ context.Context, leg sg.BatchLeg) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.signed[leg.Job]; !ok {
		return errors.New("test: broadcast of a batch never signed")
	}
	c.sent[leg.Job] = true
	if c.crash == "broadcast" {
		c.crash = ""
		return errCrash
	}
	return nil
}

// mine executes every sent transaction not yet mined (once).
func (c *batchChain) mine() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for job := range c.sent {
		if _, ok := c.mined[job]; ok {
			continue
		}
		var paid []bool
		for _, to := range c.to[job] {
			ok := !c.refused[to]
			if ok {
				c.paid[to]++
			}
			paid = append(paid, ok)
		}
		c.mined[job] = paid
	}
}

func (c *batchChain) BatchOutcome(_ context.Context, leg sg.BatchLeg, members []sg.BatchRow) (sg.BatchOutcome, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	paid, ok := c.mined[leg.Job]
	if !ok {
		return sg.BatchOutcome{}, nil
	}
	if len(paid) != len(members) {
		return sg.BatchOutcome{}, fmt.Errorf("test: %d members, %d mined", len(members), len(paid))
	}
	for i, m := range members {
		if c.to[leg.Job][i] != m.ToAddress {
			return sg.BatchOutcome{}, fmt.Errorf("test: member %d is %s, the transaction paid %s", i, m.ToAddress, c.to[leg.Job][i])
		}
	}
	fees := make([]sg.Amount, len(paid))
	for i := range fees {
		fees[i] = 1
	}
	return sg.BatchOutcome{Confirmed: true, TxHash: c.signed[leg.Job], Paid: paid, Fees: fees, FeeWei: big.NewInt(int64(len(paid)))}, nil
}

// crashMover applies a transition and then fails, once, when it moves a
// transfer to crashAt: the process stopped right after the write.
type crashMover struct {
	sg.Mover
	mu      sync.Mutex
	crashAt sg.TransferState
}

func (m *crashMover) Transition(ctx context.Context, tenant, id string, mv sg.Move) error {
	if err := m.Mover.Transition(ctx, tenant, id, mv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashAt != "" && mv.To == m.crashAt {
		m.crashAt = ""
		return errCrash
	}
	return nil
}

// crashBatches writes a batch update and then fails, once, when the update
// moves it to crashAt.
type crashBatches struct {
	sg.PayoutBatches
	mu      sync.Mutex
	crashAt sg.PayoutBatchState
	// before: the next update fails without writing.
	before bool
}

func (c *crashBatches) UpdateBatch(ctx context.Context, b sg.PayoutBatch) error {
	c.mu.Lock()
	if c.before {
		c.before = false
		c.mu.Unlock()
		return errCrash
	}
	c.mu.Unlock()
	if err := c.PayoutBatches.UpdateBatch(ctx, b); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.crashAt != "" && b.State == c.crashAt {
		c.crashAt = ""
		return errCrash
	}
	return nil
}

type batchFixture struct {
	*fixture
	wd     *Withdrawals
	bs     *Batches
	chain  *batchChain
	single *chainPayout
	mover  *crashMover
	store  *crashBatches
}

func newBatchFixture(t *testing.T) *batchFixture {
	f := newFixture(t)
	bf := &batchFixture{fixture: f, chain: newBatchChain(), single: f.payout(), mover: &crashMover{Mover: f.st},
		store: &crashBatches{PayoutBatches: &memstore.PayoutBatches{}}}
	bf.wd = f.withdrawals(nil)
	bf.wd.Mover = bf.mover
	bf.bs = &Batches{W: bf.wd, Store: bf.store, Claims: f.st, Senders: map[sg.Chain]sg.BatchSender{sg.Ethereum: bf.chain}}
	bf.wd.Payouts[sg.Ethereum] = &BatchRouter{Single: bf.single, Batches: bf.bs, Sender: bf.chain}
	return bf
}

func (bf *batchFixture) request(w sg.Wallet, amounts ...sg.Amount) BatchIn {
	in := BatchIn{Wallet: w.ID, Asset: sg.USDT, RequestedBy: "alice"}
	for i, a := range amounts {
		in.Payouts = append(in.Payouts, BatchPayoutIn{Chain: sg.Ethereum, ToAddress: ethAddress(), Amount: a, Hash: fmt.Sprintf("row-%d-%d", i, a)})
	}
	return in
}

// settle runs the batch, mining what was sent, until it is done; a crash
// is a failed run, run again (as the queue redelivers the message).
func (bf *batchFixture) settle(t *testing.T, id string) sg.PayoutBatch {
	t.Helper()
	for i := 0; i < 20; i++ {
		b, err := bf.bs.Run(bg, bf.tenant, id)
		if err == nil && b.State == sg.BatchDone {
			return b
		}
		if err != nil && !errors.Is(err, errCrash) && !errors.Is(err, ErrBatchWaiting) && !errors.Is(err, ErrCannotSendYet) {
			t.Fatalf("Run: %v", err)
		}
		bf.chain.mine()
	}
	b, _ := bf.store.PayoutBatch(bg, bf.tenant, id)
	t.Fatalf("batch %s did not end: %s", id, b.State)
	return sg.PayoutBatch{}
}

// A batch pays its approved rows in one transaction: each row is its own
// withdrawal (its own key, hold and record), posted with its share of the
// network fee; a recipient the token refuses fails alone, named, with its
// hold voided, and nothing else is lost.
func TestBatchPaysRowsInOneTransactionAndReturnsARefusedOne(t *testing.T) {
	bf := newBatchFixture(t)
	w := bf.wallet(t)
	bf.fund(t, w, 1000)
	in := bf.request(w, 100, 200, 300)
	bf.chain.refused[in.Payouts[1].ToAddress] = true
	b, replayed, err := bf.bs.Create(bg, bf.tenant, "batch-1", "h", in)
	if err != nil || replayed {
		t.Fatalf("Create = %v, %v", replayed, err)
	}
	if m := messages(bf.queue); len(m) != 1 || !m[0].Batch || m[0].ID != b.ID {
		t.Fatalf("queued %+v; want one batch message and no single payouts", m)
	}
	bf.wantBalance(t, w, 1000-606, 606) // three holds of amount + fee 2
	sent := len(messages(bf.queue))
	b = bf.settle(t, b.ID)
	if n := len(messages(bf.queue)); n != sent {
		t.Fatalf("the batch's run queued %d messages; want none (no reminders from its own build)", n-sent)
	}
	if bf.chain.signs != 1 || len(b.Legs) != 1 || len(b.Legs[0].Members) != 3 {
		t.Fatalf("%d transactions signed for legs %+v; want 1 for 3 members", bf.chain.signs, b.Legs)
	}
	var refused sg.Transfer
	for i, r := range b.Rows {
		tr := bf.state(t, r.TransferID)
		if tr.BatchID != b.ID || tr.TxHash != b.Legs[0].TxHash {
			t.Fatalf("row %d: batch %q tx %q; want %s, %s", i, tr.BatchID, tr.TxHash, b.ID, b.Legs[0].TxHash)
		}
		if i == 1 {
			wantState(t, tr, sg.StateFailed)
			refused = tr
			continue
		}
		wantState(t, tr, sg.StatePosted)
		if tr.NetworkFee != 1 || tr.ChargedFee() != 1 {
			t.Fatalf("row %d: network fee %d charged %d; want its share, 1", i, tr.NetworkFee, tr.ChargedFee())
		}
	}
	if last := refused.Events[len(refused.Events)-1].Note; !strings.Contains(last, sg.ErrRecipientRefused.Code) {
		t.Fatalf("refused row's last note %q; want %s", last, sg.ErrRecipientRefused.Code)
	}
	// 100 + 300 paid with a fee of 1 each; the refused 200 and its fee back.
	bf.wantBalance(t, w, 1000-402, 0)
	if got := bf.system(t, sg.SysOutbound); got != 400 {
		t.Fatalf("outbound %d; want 400", got)
	}
	for _, p := range in.Payouts {
		if want := map[bool]int{true: 0, false: 1}[bf.chain.refused[p.ToAddress]]; bf.chain.paid[p.ToAddress] != want {
			t.Fatalf("%s paid %d times; want %d", p.ToAddress, bf.chain.paid[p.ToAddress], want)
		}
	}
	for _, m := range messages(bf.queue) {
		if !m.Batch {
			t.Fatalf("a row was queued as a single payout: %+v", m)
		}
	}
}

// A crash right after each step of a batch (built, signed, broadcast, a
// row confirmed, a row posted) is resumed from the records: every row ends
// in exactly one final state, the batch is signed once, and no recipient is
// paid twice.
func TestBatchCrashAtEachStepPaysOnce(t *testing.T) {
	steps := []struct {
		name string
		arm  func(bf *batchFixture)
	}{
		{"built: the members recorded", func(bf *batchFixture) { bf.store.crashAt = sg.BatchBuilt }},
		{"signed: the transaction kept, the batch not yet marked", func(bf *batchFixture) { bf.chain.crash = "signed" }},
		{"signed: the batch marked", func(bf *batchFixture) { bf.store.crashAt = sg.BatchSigned }},
		{"broadcast: sent, the batch not yet marked", func(bf *batchFixture) { bf.chain.crash = "broadcast" }},
		{"broadcast: the batch marked", func(bf *batchFixture) { bf.store.crashAt = sg.BatchBroadcast }},
		{"confirmed: a row confirmed", func(bf *batchFixture) { bf.mover.crashAt = sg.StateConfirmed }},
		{"posted: a row posted", func(bf *batchFixture) { bf.mover.crashAt = sg.StatePosted }},
		{"done: the batch marked", func(bf *batchFixture) { bf.store.crashAt = sg.BatchDone }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			bf := newBatchFixture(t)
			w := bf.wallet(t)
			bf.fund(t, w, 1000)
			in := bf.request(w, 10, 20, 30, 40)
			bf.chain.refused[in.Payouts[2].ToAddress] = true
			b, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", in)
			if err != nil {
				t.Fatal(err)
			}
			s.arm(bf)
			b = bf.settle(t, b.ID)
			if bf.store.crashAt != "" || bf.mover.crashAt != "" || bf.chain.crash != "" {
				t.Fatal("the process never stopped at the step")
			}
			if bf.chain.signs != 1 {
				t.Fatalf("signed %d transactions; want 1", bf.chain.signs)
			}
			for i, r := range b.Rows {
				tr := bf.state(t, r.TransferID)
				want := sg.StatePosted
				if i == 2 {
					want = sg.StateFailed
				}
				wantState(t, tr, want)
				finals := 0
				for _, e := range tr.Events {
					if e.State.Final() {
						finals++
					}
				}
				if finals != 1 {
					t.Fatalf("row %d ended %d times: %+v", i, finals, tr.Events)
				}
			}
			for _, p := range in.Payouts {
				if n := bf.chain.paid[p.ToAddress]; n > 1 {
					t.Fatalf("%s paid %d times", p.ToAddress, n)
				}
			}
			bf.wantBalance(t, w, 1000-(10+20+40)-3, 0)
			if got := bf.system(t, sg.SysOutbound); got != 70 {
				t.Fatalf("outbound %d; want 70", got)
			}
		})
	}
}

// The batch request's semantics: rows refused at creation are named per
// row and the others go on; a replay answers the same batch; the key with
// another body is refused; a member cannot be cancelled once the batch
// holds it, and a row waiting for approvals is left to be paid on its own.
func TestBatchCreateRowsAndReplays(t *testing.T) {
	bf := newBatchFixture(t)
	w := bf.wallet(t)
	bf.fund(t, w, 100)
	in := bf.request(w, 40, 500, 30)
	in.Payouts = append(in.Payouts, BatchPayoutIn{Chain: sg.Ethereum, ToAddress: "0xnope", Amount: 1, Code: "invalid_address", Message: "bad", Param: "to_address"})
	b, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", in)
	if err != nil {
		t.Fatal(err)
	}
	if b.Rows[1].Code != sg.ErrInsufficientFunds.Code || b.Rows[1].TransferID != "" || b.Rows[3].Code != "invalid_address" {
		t.Fatalf("rows %+v; want row 1 refused for funds and row 3 for its address", b.Rows)
	}
	if b.Rows[0].TransferID == "" || b.Rows[2].TransferID == "" {
		t.Fatalf("rows %+v; want rows 0 and 2 created", b.Rows)
	}
	// A row asked for by the single worker (a redrive, say) while the batch
	// is open waits for it and reminds its worker.
	if _, _, err := bf.wd.Advance(bg, bf.tenant, b.Rows[0].TransferID); !errors.Is(err, ErrCannotSendYet) {
		t.Fatalf("a row advanced alone = %v; want it to wait for its batch", err)
	}
	if got := bf.state(t, b.Rows[0].TransferID); got.Waiting == nil || got.Waiting.Code != sg.ErrBatchAssembling.Code {
		t.Fatalf("row waits for %+v; want %s", got.Waiting, sg.ErrBatchAssembling.Code)
	}
	if m := messages(bf.queue); len(m) != 2 || !m[1].Batch || m[1].ID != b.ID {
		t.Fatalf("queued %+v; want a reminder to build the batch", m)
	}
	again, replayed, err := bf.bs.Create(bg, bf.tenant, "k", "h", in)
	if err != nil || !replayed || again.ID != b.ID || again.Rows[0].TransferID != b.Rows[0].TransferID {
		t.Fatalf("replay = %+v, %v, %v", again, replayed, err)
	}
	bf.wantBalance(t, w, 100-74, 74)
	if _, _, err := bf.bs.Create(bg, bf.tenant, "k", "other", in); !errors.Is(err, sg.ErrIdempotencyKeyReused) {
		t.Fatalf("another body = %v; want idempotency_key_reused", err)
	}
	if _, _, err := bf.bs.Create(bg, bf.tenant, "k2", "h", BatchIn{Wallet: w.ID, Asset: sg.USDT}); !errors.Is(err, sg.ErrBatchEmpty) {
		t.Fatalf("empty = %v", err)
	}
	// Built: the members are committed to the batch's transaction.
	bf.chain.crash = "signed"
	if _, err := bf.bs.Run(bg, bf.tenant, b.ID); !errors.Is(err, errCrash) {
		t.Fatalf("Run = %v; want the injected stop after signing", err)
	}
	if _, err := bf.wd.Cancel(bg, bf.tenant, b.Rows[0].TransferID); !errors.Is(err, sg.ErrNotCancellable) {
		t.Fatalf("cancel of a member = %v; want not cancellable", err)
	}
	// Another tenant's batch is not found.
	if _, _, err := bf.bs.Batch(bg, "other", b.ID); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("other tenant = %v", err)
	}
}

// A request that stops after creating its rows but before recording them
// on the batch is finished by its retry: the rows are replayed by their
// keys, nothing is held twice, and the batch then pays each once.
func TestBatchCreateStoppedBeforeRecordingRows(t *testing.T) {
	bf := newBatchFixture(t)
	w := bf.wallet(t)
	bf.fund(t, w, 1000)
	in := bf.request(w, 100, 200)
	bf.store.before = true
	if _, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", in); !errors.Is(err, errCrash) {
		t.Fatalf("Create = %v; want the injected stop", err)
	}
	bf.wantBalance(t, w, 1000-304, 304)
	if _, err := bf.bs.Run(bg, bf.tenant, BatchID(bf.tenant, "k")); !errors.Is(err, ErrBatchWaiting) {
		t.Fatalf("Run of a batch whose rows are not recorded = %v; want it to wait", err)
	}
	b, replayed, err := bf.bs.Create(bg, bf.tenant, "k", "h", in)
	if err != nil || replayed {
		t.Fatalf("retry = %v, %v; want the rows recorded now", replayed, err)
	}
	bf.wantBalance(t, w, 1000-304, 304)
	b = bf.settle(t, b.ID)
	for _, r := range b.Rows {
		wantState(t, bf.state(t, r.TransferID), sg.StatePosted)
	}
	bf.wantBalance(t, w, 1000-302, 0)
}

// A row the policy sends for approvals is no member of the batch: the
// batch pays the others, and the row, once approved, is paid on its own.
func TestBatchRowAwaitingApprovalIsPaidAlone(t *testing.T) {
	bf := newBatchFixture(t)
	w := bf.wallet(t)
	bf.fund(t, w, 1000)
	in := bf.request(w, 10, 900)
	bf.wd.Policy = bigNeedsApproval{}
	b, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", in)
	if err != nil {
		t.Fatal(err)
	}
	b = bf.settle(t, b.ID)
	if len(b.Legs) != 1 || len(b.Legs[0].Members) != 1 || b.Legs[0].Members[0] != b.Rows[0].TransferID {
		t.Fatalf("legs %+v; want one paying only row 0", b.Legs)
	}
	wantState(t, bf.state(t, b.Rows[0].TransferID), sg.StatePosted)
	big := bf.state(t, b.Rows[1].TransferID)
	wantState(t, big, sg.StateAwaitingApproval)
	if err := bf.st.Transition(bg, bf.tenant, big.ID, sg.Move{From: sg.StateAwaitingApproval, To: sg.StateApproved, Event: sg.Event{State: sg.StateApproved, At: bf.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	got, _, err := bf.wd.Advance(bg, bf.tenant, big.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, got, sg.StatePosted)
	if got.TxHash != "0xsigned-"+big.ID {
		t.Fatalf("approved row paid by %q; want its own transaction", got.TxHash)
	}
}

func messages(q *memstore.Queue) []Message {
	var out []Message
	for _, m := range q.Sent() {
		var v Message
		if json.Unmarshal([]byte(m.Body), &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// bigNeedsApproval asks for one approval of payouts over 100.
type bigNeedsApproval struct{}

func (bigNeedsApproval) Evaluate(_ context.Context, t sg.Transfer) (sg.Decision, error) {
	if t.Amount > 100 {
		return sg.Decision{Outcome: sg.OutcomeNeedsApprovals, Approvals: 1, Wait: 24 * 3600 * 1e9}, nil
	}
	return sg.Decision{Outcome: sg.OutcomeApprove}, nil
}
