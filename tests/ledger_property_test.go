package tests

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type faultKey struct{}

var errInjected = errors.New("injected fault")

// faultDB wraps the real table. A context carrying faultKey "before" fails a
// transaction without running it (a crash before the write); "after" runs it
// and then fails (the write happened but the answer was lost, as when a
// Lambda times out or its process dies).
type faultDB struct {
	dynamo.DB
	injected atomic.Int64
}

func (f *faultDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	switch ctx.Value(faultKey{}) {
	case "before":
		f.injected.Add(1)
		return nil, errInjected
	case "after":
		out, err := f.DB.TransactWriteItems(ctx, in, o...)
		if err != nil {
			return out, err
		}
		f.injected.Add(1)
		return nil, errInjected
	}
	return f.DB.TransactWriteItems(ctx, in, o...)
}

// seedWallets writes n wallets straight to the table (the ledger needs no
// deposit addresses) and funds each on Tron.
func seedWallets(t *testing.T, st *dynamo.Store, l *ledger.Service, tenant string, n int, highVolume bool, fundEach string) []string {
	ids := make([]string, n)
	for i := range ids {
		now := time.Now()
		w := sg.Wallet{ID: sg.NewID("wal", now), TenantID: tenant, CustomerRef: fmt.Sprint(i), CreatedAt: now, HighVolume: highVolume}
		if err := st.Wallets.CreateWallet(context.Background(), w, sg.Idempotency{TenantID: tenant, Operation: "test.seed", Key: w.ID, Status: 201}); err != nil {
			t.Fatal(err)
		}
		if fundEach != "" {
			fund(t, l, tenant, w.ID, sg.Tron, fundEach)
		}
		ids[i] = w.ID
	}
	return ids
}

// Thousands of random transfers among a few hundred accounts from many
// goroutines, with duplicate submissions, lost answers, crashes before the
// write and redelivered requests mixed in, leave the total conserved, no
// balance negative and every key applied exactly once.
func TestLedgerConcurrencyProperty(t *testing.T) {
	fdb := &faultDB{DB: rawDB(t)}
	l, st := ledgerOn(t, fdb)
	ten := tenant()
	const accounts, ops, workers = 200, 3000, 16
	const start = 1000_000000
	ids := seedWallets(t, st, l, ten, accounts, false, "1000")

	type op struct {
		key      string
		in       ledger.Internal
		scenario string
	}
	rng := rand.New(rand.NewPCG(42, 7))
	all := make([]op, ops)
	for i := range all {
		from := rng.IntN(accounts)
		to := (from + 1 + rng.IntN(accounts-1)) % accounts
		scen := []string{"plain", "plain", "plain", "duplicate", "lost-answer", "crash-before", "redelivered"}[rng.IntN(7)]
		all[i] = op{fmt.Sprintf("op-%d", i), ledger.Internal{From: ids[from], To: ids[to], Chain: sg.Tron, Asset: sg.USDT,
			Amount: sg.Amount(1+rng.IntN(400)) * 1_000_000, Memo: "p"}, scen}
	}
	hash := func(o op) string { return fmt.Sprintf("%s>%s:%d", o.in.From, o.in.To, o.in.Amount) }
	// submit retries a request until it gets a business answer, as a client
	// (or SQS redelivery) would after a fault.
	submit := func(ctx context.Context, o op) (ledger.Result, error) {
		for attempt := 0; ; attempt++ {
			r, err := l.Transfer(ctx, ten, o.key, hash(o), o.in)
			k := sg.KindOf(err)
			if err == nil || (k != sg.KindInternal && k != sg.KindUnavailable && !errors.Is(err, sg.ErrIdempotencyInProgress)) || attempt > 10 {
				return r, err
			}
			ctx = context.Background() // the retry runs without the fault
		}
	}
	var applied, replays, refused atomic.Int64
	var mu sync.Mutex
	outcome := map[string]string{}
	jobs := make(chan op)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				var rs []ledger.Result
				var errs []error
				switch o.scenario {
				case "duplicate":
					var dwg sync.WaitGroup
					res := make([]ledger.Result, 2)
					es := make([]error, 2)
					for i := range 2 {
						dwg.Add(1)
						go func() { defer dwg.Done(); res[i], es[i] = submit(context.Background(), o) }()
					}
					dwg.Wait()
					rs, errs = res, es
				case "lost-answer", "crash-before":
					ctx := context.WithValue(context.Background(), faultKey{}, map[string]string{"lost-answer": "after", "crash-before": "before"}[o.scenario])
					r, err := submit(ctx, o)
					rs, errs = []ledger.Result{r}, []error{err}
				default:
					r, err := submit(context.Background(), o)
					rs, errs = []ledger.Result{r}, []error{err}
				}
				for i, err := range errs {
					switch {
					case err == nil && !rs[i].Replayed:
						applied.Add(1)
					case err == nil:
						replays.Add(1)
					case errors.Is(err, sg.ErrInsufficientFunds):
						refused.Add(1)
					default:
						t.Errorf("%s (%s): unexpected error %v", o.key, o.scenario, err)

					}
				}
				mu.Lock()
				if errs[0] == nil || (len(errs) > 1 && errs[1] == nil) {
					outcome[o.key] = "ok"
				} else {
					outcome[o.key] = "refused"
				}
				mu.Unlock()
			}
		}()
	}
	for _, o := range all {
		jobs <- o
	}
	close(jobs)
	wg.Wait()
	// Redelivery: the same requests arrive again after they were answered.
	// An applied one is replayed. A refused one wrote nothing, so it is
	// tried afresh and may now find the funds.
	for _, o := range all {
		if o.scenario != "redelivered" {
			continue
		}
		r, err := submit(context.Background(), o)
		switch {
		case outcome[o.key] == "ok" && (err != nil || !r.Replayed):
			t.Fatalf("%s redelivered: %v replayed=%v; want a replay", o.key, err, r.Replayed)
		case outcome[o.key] == "refused" && err == nil && !r.Replayed:
			outcome[o.key] = "ok"
			applied.Add(1)
		case outcome[o.key] == "refused" && err == nil:
			t.Fatalf("%s was refused, yet its redelivery replays", o.key)
		}
	}

	// Each key applied exactly once: balances equal the opening balances plus
	// the postings of the one record each applied key left.
	ctx := context.Background()
	want := map[string]int64{}
	for _, id := range ids {
		want[id] = start
	}
	records := 0
	for _, o := range all {
		tr, err := st.Ledger.TransferByKey(ctx, ten, sg.KeyHash(ten, ledger.OpTransfer, o.key))
		if errors.Is(err, sg.ErrNotFound) {
			if outcome[o.key] == "ok" {
				t.Fatalf("%s answered ok but left no record", o.key)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if outcome[o.key] != "ok" {
			t.Fatalf("%s (%s) was refused but left a record", o.key, o.scenario)
		}
		if err := tr.Entry.Check(); err != nil {
			t.Fatalf("%s: %v", o.key, err)
		}
		records++
		for _, p := range tr.Entry.Postings {
			want[p.Account.Wallet] += int64(p.Delta)
		}
	}
	var total int64
	for _, id := range ids {
		b, err := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, id, sg.Tron, sg.USDT), 1)
		if err != nil {
			t.Fatal(err)
		}
		if b.Available < 0 || b.Held != 0 || b.Pending != 0 {
			t.Fatalf("wallet %s balance %+v", id, b)
		}
		if int64(b.Available) != want[id] {
			t.Fatalf("wallet %s: balance %d, records say %d (a key applied twice or lost)", id, b.Available, want[id])
		}
		total += int64(b.Available)
	}
	if total != accounts*start {
		t.Fatalf("total %d; want %d conserved", total, accounts*start)
	}
	oks := 0
	for _, v := range outcome {
		if v == "ok" {
			oks++
		}
	}
	if records != oks {
		t.Fatalf("%d records but %d keys answered ok", records, oks)
	}
	if fdb.injected.Load() == 0 || replays.Load() == 0 || refused.Load() == 0 || applied.Load() < ops/3 {
		t.Fatalf("the mix did not exercise the cases: applied %d, replays %d, refused %d, faults %d", applied.Load(), replays.Load(), refused.Load(), fdb.injected.Load())
	}
	t.Logf("%d ops: %d applied, %d replays, %d refused for funds, %d faults injected", ops, applied.Load(), replays.Load(), refused.Load(), fdb.injected.Load())
}
