package settlement_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// batchPayer stands in for the payout batches: one row (transfer) per
// (settlement, attempt) however often it is asked, the batch of its first
// request; crash makes one call create its rows and then answer a fault,
// as a process dying before the settlements were written.
type batchPayer struct {
	mu      sync.Mutex
	calls   [][]string
	rows    map[string]settlement.Payout
	refuse  map[string]error
	fault   error
	crash   bool
	created int
}

func (p *batchPayer) PayBatch(_ context.Context, tenant string, c sg.Chain, stls []sg.Settlement) ([]settlement.Payout, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []string
	for _, s := range stls {
		if s.TenantID != tenant || s.Chain != c {
			return nil, fmt.Errorf("settlement %s of %s on %s in a batch of %s on %s", s.ID, s.TenantID, s.Chain, tenant, c)
		}
		ids = append(ids, s.ID)
	}
	p.calls = append(p.calls, ids)
	if p.fault != nil {
		return nil, p.fault
	}
	batch := fmt.Sprintf("pb_%d", len(p.calls))
	out := make([]settlement.Payout, len(stls))
	for i, s := range stls {
		if err := p.refuse[s.ID]; err != nil {
			out[i].Err = err
			continue
		}
		key := fmt.Sprintf("%s#%d", s.ID, s.Attempt)
		o, ok := p.rows[key]
		if !ok {
			p.created++
			o = settlement.Payout{TransferID: fmt.Sprintf("tr_%d", p.created), BatchID: batch}
			p.rows[key] = o
		}
		out[i] = o
	}
	if p.crash {
		p.crash = false
		return nil, sg.Unavailable("test", errors.New("the process died"))
	}
	return out, nil
}

func withBatches(f *fixture) *batchPayer {
	bp := &batchPayer{rows: map[string]settlement.Payout{}, refuse: map[string]error{}}
	f.svc.Batch = bp
	return bp
}

// The job pays every due settlement of a tenant on a chain as rows of ONE
// batch (another chain is another batch); each settlement records its row's
// transfer and batch; a refused row fails its settlement alone with the
// row's code; a rerun pays nothing again.
func TestJobPaysDueSettlementsInOneBatch(t *testing.T) {
	f := newFixture(t) // 09:00 UTC
	bp := withBatches(f)
	f.config(t, daily(sg.Ethereum, 17))
	f.config(t, daily(sg.Tron, 17))
	cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
	first := f.open(t, sg.Ethereum)
	// The batches are down at the first cut-off: the settlement closes and stays due.
	bp.fault = sg.Unavailable("test", errors.New("down"))
	if res, err := f.svc.CloseDue(ctx, cut); err == nil || res.Closed != 0 || res.Errors != 1 {
		t.Fatalf("with the batches down: %+v, %v", res, err)
	}
	if got, _ := f.svc.Get(ctx, f.tn, first.ID); got.Status != sg.SettlementClosed || got.DueAt.IsZero() {
		t.Fatalf("after a fault the settlement is %+v; want closed and due", got)
	}
	bp.fault = nil
	f.addPaid(t, f.invoice("50", pay{sg.Ethereum, "50"}))
	second := f.open(t, sg.Ethereum)
	f.addPaid(t, f.invoice("30", pay{sg.Tron, "30"}))
	tron := f.open(t, sg.Tron)
	bp.calls = nil
	res, err := f.svc.CloseDue(ctx, cut)
	if err != nil || res.Paying != 3 || res.Closed != 2 {
		t.Fatalf("the job: %+v, %v", res, err)
	}
	if len(bp.calls) != 2 {
		t.Fatalf("batches %v; want one per chain", bp.calls)
	}
	var eth []string
	for _, c := range bp.calls {
		if len(c) == 2 {
			eth = c
		}
	}
	if len(eth) != 2 || !(eth[0] == first.ID && eth[1] == second.ID || eth[0] == second.ID && eth[1] == first.ID) {
		t.Fatalf("batches %v; want %s and %s in one", bp.calls, first.ID, second.ID)
	}
	a, _ := f.svc.Get(ctx, f.tn, first.ID)
	b, _ := f.svc.Get(ctx, f.tn, second.ID)
	c, _ := f.svc.Get(ctx, f.tn, tron.ID)
	if a.Status != sg.SettlementPaying || b.Status != sg.SettlementPaying || a.PayoutBatchID == "" || a.PayoutBatchID != b.PayoutBatchID ||
		a.PayoutTransferID == b.PayoutTransferID || c.PayoutBatchID == a.PayoutBatchID || !a.DueAt.IsZero() {
		t.Fatalf("after the job:\n%+v\n%+v\n%+v", a, b, c)
	}
	if res, _ := f.svc.CloseDue(ctx, cut.Add(time.Hour)); res.Due != 0 || len(bp.calls) != 2 || bp.created != 3 {
		t.Fatalf("a rerun: %+v, %d batches, %d rows", res, len(bp.calls), bp.created)
	}

	// A refused row fails its settlement alone, with the row's code.
	f.tick(24 * time.Hour)
	f.addPaid(t, f.invoice("20", pay{sg.Ethereum, "20"}))
	third := f.open(t, sg.Ethereum)
	bp.refuse[third.ID] = &sg.Error{Kind: sg.KindRefused, Code: "destination_blacklisted", Param: "to_address"}
	if res, err := f.svc.CloseDue(ctx, cut.Add(24*time.Hour)); err != nil || res.Failed != 1 {
		t.Fatalf("a refused row: %+v, %v", res, err)
	}
	if got, _ := f.svc.Get(ctx, f.tn, third.ID); got.Status != sg.SettlementFailed || got.FailReason != "destination_blacklisted" || got.PayoutTransferID != "" {
		t.Fatalf("the refused settlement is %+v", got)
	}
}

// A crash after the batch's rows were made but before the settlements were
// written is finished by the next run with the same rows: nothing is paid
// twice. A retry of a failed settlement is a batch of one.
func TestJobBatchCrashAndRetry(t *testing.T) {
	f := newFixture(t)
	bp := withBatches(f)
	f.config(t, daily(sg.Ethereum, 17))
	cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	f.addPaid(t, f.invoice("100", pay{sg.Ethereum, "100"}))
	s := f.open(t, sg.Ethereum)
	bp.crash = true
	if _, err := f.svc.CloseDue(ctx, cut); err == nil {
		t.Fatal("a crashed batch reported no error")
	}
	if got, _ := f.svc.Get(ctx, f.tn, s.ID); got.Status != sg.SettlementClosed || got.DueAt.IsZero() {
		t.Fatalf("after the crash: %+v", got)
	}
	if res, err := f.svc.CloseDue(ctx, cut.Add(5*time.Minute)); err != nil || res.Paying != 1 {
		t.Fatalf("the rerun: %+v, %v", res, err)
	}
	got, _ := f.svc.Get(ctx, f.tn, s.ID)
	if got.Status != sg.SettlementPaying || got.PayoutTransferID != "tr_1" || got.PayoutBatchID != "pb_1" || bp.created != 1 {
		t.Fatalf("after the rerun: %+v, %d rows made", got, bp.created)
	}
	// Refused at its next payout attempt, then retried: a batch of one.
	if _, err := f.svc.MarkFailed(ctx, f.tn, s.ID, "tr_1", sg.ErrRecipientRefused.Code); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Retry(ctx, f.tn, s.ID)
	if err != nil || r.Status != sg.SettlementPaying || r.Attempt != 2 || r.PayoutTransferID != "tr_2" || len(bp.calls[len(bp.calls)-1]) != 1 {
		t.Fatalf("Retry: %+v, %v (calls %v)", r, err, bp.calls)
	}
}

type alertLog struct {
	kinds []string
	got   [][]settlement.Instruction
}

func (a *alertLog) Alert(_ context.Context, kind string, ins []settlement.Instruction) error {
	a.kinds, a.got = append(a.kinds, kind), append(a.got, ins)
	return nil
}

// When a chain's hot wallet cannot cover the payouts due on it, the job
// raises the rebalancing alert (how much, from which source) and the
// payout waits, closed with a visible reason, instead of failing; the
// other chain is paid; once the hot wallet is refilled the next run pays it.
func TestJobWaitsForLiquidity(t *testing.T) {
	f := newFixture(t)
	bp := withBatches(f)
	hot := liquidity{sg.Ethereum: usdt("120"), sg.Tron: usdt("40")}
	al := &alertLog{}
	f.svc.Liquidity, f.svc.Alerts = hot, al
	f.config(t, daily(sg.Ethereum, 17))
	f.config(t, daily(sg.Tron, 17))
	cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	f.addPaid(t, f.invoice("150", pay{sg.Ethereum, "150"}))
	f.addPaid(t, f.invoice("30", pay{sg.Tron, "30"}))
	eth, tron := f.open(t, sg.Ethereum), f.open(t, sg.Tron)
	res, err := f.svc.CloseDue(ctx, cut)
	if err != nil || res.Waiting != 1 || res.Paying != 1 || res.Failed != 0 {
		t.Fatalf("the job: %+v, %v", res, err)
	}
	got, _ := f.svc.Get(ctx, f.tn, eth.ID)
	if got.Status != sg.SettlementClosed || got.Waiting != sg.WaitLiquidity || !got.DueAt.After(cut) || got.PayoutTransferID != "" {
		t.Fatalf("the uncovered settlement is %+v; want closed, waiting for liquidity, due again later", got)
	}
	if paid, _ := f.svc.Get(ctx, f.tn, tron.ID); paid.Status != sg.SettlementPaying {
		t.Fatalf("the covered chain's settlement is %+v", paid)
	}
	// Short by 30 on Ethereum: Tron's 10 over its own payout, then 20 from Ethereum's cold wallet.
	want := []settlement.Instruction{{From: sg.Tron, To: sg.Ethereum, Amount: usdt("10"), Source: settlement.SourceHot},
		{From: sg.Ethereum, To: sg.Ethereum, Amount: usdt("20"), Source: settlement.SourceCold}}
	if len(al.got) != 1 || al.kinds[0] != settlement.EventRebalance || fmt.Sprint(al.got[0]) != fmt.Sprint(want) {
		t.Fatalf("alerts %v %v; want one %s with %v", al.kinds, al.got, settlement.EventRebalance, want)
	}
	// Still short at the next run before the retry: nothing is paid, the alert not repeated yet.
	if res, _ := f.svc.CloseDue(ctx, cut.Add(time.Minute)); res.Due != 0 || len(bp.calls) != 1 {
		t.Fatalf("a run before the retry: %+v, %d batches", res, len(bp.calls))
	}
	hot[sg.Ethereum] = usdt("1000") // operations moved the funds
	res, err = f.svc.CloseDue(ctx, cut.Add(10*time.Minute))
	if err != nil || res.Paying != 1 || res.Waiting != 0 {
		t.Fatalf("after the rebalance: %+v, %v", res, err)
	}
	if got, _ := f.svc.Get(ctx, f.tn, eth.ID); got.Status != sg.SettlementPaying || got.Waiting != "" || got.PayoutBatchID == "" {
		t.Fatalf("after the rebalance the settlement is %+v", got)
	}
}

// ---- settle: liquidity counts payouts in flight ----

// A payout already in flight from the Ethereum hot wallet (another
// tenant's withdrawal, held and not yet on chain) is owed before the run's
// settlements: a settlement the hot wallet alone would cover waits, and the
// alert asks for what covers both; once that payout is final the next run
// pays the settlement.
func TestJobCountsPayoutsInFlight(t *testing.T) {
	f := newFixture(t)
	bp := withBatches(f)
	al := &alertLog{}
	f.svc.Liquidity, f.svc.Alerts = liquidity{sg.Ethereum: usdt("120")}, al
	books := memstore.New()
	f.svc.Owed = books
	f.config(t, daily(sg.Ethereum, 17))
	cut := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	f.addPaid(t, f.invoice("50", pay{sg.Ethereum, "50"}))
	eth := f.open(t, sg.Ethereum)

	// Another tenant's payout of 80 is held and queued on Ethereum; one on
	// Tron owes nothing to the Ethereum hot wallet.
	w := sg.Wallet{ID: sg.NewID("wal", f.now), TenantID: "other", Index: 7, CreatedAt: f.now}
	if err := books.CreateWallet(ctx, w, sg.Idempotency{TenantID: "other", Operation: "wallets.create", Key: w.ID, CreatedAt: f.now}); err != nil {
		t.Fatal(err)
	}
	inFlight := func(c sg.Chain, amount sg.Amount) sg.Transfer {
		acct := sg.WalletAccount("other", w.ID, c, sg.USDT)
		fund := sg.Transfer{ID: sg.NewID("txn", f.now), TenantID: "other", Type: sg.TransferDeposit, State: sg.StatePosted, ToWallet: w.ID, Chain: c,
			Asset: sg.USDT, Amount: amount, CreatedAt: f.now, UpdatedAt: f.now, Entry: sg.Entry{Postings: []sg.Posting{
				{Account: sg.SystemAccount(sg.SysInbound, c, sg.USDT), Bucket: sg.Available, Delta: -amount},
				{Account: acct, Bucket: sg.Available, Delta: amount}}}}
		f.tick(time.Millisecond)
		wd := sg.Transfer{ID: sg.NewID("txn", f.now), TenantID: "other", Type: sg.TransferWithdrawal, State: sg.StatePending, FromWallet: w.ID, Chain: c,
			Asset: sg.USDT, Amount: amount, ToAddress: ethAddr, CreatedAt: f.now, UpdatedAt: f.now, ExpiresAt: f.now.Add(time.Hour),
			Entry: sg.Entry{Postings: []sg.Posting{{Account: acct, Bucket: sg.Available, Delta: -amount}, {Account: acct, Bucket: sg.Held, Delta: amount}}}}
		f.tick(time.Millisecond)
		for _, tr := range []sg.Transfer{fund, wd} {
			if err := books.ApplyTransfer(ctx, tr); err != nil {
				t.Fatal(err)
			}
		}
		return wd
	}
	payout := inFlight(sg.Ethereum, usdt("80"))
	inFlight(sg.Tron, usdt("500"))

	res, err := f.svc.CloseDue(ctx, cut)
	if err != nil || res.Waiting != 1 || res.Paying != 0 || len(bp.calls) != 0 {
		t.Fatalf("the job with 80 of 120 owed in flight: %+v, %v, %d batches", res, err, len(bp.calls))
	}
	got, _ := f.svc.Get(ctx, f.tn, eth.ID)
	if got.Status != sg.SettlementClosed || got.Waiting != sg.WaitLiquidity {
		t.Fatalf("the settlement is %+v; want closed, waiting for liquidity", got)
	}
	// Owed: 80 in flight and the settlement's net, against 120: the rest from the cold wallet.
	if len(al.got) != 1 || len(al.got[0]) != 1 || al.got[0][0].Amount != got.Totals.Net+usdt("80")-usdt("120") || al.got[0][0].Source != settlement.SourceCold {
		t.Fatalf("alert %v; want one instruction covering the payout in flight and the settlement", al.got)
	}

	// The payout in flight ends (cancelled here: its hold goes back).
	acct := sg.WalletAccount("other", w.ID, sg.Ethereum, sg.USDT)
	if err := books.Transition(ctx, "other", payout.ID, sg.Move{From: sg.StatePending, To: sg.StateCancelled, Event: sg.Event{State: sg.StateCancelled, At: f.now},
		Entry: sg.Entry{Postings: []sg.Posting{{Account: acct, Bucket: sg.Held, Delta: -usdt("80")}, {Account: acct, Bucket: sg.Available, Delta: usdt("80")}}}}); err != nil {
		t.Fatal(err)
	}
	res, err = f.svc.CloseDue(ctx, cut.Add(10*time.Minute))
	if err != nil || res.Paying != 1 || res.Waiting != 0 {
		t.Fatalf("after the payout in flight ended: %+v, %v", res, err)
	}
}
