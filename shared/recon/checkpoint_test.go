package recon

// ---- reconckpt: runs spread over invocations, their checkpoints ----

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// pastDeadline makes every Platform run in the test begin its tenants
// with its reading deadline already passed, as an invocation that has
// spent its time: each tenant's step folds a page per key range and stops.
func pastDeadline(t *testing.T) context.Context {
	t.Helper()
	m := DeadlineMargin
	DeadlineMargin = 2 * time.Hour
	t.Cleanup(func() { DeadlineMargin = m })
	// The reading deadline a minute ago; the reads' own (ReadGrace past
	// it) an hour away.
	ctx, cancel := context.WithTimeout(bg, DeadlineMargin-time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// noWait lets a suspect be read again at once (the test's store has no
// lag to wait out).
func noWait(t *testing.T) {
	w := SkewWait
	SkewWait = 0
	t.Cleanup(func() { SkewWait = w })
}

// check is the named check of r (fails the test when r has none).
func check(t *testing.T, r Report, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %s in %v", name, r.Checks)
	return Check{}
}

// invocations runs Platform as the scheduled job's invocations would,
// until the tenant's checks are in its report, each invocation out of time
// at once; it fails the test if an invocation in between reports a
// difference. It returns the last report and the invocations taken; the
// run has taken before invocations already.
func invocations(t *testing.T, ctx context.Context, st Store, now time.Time, before int) (Report, int) {
	t.Helper()
	for n := 1; n < 500; n++ {
		r, err := Platform(ctx, st, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Checks {
			if c.Name == tenant+":entries_balanced" {
				return r, n
			}
		}
		if !r.OK {
			t.Fatalf("invocation %d, run in progress: failing %v, tenants_read %+v", n, failing(r), check(t, r, "tenants_read"))
		}
		if d := check(t, r, "tenants_read").Detail; !strings.Contains(d, "in progress") {
			t.Fatalf("invocation %d: tenants_read says %q; want the run in progress", n, d)
		}
		c, err := st.Checkpoints.ReconCheckpoint(bg, tenant)
		if err != nil || c.Progress == nil || c.Steps != before+n {
			t.Fatalf("after invocation %d: checkpoint of %d bytes, %d steps, %v", n, len(c.Progress), c.Steps, err)
		}
	}
	t.Fatal("the run never finished")
	return Report{}, 0
}

// tenantChecks is the tenant's checks of a platform report, unprefixed.
func tenantChecks(r Report) []Check {
	var out []Check
	for _, c := range r.Checks {
		if name, ok := strings.CutPrefix(c.Name, tenant+":"); ok {
			c.Name = name
			out = append(out, c)
		}
	}
	return out
}

// A tenant too large for one invocation is read over several, each
// resuming from the checkpoint the one before saved in the store (the
// bytes round-tripped, not the value): while the run is in progress the
// tenant is no difference, and the run that finishes reports what one
// pass over the books reports, records its summary and clears the
// progress. The books read whole and the books read over invocations
// agree on a hold released behind the ledger's back too.
func TestPlatformRunResumesAcrossInvocations(t *testing.T) {
	b, w, _ := busy(t)
	v := b.wallet(t, tenant)
	for i := range 40 {
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	whole := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st, Checkpoints: b.st, History: b.st}
	ctx := pastDeadline(t)
	noWait(t)
	for _, planted := range []bool{false, true} {
		if planted {
			tr := b.withdraw(t, w, 40)
			if err := b.st.Transition(bg, tenant, tr.ID, sg.Move{From: sg.StatePending, To: sg.StateCancelled,
				Event: sg.Event{State: sg.StateCancelled, At: b.now}}); err != nil {
				t.Fatal(err)
			}
		}
		want, err := Tenant(bg, whole, tenant, b.now)
		if err != nil {
			t.Fatal(err)
		}
		r, n := invocations(t, ctx, st, b.now, 0)
		if got := tenantChecks(r); !reflect.DeepEqual(got, want.Checks) || want.OK == planted || n < 3 {
			t.Fatalf("planted %v, in %d invocations: %+v; read whole: %+v", planted, n, got, want.Checks)
		}
		c, err := b.st.ReconCheckpoint(bg, tenant)
		if err != nil || c.Progress != nil || !strings.Contains(string(c.Last), fmt.Sprintf(`"steps":%d`, n)) {
			t.Fatalf("after the run: progress %d bytes, last %s, %v", len(c.Progress), c.Last, err)
		}
	}
}

// A checkpoint that cannot be trusted is never read on from: one another
// build wrote, one altered or cut short, one whose pieces the store lost,
// and one whose run began more than MaxRunAge ago (reported: that run
// never finished) are each dropped and the run begins again, and the
// books are read whole and clean. A dropped run keeps its start, so runs
// dropped again and again are reported at MaxRunAge all the same.
func TestPlatformRunDiscardsCheckpointsItCannotTrust(t *testing.T) {
	b, w, _ := busy(t)
	v := b.wallet(t, tenant)
	for i := range 20 {
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st, Checkpoints: b.st, History: b.st}
	// A progress part way: the first page of each range folded, with
	// every transfer it read counted a second time (what reading on from
	// it would report, were it trusted).
	var p Progress
	if _, done, err := TenantStep(bg, st, tenant, b.now, &p, time.Unix(1, 0)); err != nil || done {
		t.Fatalf("first step: done %v, %v", done, err)
	}
	for k, s := range p.sums {
		s.Available += 1_000_000
		p.sums[k] = s
	}
	good, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	altered := append([]byte(nil), good...)
	altered[len(altered)/2] ^= 0x40
	cases := []struct {
		name    string
		c       sg.ReconCheckpoint
		note    string // what tenants_read's detail says
		differs bool   // whether tenants_read reports it
	}{
		{"another build's", sg.ReconCheckpoint{Version: "RCKP0/old", Started: b.now, Progress: good}, "another build", false},
		{"altered", sg.ReconCheckpoint{Version: CodeVersion(), Started: b.now, Progress: altered}, "unreadable", false},
		{"cut short", sg.ReconCheckpoint{Version: CodeVersion(), Started: b.now, Progress: good[:len(good)-9]}, "unreadable", false},
		{"with pieces lost", sg.ReconCheckpoint{Version: CodeVersion(), Started: b.now, Progress: good, Lost: "piece 2 of 3 missing"}, "piece 2 of 3 missing", false},
		{"too old", sg.ReconCheckpoint{Version: CodeVersion(), Started: b.now.Add(-MaxRunAge - time.Minute), Steps: 30, Progress: good}, "", true},
		// Runs dropped each time (a build a day) still end in a report.
		{"another build's, its run begun too long ago", sg.ReconCheckpoint{Version: "RCKP0/old", Started: b.now.Add(-MaxRunAge - time.Minute), Steps: 30, Progress: good}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur, err := b.st.ReconCheckpoint(bg, tenant)
			if err != nil && !errors.Is(err, sg.ErrNotFound) {
				t.Fatal(err)
			}
			c.c.Gen = cur.Gen
			if err := b.st.SaveReconCheckpoint(bg, tenant, c.c); err != nil {
				t.Fatal(err)
			}
			// The twin keeps what it is given; Lost is what a store
			// reports, so it is set on the way out.
			lost := st
			if c.c.Lost != "" {
				lost.Checkpoints = lostPieces{b.st, c.c.Lost}
			}
			r, err := Platform(bg, lost, b.now, nil)
			if err != nil {
				t.Fatal(err)
			}
			read := check(t, r, "tenants_read")
			if c.differs != (len(read.Differences) == 1) || !strings.Contains(read.Detail, c.note) {
				t.Fatalf("tenants_read %+v", read)
			}
			if c.differs && !strings.Contains(read.Differences[0].Actual, "30 invocations") {
				t.Fatalf("too old a run reported as %+v", read.Differences[0])
			}
			if got := tenantChecks(r); len(got) != 4 || !reflect.DeepEqual(failing(Report{Checks: got}), []string(nil)) {
				t.Fatalf("books read again: %+v", got)
			}
		})
	}
}

// lostPieces is a checkpoint store that reports the progress's pieces lost.
type lostPieces struct {
	sg.ReconCheckpoints
	why string
}

func (l lostPieces) ReconCheckpoint(ctx context.Context, tenant string) (sg.ReconCheckpoint, error) {
	c, err := l.ReconCheckpoints.ReconCheckpoint(ctx, tenant)
	if c.Progress != nil {
		c.Progress, c.Lost = nil, l.why
	}
	return c, err
}

// stuck is a journal that never gets past its first page (a page of
// nothing, at the same cursor).
type stuck struct{ RangePager }

func (stuck) TenantTransferRange(_ context.Context, _ string, _, _ int, after string, page func([]sg.Transfer, string) error) error {
	return page(nil, after)
}

// A run that reads nothing new is no difference for StallLimit-1
// invocations (it may be waiting its turn), and is reported from the
// StallLimit-th: a run in progress is not a difference, a run going
// nowhere is.
func TestPlatformRunReportsARunThatStalls(t *testing.T) {
	b, _, _ := busy(t)
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: stuck{}, Wallets: b.st, Checkpoints: b.st, History: b.st}
	ctx := pastDeadline(t)
	for n := 1; n <= StallLimit; n++ {
		r, err := Platform(ctx, st, b.now, nil)
		if err != nil {
			t.Fatal(err)
		}
		read := check(t, r, "tenants_read")
		if n < StallLimit && len(read.Differences) != 0 {
			t.Fatalf("invocation %d: %+v", n, read.Differences)
		}
		if n == StallLimit && (len(read.Differences) != 1 || !strings.Contains(read.Differences[0].Actual, fmt.Sprintf("nothing new read in %d invocations", StallLimit))) {
			t.Fatalf("invocation %d: %+v", n, read)
		}
	}
}

// Two tenants, time for one per invocation: the one not reached goes
// first in the next, so both finish and neither is reported as stalled.
func TestPlatformRunServesTheTenantWaitingLongest(t *testing.T) {
	b, w, _ := busy(t)
	other := "beta"
	x, y, v := b.wallet(t, other), b.wallet(t, other), b.wallet(t, tenant)
	b.deposit(t, x, 500, true)
	for i := range 10 {
		if _, err := b.l.Transfer(bg, other, fmt.Sprint("int-", i), "h", ledger.Internal{From: x.ID, To: y.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st, Checkpoints: b.st, History: b.st}
	ctx := pastDeadline(t)
	finished := map[string]bool{}
	for n := 1; len(finished) < 2; n++ {
		if n > 200 {
			t.Fatalf("finished only %v", finished)
		}
		r, err := Platform(ctx, st, b.now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK {
			t.Fatalf("invocation %d: failing %v; tenants_read %+v", n, failing(r), check(t, r, "tenants_read"))
		}
		for _, c := range r.Checks {
			if name, _, ok := strings.Cut(c.Name, ":"); ok {
				finished[name] = true
			}
		}
	}
}

// The journal's key is a hash (sg.KeyHash), not a time: a transfer made
// while a run is spread over invocations lands behind a key range's
// cursor as readily as ahead of it. One behind is never folded by this
// run, but the balances read later include it, so its wallets differ
// from the sums although the books are right. Verified again against
// their history (settle), they are found right and said in the detail;
// with no history to read they are reported, as they were before.
func TestPlatformRunTransfersWrittenBehindTheCursor(t *testing.T) {
	noWait(t)
	for _, history := range []bool{true, false} {
		t.Run(fmt.Sprintf("history %v", history), func(t *testing.T) {
			b, w, _ := busy(t)
			v := b.wallet(t, tenant)
			for i := range 40 {
				if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
					t.Fatal(err)
				}
			}
			st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st, Checkpoints: b.st}
			if history {
				st.History = b.st
			}
			ctx := pastDeadline(t)
			if _, err := Platform(ctx, st, b.now, nil); err != nil {
				t.Fatal(err)
			}
			c, err := b.st.ReconCheckpoint(bg, tenant)
			if err != nil {
				t.Fatal(err)
			}
			var p Progress
			if err := p.UnmarshalBinary(c.Progress); err != nil {
				t.Fatal(err)
			}
			// Between invocations: transfers whose keys sort behind their
			// range's cursor (found by trying idempotency keys).
			behind := 0
			for i := 0; behind < 3 && i < 10_000; i++ {
				key := fmt.Sprint("late-", i)
				kp := sg.KeyHash(tenant, ledger.OpTransfer, key)
				for seg := range p.after {
					if sg.InKeyRange(kp, seg, len(p.after)) && !p.done[seg] && kp < p.after[seg] {
						if _, err := b.l.Transfer(bg, tenant, key, "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 7}); err != nil {
							t.Fatal(err)
						}
						behind++
					}
				}
			}
			if behind != 3 {
				t.Fatalf("found %d keys behind the cursors %v", behind, p.after)
			}
			r, _ := invocations(t, ctx, st, b.now, 1)
			match := check(t, r, tenant+":balances_match_journal")
			if history {
				if !r.OK || !strings.Contains(match.Detail, "2 wallet accounts moved while the books were read") {
					t.Fatalf("failing %v; balances_match_journal %+v", failing(r), match)
				}
				return
			}
			if match.OK || len(match.Differences) != 2 {
				t.Fatalf("with no history: balances_match_journal %+v", match)
			}
		})
	}
}

// slowPages reads each key range's first page at once and then stalls on
// the next until its reader gives up (a page of a large table on DynamoDB
// Local can take longer than the run's margin).
type slowPages struct{ RangePager }

func (s slowPages) TenantTransferRange(ctx context.Context, tenant string, segment, segments int, after string, page func([]sg.Transfer, string) error) error {
	first := true
	return s.RangePager.TenantTransferRange(ctx, tenant, segment, segments, after, func(ts []sg.Transfer, last string) error {
		if !first {
			<-ctx.Done()
			return ctx.Err()
		}
		first = false
		return page(ts, last)
	})
}

// A page still being read at the deadline is abandoned, not folded, and
// not an error: the invocation keeps what it read before, saves it, and
// the next invocation reads on from there to the same report a pass over
// the whole books gives. (Before, the read in flight failed the whole
// invocation when the job's deadline came, and nothing was kept.)
func TestPlatformRunCutsOffAReadInFlightAtTheDeadline(t *testing.T) {
	b, w, _ := busy(t)
	v := b.wallet(t, tenant)
	for i := range 40 {
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	m := DeadlineMargin
	t.Cleanup(func() { DeadlineMargin = m })
	DeadlineMargin = 200 * time.Millisecond
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: slowPages{b.st}, Wallets: b.st, Checkpoints: b.st, History: b.st}
	ctx, cancel := context.WithTimeout(bg, 400*time.Millisecond)
	defer cancel()
	r, err := Platform(ctx, st, b.now, nil)
	if err != nil {
		t.Fatalf("invocation cut at its deadline: %v", err)
	}
	if read := check(t, r, "tenants_read"); len(read.Differences) != 0 || !strings.Contains(read.Detail, "in progress") {
		t.Fatalf("tenants_read %+v", read)
	}
	c, err := b.st.ReconCheckpoint(bg, tenant)
	if err != nil {
		t.Fatal(err)
	}
	var p Progress
	if err := p.UnmarshalBinary(c.Progress); err != nil || p.Transfers() == 0 {
		t.Fatalf("checkpoint: %d transfers, %v", p.Transfers(), err)
	}
	st.Ranges = b.st
	r, err = Platform(bg, st, b.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tenantChecks(r); !reflect.DeepEqual(got, want.Checks) {
		t.Fatalf("read on: %+v; read whole: %+v", got, want.Checks)
	}
}
