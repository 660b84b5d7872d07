package tests

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/queue"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// stepFaultDB fails the failAt-th transaction it sees, before or after
// running it: a worker stopped just before, or just after, one write.
type stepFaultDB struct {
	dynamo.DB
	failAt int64
	after  bool
	n      atomic.Int64
}

func (f *stepFaultDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if f.n.Add(1) != f.failAt {
		return f.DB.TransactWriteItems(ctx, in, o...)
	}
	if !f.after {
		return nil, errInjected
	}
	if out, err := f.DB.TransactWriteItems(ctx, in, o...); err != nil {
		return out, err
	}
	return nil, errInjected
}

// chainDouble stands in for the chain signer of the chains issue: it signs
// deterministically, counts broadcasts and confirms with a known fee. It is
// the pipeline's test double, not a claim that signing works.
type chainDouble struct {
	broadcasts atomic.Int64
	fee        sg.Amount
}

func (c *chainDouble) Sign(_ context.Context, t sg.Transfer) (string, error) {
	return "0x" + strings.Repeat("ab", 16) + t.ID[len(t.ID)-16:], nil
}
func (c *chainDouble) Broadcast(context.Context, sg.Transfer) error { c.broadcasts.Add(1); return nil }
func (c *chainDouble) Receipt(context.Context, sg.Transfer) (ledger.Receipt, error) {
	return ledger.Receipt{Confirmed: true, Fee: c.fee}, nil
}

// testQueue makes a FIFO queue of the test's own in the SQS emulator.
func testQueue(t *testing.T) *queue.FIFO {
	stack(t)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := sqs.NewFromConfig(cfg)
	name := "test-" + randHex(6) + ".fifo"
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: &name, Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	return &queue.FIFO{Client: c, URL: *out.QueueUrl}
}

func pipeline(t *testing.T, db dynamo.DB, q *queue.FIFO, payout ledger.Payout) *ledger.Withdrawals {
	return pipelineOn(t, db, q, sg.Ethereum, payout)
}

// pipelineOn is the withdrawal pipeline with payout as chain c's signer.
func pipelineOn(t *testing.T, db dynamo.DB, q *queue.FIFO, c sg.Chain, payout ledger.Payout) *ledger.Withdrawals {
	l, st := simLedgerOn(t, db)
	payouts := map[sg.Chain]ledger.Payout{}
	if payout != nil {
		payouts[c] = payout
	}
	return &ledger.Withdrawals{Service: l, Mover: st.Ledger, Queue: q, Policy: ledger.AllowAll{}, Payouts: payouts,
		Fee: func(sg.Chain) sg.Amount { return 2_500_000 }}
}

func systemBalance(t *testing.T, st *dynamo.Store, name string) sg.Amount {
	b, err := st.Ledger.AccountBalance(context.Background(), sg.SystemAccount(name, sg.Ethereum, sg.USDT), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

// A worker stopped before and after each write of the withdrawal state
// machine, then restarted, brings every withdrawal to exactly one final
// state, with its hold posted once (with the real fee) and nothing left held.
func TestWithdrawalWorkerStoppedAtEveryStep(t *testing.T) {
	q := testQueue(t)
	clean, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	const steps = 5 // approved, signed, broadcast, confirmed, posted
	for step := int64(1); step <= steps; step++ {
		for _, after := range []bool{false, true} {
			name := fmt.Sprintf("stopped %s write %d", map[bool]string{false: "before", true: "after"}[after], step)
			t.Run(name, func(t *testing.T) {
				wallet := seedWallets(t, st, clean, ten, 1, false, "")[0]
				fund(t, clean, ten, wallet, sg.Ethereum, "100")
				chain := &chainDouble{fee: 1_200_000}
				setup := pipeline(t, rawDB(t), q, chain)
				r, err := setup.Create(context.Background(), ten, "w-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: 40_000_000})
				if err != nil {
					t.Fatal(err)
				}
				outBefore, feesBefore := systemBalance(t, st, sg.SysOutbound), systemBalance(t, st, sg.SysFees)

				crashing := pipeline(t, &stepFaultDB{DB: rawDB(t), failAt: step, after: after}, q, chain)
				if _, _, err := crashing.Advance(context.Background(), ten, r.Transfer.ID); !errors.Is(err, errInjected) {
					t.Fatalf("the worker did not stop at write %d: %v", step, err)
				}
				restarted := pipeline(t, rawDB(t), q, chain)
				// The message is delivered again, perhaps twice at once.
				var wg sync.WaitGroup
				for range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, _, err := restarted.Advance(context.Background(), ten, r.Transfer.ID); err != nil {
							t.Errorf("restart: %v", err)
						}
					}()
				}
				wg.Wait()
				got, err := st.Ledger.Transfer(context.Background(), ten, r.Transfer.ID)
				if err != nil {
					t.Fatal(err)
				}
				var states []string
				for _, e := range got.Events {
					states = append(states, string(e.State))
				}
				if got.State != sg.StatePosted || strings.Join(states, ",") != "pending,approved,signed,broadcast,confirmed,posted" {
					t.Fatalf("state %s, events %v", got.State, states)
				}
				b, _ := st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
				if b.Held != 0 || b.Available != 100_000_000-40_000_000-1_200_000 {
					t.Fatalf("hold not posted exactly once: %+v", b)
				}
				if d := systemBalance(t, st, sg.SysOutbound) - outBefore; d != 40_000_000 {
					t.Fatalf("outbound moved %s; want 40", d)
				}
				if d := systemBalance(t, st, sg.SysFees) - feesBefore; d != 1_200_000 {
					t.Fatalf("fees moved %s; want the real fee 1.2", d)
				}
				if got.NetworkFee != 1_200_000 || got.TxHash == "" {
					t.Fatalf("record lacks fee or hash: %+v", got)
				}
			})
		}
	}
}

// A withdrawal cancelled while a worker is stopped mid-way, or by two
// requests at once, ends cancelled once with its hold voided once; one
// rejected by policy ends rejected.
func TestWithdrawalCancelAndRejectUnderFaults(t *testing.T) {
	q := testQueue(t)
	clean, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	for _, after := range []bool{false, true} {
		wallet := seedWallets(t, st, clean, ten, 1, false, "")[0]
		fund(t, clean, ten, wallet, sg.Ethereum, "50")
		w := pipeline(t, rawDB(t), q, nil)
		r, err := w.Create(context.Background(), ten, "c-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: 10_000_000})
		if err != nil {
			t.Fatal(err)
		}
		if got, _, err := w.Advance(context.Background(), ten, r.Transfer.ID); err != nil || got.State != sg.StateAwaitingSigner {
			t.Fatalf("advance without signer: %s %v", got.State, err)
		}
		crashing := pipeline(t, &stepFaultDB{DB: rawDB(t), failAt: 1, after: after}, q, nil)
		if _, err := crashing.Cancel(context.Background(), ten, r.Transfer.ID); !errors.Is(err, errInjected) {
			t.Fatalf("cancel did not stop: %v", err)
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got, err := w.Cancel(context.Background(), ten, r.Transfer.ID); err != nil || got.State != sg.StateCancelled {
					t.Errorf("cancel: %s %v", got.State, err)
				}
			}()
		}
		wg.Wait()
		b, _ := st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
		got, _ := st.Ledger.Transfer(context.Background(), ten, r.Transfer.ID)
		if b.Held != 0 || b.Available != 50_000_000 || len(got.Events) != 4 {
			t.Fatalf("after cancel (stopped after=%v): %+v, %d events", after, b, len(got.Events))
		}
	}
	// Policy rejection voids the hold.
	wallet := seedWallets(t, st, clean, ten, 1, false, "")[0]
	fund(t, clean, ten, wallet, sg.Ethereum, "50")
	w := pipeline(t, rawDB(t), q, nil)
	w.Policy = denyAll{}
	r, err := w.Create(context.Background(), ten, "r-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := w.Advance(context.Background(), ten, r.Transfer.ID)
	b, _ := st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
	if err != nil || got.State != sg.StateRejected || b.Held != 0 || b.Available != 50_000_000 {
		t.Fatalf("rejection: %s %v %+v", got.State, err, b)
	}
	if _, err := w.Cancel(context.Background(), ten, r.Transfer.ID); !errors.Is(err, sg.ErrNotCancellable) {
		t.Fatalf("cancel of a rejected withdrawal: %v", err)
	}
}

type denyAll struct{}

func (denyAll) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{"over the daily limit"}}, nil
}

// A hold left unsigned past its expiry is voided once by the sweep.
func TestUnsignedHoldsExpire(t *testing.T) {
	q := testQueue(t)
	clean, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	wallet := seedWallets(t, st, clean, ten, 1, false, "")[0]
	fund(t, clean, ten, wallet, sg.Ethereum, "30")
	w := pipeline(t, rawDB(t), q, nil)
	w.HoldTTL = time.Hour
	r, err := w.Create(context.Background(), ten, "x-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Advance(context.Background(), ten, r.Transfer.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := pipefn.ExpireHolds(context.Background(), w, st, time.Now()); err != nil || n != 0 {
		t.Fatalf("expired early: %d %v", n, err)
	}
	later := time.Now().Add(2 * time.Hour)
	w.Now = func() time.Time { return later }
	n, err := pipefn.ExpireHolds(context.Background(), w, st, later)
	if err != nil || n < 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	got, _ := st.Ledger.Transfer(context.Background(), ten, r.Transfer.ID)
	b, _ := st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
	if got.State != sg.StateExpired || b.Held != 0 || b.Available != 30_000_000 {
		t.Fatalf("after expiry: %s %+v", got.State, b)
	}
	if ok, err := w.Expire(context.Background(), got); ok || err != nil {
		t.Fatalf("expired twice: %v %v", ok, err)
	}
}
