package ethereum

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// subscribed sets up the busy chain of follow(t) with a follower
// subscribed and caught up over the blocks mined since the last pass.
func subscribed(t *testing.T) (*SyntheticChain, *Follower, *stateSink, State) {
	t.Helper()
	c, w, sink, st := follow(t)
	c.Head += 2
	f := &Follower{Watcher: w, Feed: c}
	st, err := f.Start(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return c, f, sink, st
}

func step(t *testing.T, f *Follower, st State) State {
	t.Helper()
	st, err := f.Step(context.Background(), st, false)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func reversals(sink *stateSink) int {
	n := 0
	for _, s := range sink.state {
		if s == "reversed" {
			n++
		}
	}
	return n
}

// A caught-up follower costs two requests (the subscription and one
// eth_getLogs to "latest"); then every block's deposits are seen from the
// pushes alone, confirmed at their depth, none told twice.
func TestFollowerFollowsPushesWithoutRequests(t *testing.T) {
	c, f, sink, st := subscribed(t)
	if f.Requests != 2 || f.Subscribes != 1 {
		t.Fatalf("start took %d requests (%d subscriptions); want the subscription and one catch-up", f.Requests, f.Subscribes)
	}
	calls := c.Calls
	for i := 0; i < 300; i++ {
		c.Mine(1)
		st = step(t, f, st)
	}
	check(t, c, f.Watcher, sink)
	if c.Calls != calls || f.Requests != 2 {
		t.Fatalf("300 pushed blocks cost %d node calls (%d requests in all); want none", c.Calls-calls, f.Requests)
	}
	if f.Pushes != c.Pushed || f.Pushes != 300*c.LogsPerBlock {
		t.Fatalf("%d pushes taken, %d pushed; want one a log", f.Pushes, c.Pushed)
	}
	if st.Cursor != c.Head {
		t.Fatalf("cursor %d; head %d", st.Cursor, c.Head)
	}
}

// A reorganisation within the overlap arrives as removed logs and the new
// branch's: the old branch's pending deposits are reversed, the new ones
// seen, without a request.
func TestFollowerReorgByRemovedLogs(t *testing.T) {
	c, f, sink, st := subscribed(t)
	c.Mine(5)
	st = step(t, f, st)
	requests := f.Requests
	c.Reorg(c.Head - 3)
	c.Mine(1)
	st = step(t, f, st)
	if reversals(sink) == 0 {
		t.Fatal("no deposit of the old branch was reversed")
	}
	check(t, c, f.Watcher, sink)
	if f.Requests != requests {
		t.Fatalf("a shallow reorganisation cost %d requests; want none", f.Requests-requests)
	}
	for i := 0; i < 20; i++ {
		c.Mine(1)
		st = step(t, f, st)
	}
	check(t, c, f.Watcher, sink)
}

// A reorganisation deeper than the overlap is still found (remembered
// hashes, headers read from the node) and its new branch scanned.
func TestFollowerDeepReorg(t *testing.T) {
	c, f, sink, st := subscribed(t)
	c.Reorg(c.Head - 30)
	c.Mine(1)
	st = step(t, f, st)
	for i := 0; i < 20; i++ {
		c.Mine(1)
		st = step(t, f, st)
	}
	check(t, c, f.Watcher, sink)
	if reversals(sink) == 0 {
		t.Fatal("no deposit of the old branch was reversed")
	}
}

// A lost connection leaves a gap: blocks mined while no one listened.
// The follower subscribes again and its catch-up from the state reads
// the gap: every deposit in it is seen, none twice.
func TestFollowerGapAfterReconnect(t *testing.T) {
	c, f, sink, st := subscribed(t)
	c.Mine(3)
	st = step(t, f, st)
	c.Drop()
	c.Head += 40 // mined while disconnected: pushed to no one
	if _, err := f.Step(context.Background(), st, false); !errors.Is(err, ErrSubscriptionLost) {
		t.Fatalf("step after a dropped connection: %v; want ErrSubscriptionLost", err)
	}
	requests := f.Requests
	st, err := f.Start(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Requests - requests; got != 2 {
		t.Fatalf("reconnecting took %d requests; want the subscription and one catch-up", got)
	}
	for i := 0; i < 20; i++ {
		c.Mine(1)
		st = step(t, f, st)
	}
	check(t, c, f.Watcher, sink)
	if st.Cursor != c.Head {
		t.Fatalf("cursor %d; head %d", st.Cursor, c.Head)
	}
}

// The state saved at the end of one invocation (JSON, as the function
// keeps it) lets the next one catch up over the blocks between them: no
// deposit lost, none credited twice, pending ones confirmed later.
func TestFollowerCheckpointAcrossInvocations(t *testing.T) {
	c, f, sink, st := subscribed(t)
	for i := 0; i < 10; i++ {
		c.Mine(1)
		st = step(t, f, st)
	}
	f.Stop()
	if len(st.Pending) == 0 {
		t.Fatal("nothing pending at the checkpoint: the test would prove nothing")
	}
	blob, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	c.Mine(7) // between invocations
	var saved State
	if err := json.Unmarshal(blob, &saved); err != nil {
		t.Fatal(err)
	}
	w := &Watcher{Chain: c, Confirmations: f.Watcher.Confirmations, Sink: sink, Watched: f.Watcher.Watched}
	next := &Follower{Watcher: w, Feed: c}
	if st, err = next.Start(context.Background(), saved); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		c.Mine(1)
		st = step(t, next, st)
	}
	check(t, c, w, sink)
	if next.Requests != 2 {
		t.Fatalf("the next invocation took %d requests; want 2", next.Requests)
	}
}

// A deposit stays pending until its block is Confirmations deep, counted
// from the heads the pushes carry.
func TestFollowerConfirmationDepth(t *testing.T) {
	c, f, sink, st := subscribed(t)
	var fresh []Deposit
	for len(fresh) == 0 && st.Cursor < 6_000 {
		c.Mine(1)
		st = step(t, f, st)
		for _, d := range st.Pending {
			if d.Block == c.Head {
				fresh = append(fresh, d)
			}
		}
	}
	if len(fresh) == 0 {
		t.Fatal("no deposit in 1,000 new blocks")
	}
	for depth := uint64(2); depth <= f.Watcher.Confirmations; depth++ {
		c.Mine(1)
		st = step(t, f, st)
		want := "seen"
		if depth == f.Watcher.Confirmations {
			want = "confirmed"
		}
		for _, d := range fresh {
			if got := sink.state[key(d)]; got != want {
				t.Fatalf("deposit at depth %d is %q; want %s", depth, got, want)
			}
		}
	}
}

// A chain without token logs: a quiet pass asks the node for the head.
func TestFollowerQuietChainAsksTheHead(t *testing.T) {
	c := &SyntheticChain{Head: 100}
	sink := &stateSink{state: map[string]string{}}
	w := &Watcher{Chain: c, Confirmations: 12, Sink: sink, Watched: func(common.Address) bool { return false }}
	f := &Follower{Watcher: w, Feed: c}
	st, err := f.Start(context.Background(), State{})
	if err != nil {
		t.Fatal(err)
	}
	c.Mine(3)
	if st, err = f.Step(context.Background(), st, false); err != nil || st.Cursor != 100 {
		t.Fatalf("a step without pushes moved the cursor to %d (%v)", st.Cursor, err)
	}
	if st, err = f.Step(context.Background(), st, true); err != nil || st.Cursor != c.Head {
		t.Fatalf("a quiet pass left the cursor at %d, head %d (%v)", st.Cursor, c.Head, err)
	}
}

// Invocations one after another, as the schedule runs them (72 blocks
// followed, 3 mined between): every deposit is seen and confirmed once.
func TestFollowerInvocationsBackToBack(t *testing.T) {
	c, w, sink, st := follow(t)
	for inv := 0; inv < 5; inv++ {
		f := &Follower{Watcher: &Watcher{Chain: c, Confirmations: w.Confirmations, Sink: sink, Watched: w.Watched}, Feed: c}
		c.Mine(1)
		var err error
		if st, err = f.Start(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < 72; i++ {
			c.Mine(1)
			st = step(t, f, st)
		}
		f.Stop()
		check(t, c, f.Watcher, sink)
		c.Mine(3)
	}
}
