package tron_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tron batches through the real pipeline (ledger.Batches and the batch
// router, as chainfn wires them with MULTISEND_TRON) over the in-memory
// store, with the Tron batch sender against the stand-in chain.

var errCrash = errors.New("test: process stopped")

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
	crashAt sg.PayoutBatchState
}

func (c *crashBatches) UpdateBatch(ctx context.Context, b sg.PayoutBatch) error {
	if err := c.PayoutBatches.UpdateBatch(ctx, b); err != nil {
		return err
	}
	if c.crashAt != "" && b.State == c.crashAt {
		c.crashAt = ""
		return errCrash
	}
	return nil
}

// crashSender stops the process right after the sender's step named by
// crash (its effect done: the transaction kept, or sent).
type crashSender struct {
	sg.BatchSender
	crash string
}

func (c *crashSender) SignBatch(ctx context.Context, leg sg.BatchLeg, m []sg.BatchRow) (string, error) {
	h, err := c.BatchSender.SignBatch(ctx, leg, m)
	if err == nil && c.crash == "signed" {
		c.crash = ""
		return "", errCrash
	}
	return h, err
}

func (c *crashSender) BroadcastBatch(ctx context.Context, leg sg.BatchLeg) error {
	err := c.BatchSender.BroadcastBatch(ctx, leg)
	if err == nil && c.crash == "broadcast" {
		c.crash = ""
		return errCrash
	}
	return err
}

type pipelineWorld struct {
	*batchWorld
	st     *memstore.Store
	svc    *ledger.Service
	bs     *ledger.Batches
	mover  *crashMover
	store  *crashBatches
	sender *crashSender
	tenant string
}

func newPipelineWorld(t *testing.T) *pipelineWorld {
	w := &pipelineWorld{batchWorld: newBatchWorld(t), st: memstore.New(), tenant: "acme"}
	w.svc = &ledger.Service{Store: w.st, Wallets: w.st, Now: time.Now}
	w.mover = &crashMover{Mover: w.st}
	w.store = &crashBatches{PayoutBatches: &memstore.PayoutBatches{}}
	w.sender = &crashSender{BatchSender: w.bp}
	w.send.Store = w.st
	wd := &ledger.Withdrawals{Service: w.svc, Mover: w.mover, Queue: &memstore.Queue{}, Policy: ledger.AllowAll{}, Freezes: w.st, Quotes: w.st,
		Destinations: w.st, Waits: w.st, Fee: func(sg.Chain) sg.Amount { return 2_000_000 }, Payouts: map[sg.Chain]ledger.Payout{}}
	w.bs = &ledger.Batches{W: wd, Store: w.store, Claims: w.st, Senders: map[sg.Chain]sg.BatchSender{sg.Tron: w.sender}}
	single := &tron.Payout{Send: w.send, Token: w.fx.Token, FeeInAsset: w.bp.FeeInAsset}
	wd.Payouts[sg.Tron] = &ledger.BatchRouter{Single: single, Batches: w.bs, Sender: w.sender}
	return w
}

// wallet creates a funded wallet of the tenant.
func (w *pipelineWorld) wallet(t *testing.T, amount sg.Amount) sg.Wallet {
	t.Helper()
	ctx := context.Background()
	idx, _ := w.st.NextIndex(ctx)
	wal := sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: w.tenant, CustomerRef: "c", Index: idx, CreatedAt: time.Now()}
	if err := w.st.CreateWallet(ctx, wal, sg.Idempotency{TenantID: w.tenant, Operation: "wallets.create", Key: wal.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreditWallet(ctx, w.tenant, ledger.Credit{Wallet: wal.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: amount, Ref: "fund-" + wal.ID}); err != nil {
		t.Fatal(err)
	}
	return wal
}

// settle runs the batch, mining and solidifying what was sent, until it is
// done; a crash is a failed run, run again (as the queue redelivers).
func (w *pipelineWorld) settle(t *testing.T, id string) sg.PayoutBatch {
	t.Helper()
	for i := 0; i < 20; i++ {
		b, err := w.bs.Run(context.Background(), w.tenant, id)
		if err == nil && b.State == sg.BatchDone {
			return b
		}
		if err != nil && !errors.Is(err, errCrash) && !errors.Is(err, ledger.ErrBatchWaiting) && !errors.Is(err, ledger.ErrCannotSendYet) {
			t.Fatalf("Run: %v", err)
		}
		w.fx.Mine(tronfix.SolidifyDepth + 1)
	}
	b, _ := w.store.PayoutBatch(context.Background(), w.tenant, id)
	t.Fatalf("batch %s did not end: %s", id, b.State)
	return sg.PayoutBatch{}
}

// A crash right after each step of a Tron batch (built, signed, broadcast,
// a row confirmed, a row posted, done) is resumed from the records: every
// row ends in exactly one final state, one batch transaction is signed and
// taken, the refused recipient's amount and fee are back in the wallet,
// nobody is paid twice, and the wallet is charged exactly the paid rows'
// amounts and fee shares.
func TestTronBatchThroughThePipelineCrashAtEachStep(t *testing.T) {
	steps := []struct {
		name string
		arm  func(w *pipelineWorld)
	}{
		{"built: the members recorded", func(w *pipelineWorld) { w.store.crashAt = sg.BatchBuilt }},
		{"signed: the transaction kept, the batch not yet marked", func(w *pipelineWorld) { w.sender.crash = "signed" }},
		{"signed: the batch marked", func(w *pipelineWorld) { w.store.crashAt = sg.BatchSigned }},
		{"broadcast: sent, the batch not yet marked", func(w *pipelineWorld) { w.sender.crash = "broadcast" }},
		{"broadcast: the batch marked", func(w *pipelineWorld) { w.store.crashAt = sg.BatchBroadcast }},
		{"confirmed: a row confirmed", func(w *pipelineWorld) { w.mover.crashAt = sg.StateConfirmed }},
		{"posted: a row posted", func(w *pipelineWorld) { w.mover.crashAt = sg.StatePosted }},
		{"done: the batch marked", func(w *pipelineWorld) { w.store.crashAt = sg.BatchDone }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			w := newPipelineWorld(t)
			wal := w.wallet(t, 100_000_000)
			rows, to := members(4, strings.ReplaceAll(s.name, " ", "-"))
			const refused = 2
			w.fx.RefuseRecipient(to[refused], true)
			in := ledger.BatchIn{Wallet: wal.ID, Asset: sg.USDT, RequestedBy: "alice"}
			for i, r := range rows {
				in.Payouts = append(in.Payouts, ledger.BatchPayoutIn{Chain: sg.Tron, ToAddress: r.ToAddress, Amount: r.Amount, Hash: fmt.Sprint(i)})
			}
			b, _, err := w.bs.Create(ctx, w.tenant, "k", "h", in)
			if err != nil {
				t.Fatal(err)
			}
			s.arm(w)
			b = w.settle(t, b.ID)
			if w.store.crashAt != "" || w.mover.crashAt != "" || w.sender.crash != "" {
				t.Fatal("the process never stopped at the step")
			}
			if w.signs != 2 { // the Multisend's one approval, the batch
				t.Fatalf("%d signatures; want the approval's and the batch's", w.signs)
			}
			var charged sg.Amount
			for i, r := range b.Rows {
				tr, err := w.st.Transfer(ctx, w.tenant, r.TransferID)
				if err != nil {
					t.Fatal(err)
				}
				want := sg.StatePosted
				if i == refused {
					want = sg.StateFailed
				}
				finals := 0
				for _, e := range tr.Events {
					if e.State.Final() {
						finals++
					}
				}
				if len(b.Legs) != 1 || tr.State != want || finals != 1 || tr.TxHash != b.Legs[0].TxHash {
					t.Fatalf("row %d: %s, ended %d times, tx %s (legs %+v): %+v", i, tr.State, finals, tr.TxHash, b.Legs, tr.Events)
				}
				got := w.fx.BalanceOf(to[i]).Int64()
				if i == refused {
					if got != 0 || !strings.Contains(tr.Events[len(tr.Events)-1].Note, sg.ErrRecipientRefused.Code) {
						t.Fatalf("refused row: recipient holds %d, last note %q", got, tr.Events[len(tr.Events)-1].Note)
					}
					continue
				}
				if got != int64(r.Amount) || tr.NetworkFee <= 0 {
					t.Fatalf("row %d: recipient holds %d of %d, network fee %d", i, got, r.Amount, tr.NetworkFee)
				}
				charged += r.Amount + tr.ChargedFee()
			}
			bal, err := w.st.AccountBalance(ctx, sg.WalletAccount(w.tenant, wal.ID, sg.Tron, sg.USDT), wal.Shards())
			if err != nil || bal.Held != 0 || bal.Available != 100_000_000-charged {
				t.Fatalf("wallet %+v (%v); want %d available, nothing held", bal, err, 100_000_000-charged)
			}
		})
	}
}
