package ethereum

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// stateSink records what the watcher told it of each deposit, by the
// deposit's identity on its branch (transaction, log, block hash).
type stateSink struct {
	state   map[string]string
	repeats []string
}

func key(d Deposit) string { return fmt.Sprintf("%x/%d/%x", d.TxHash[:4], d.LogIndex, d.BlockHash[:4]) }

func (s *stateSink) set(d Deposit, from, to string) error {
	k := key(d)
	if s.state[k] != from {
		s.repeats = append(s.repeats, fmt.Sprintf("%s: %s while %q", k, to, s.state[k]))
	}
	s.state[k] = to
	return nil
}
func (s *stateSink) Seen(_ context.Context, d Deposit) error    { return s.set(d, "", "seen") }
func (s *stateSink) Confirm(_ context.Context, d Deposit) error { return s.set(d, "seen", "confirmed") }
func (s *stateSink) Reverse(_ context.Context, d Deposit) error { return s.set(d, "seen", "reversed") }

// canonical is every deposit on the chain's current branch up to its head.
func canonical(t *testing.T, c *SyntheticChain, w *Watcher, lo uint64) map[string]Deposit {
	t.Helper()
	calls, heads, headers, logs := c.Calls, c.Heads, c.Headers, c.Logs
	defer func() { c.Calls, c.Heads, c.Headers, c.Logs = calls, heads, headers, logs }()
	limit := c.MaxResults
	c.MaxResults, c.MaxRange = 0, 0
	defer func() { c.MaxResults = limit }()
	ls, err := c.FilterLogs(context.Background(), ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(lo)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Deposit{}
	for _, l := range ls {
		if to := common.Address(l.Topics[2][12:]); w.Watched(to) {
			d := Deposit{TxHash: l.TxHash, LogIndex: l.Index, BlockHash: l.BlockHash, Block: l.BlockNumber}
			out[key(d)] = d
		}
	}
	return out
}

// follow sets up a busy chain (two token transfers a block, one in ten to
// a watched address) scanned up to its head.
func follow(t *testing.T) (*SyntheticChain, *Watcher, *stateSink, State) {
	watched := []common.Address{common.BigToAddress(big.NewInt(7)), common.BigToAddress(big.NewInt(8))}
	set := map[common.Address]bool{watched[0]: true, watched[1]: true}
	c := &SyntheticChain{Head: 5_000, Watched: watched, LogsPerBlock: 2, DepositEvery: 10, MaxResults: 10_000, MaxRange: 2_000}
	sink := &stateSink{state: map[string]string{}}
	w := &Watcher{Chain: c, Confirmations: 12, Sink: sink, Watched: func(a common.Address) bool { return set[a] }}
	st, err := w.Poll(context.Background(), State{})
	if err != nil {
		t.Fatal(err)
	}
	return c, w, sink, st
}

// check asserts the sink agrees with the chain: every deposit on the
// current branch is seen (and confirmed once deep enough), every other one
// reversed unless it was confirmed, and no deposit was told twice.
func check(t *testing.T, c *SyntheticChain, w *Watcher, sink *stateSink) {
	t.Helper()
	if len(sink.repeats) > 0 {
		t.Fatalf("told out of order: %v", sink.repeats[:min(3, len(sink.repeats))])
	}
	live := canonical(t, c, w, 1)
	for k, d := range live {
		want := "seen"
		if c.Head+1-d.Block >= w.Confirmations {
			want = "confirmed"
		}
		if sink.state[k] != want {
			t.Fatalf("deposit %s at block %d (head %d) is %q; want %s", k, d.Block, c.Head, sink.state[k], want)
		}
	}
	for k, s := range sink.state {
		if _, ok := live[k]; !ok && s == "seen" {
			t.Fatalf("deposit %s is off the chain but still %s", k, s)
		}
	}
}

// Following a moving head (5 new blocks a pass), the watcher makes one
// call a pass: logs up to "latest", no header, no head request; every
// deposit is seen once and confirmed at its depth.
func TestFollowsTheHeadAtOneCallAPass(t *testing.T) {
	c, w, sink, st := follow(t)
	check(t, c, w, sink)
	before := c.Calls
	for i := 0; i < 200; i++ {
		c.Head += 5
		var err error
		if st, err = w.Poll(context.Background(), st); err != nil {
			t.Fatal(err)
		}
	}
	check(t, c, w, sink)
	if calls := c.Calls - before; calls != 200 || c.Headers != 1 {
		t.Fatalf("%d calls over 200 passes (%d headers in all); want one a pass", calls, c.Headers)
	}
}

// The state survives a new invocation as JSON (the function's saved
// state): the adaptive range is kept, so the next catch-up does not start
// small again.
func TestRangePersistsAcrossInvocations(t *testing.T) {
	c, w, sink, st := follow(t)
	blob, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var again State
	if err := json.Unmarshal(blob, &again); err != nil {
		t.Fatal(err)
	}
	if again.Range <= 100 {
		t.Fatalf("range after a 5,000-block catch-up is %d; want it grown past its start (100)", again.Range)
	}
	c.Head += 3_000 // a long outage: too far for "latest"
	w2 := &Watcher{Chain: c, Confirmations: 12, Sink: sink, Watched: w.Watched}
	before := c.Calls
	if _, err := w2.Poll(context.Background(), again); err != nil {
		t.Fatal(err)
	}
	check(t, c, w2, sink)
	if calls := c.Calls - before; calls > 6 {
		t.Fatalf("a 3,000-block catch-up took %d calls with the saved range", calls)
	}
}

// A reorganisation within the overlap (3 blocks, depth 12) shows in the
// one answer: deposits of the old branch reversed, the new branch's seen,
// still one call.
func TestReorgWithinTheOverlap(t *testing.T) {
	c, w, sink, st := follow(t)
	c.Reorg(c.Head - 2)
	c.Head += 5
	before := c.Calls
	st, err := w.Poll(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	check(t, c, w, sink)
	reversed := 0
	for _, s := range sink.state {
		if s == "reversed" {
			reversed++
		}
	}
	if reversed == 0 {
		t.Fatal("no deposit of the old branch was reversed")
	}
	if calls := c.Calls - before; calls != 1 {
		t.Fatalf("%d calls for a shallow reorganisation; want 1", calls)
	}
	c.Head += 20
	if _, err := w.Poll(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	check(t, c, w, sink)
}

// A reorganisation deeper than the overlap is found by the remembered
// hashes (headers read newest first) and scanned again from the fork: the
// new branch's deposits below the overlap are seen too.
func TestDeepReorgFoundByHeaders(t *testing.T) {
	c, w, sink, st := follow(t)
	c.Reorg(c.Head - 40)
	c.Head += 5
	st, err := w.Poll(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	live := canonical(t, c, w, c.Head-44)
	for k := range live {
		if sink.state[k] == "" {
			t.Fatalf("deposit %s of the new branch never seen", k)
		}
	}
	if len(sink.repeats) > 0 {
		t.Fatalf("told out of order: %v", sink.repeats)
	}
	c.Head += 5
	if _, err := w.Poll(context.Background(), st); err != nil {
		t.Fatal(err)
	}
}

// A chain without token logs costs the head's header and, when blocks
// came, one log read and at most one header: the newest block scanned,
// proving the chain below unchanged.
func TestQuietChain(t *testing.T) {
	c := &SyntheticChain{Head: 100}
	sink := &stateSink{state: map[string]string{}}
	w := &Watcher{Chain: c, Confirmations: 12, Sink: sink, Watched: func(common.Address) bool { return false }}
	st, err := w.Poll(context.Background(), State{})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		blocks uint64
		calls  int
	}{{0, 1}, {1, 2}, {5, 3}, {0, 1}} {
		c.Head += step.blocks
		before := c.Calls
		if st, err = w.Poll(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		if got := c.Calls - before; got != step.calls || st.Cursor != c.Head {
			t.Fatalf("%d new blocks: %d calls, cursor %d; want %d calls, cursor %d", step.blocks, got, st.Cursor, step.calls, c.Head)
		}
	}
}
