package tests

import (
	"context"
	"crypto/rand"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
)

// pushSink records what the follower told it, from the follower's
// goroutine.
type pushSink struct {
	mu                     sync.Mutex
	seen, confirmed, other []chaineth.Deposit
}

func (s *pushSink) Seen(_ context.Context, d chaineth.Deposit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, d)
	return nil
}

func (s *pushSink) Confirm(_ context.Context, d chaineth.Deposit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.confirmed = append(s.confirmed, d)
	return nil
}

func (s *pushSink) Reverse(_ context.Context, d chaineth.Deposit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.other = append(s.other, d)
	return nil
}

// The deposit watcher's push mode against geth's WebSocket: the follower
// subscribes to the token's Transfer logs, catches up from the head, and
// a transfer to a watched address reaches it as a pushed log: seen once,
// confirmed once at the local depth (2), never reversed.
func TestFollowerOnGethWebSocket(t *testing.T) {
	info, ec, auth, token := localChain(t)
	ws := os.Getenv("STABLEGATE_ETH_WS")
	if ws == "" {
		t.Fatal("stack.env names no STABLEGATE_ETH_WS (rebuild sgdev)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	node, err := chaineth.DialWebSocket(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	var raw [20]byte
	_, _ = rand.Read(raw[:])
	to := common.Address(raw)
	head, err := ec.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sink := &pushSink{}
	w := &chaineth.Watcher{Chain: node, Token: common.HexToAddress(info.Token), Confirmations: 2, Sink: sink,
		Watched: func(a common.Address) bool { return a == to }}
	f := &chaineth.Follower{Watcher: w, Feed: node, Quiet: time.Second, Settle: 50 * time.Millisecond}
	done := make(chan error, 1)
	var final chaineth.State
	go func() {
		var err error
		final, err = f.Follow(ctx, chaineth.State{Cursor: head, Head: head}, time.Now().Add(90*time.Second), time.Hour,
			func(context.Context, chaineth.State) error { return nil })
		done <- err
	}()
	amount := big.NewInt(1_234_567)
	if _, err := token.Transfer(auth, to, amount); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		sink.mu.Lock()
		n := len(sink.confirmed)
		sink.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the transfer was not confirmed within 90 s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.seen) != 1 || len(sink.confirmed) != 1 || len(sink.other) != 0 {
		t.Fatalf("seen %d, confirmed %d, reversed %d; want the one transfer seen and confirmed once", len(sink.seen), len(sink.confirmed), len(sink.other))
	}
	if d := sink.confirmed[0]; d.To != to || d.Amount.Cmp(amount) != 0 || d.From != auth.From {
		t.Fatalf("confirmed %s from %s of %s; want %s from %s of %s", d.To, d.From, d.Amount, to, auth.From, amount)
	}
	if f.Subscribes != 1 || f.Pushes == 0 {
		t.Fatalf("%d subscriptions, %d pushed logs; want one subscription that pushed the transfer", f.Subscribes, f.Pushes)
	}
	if final.Cursor < sink.confirmed[0].Block+1 {
		t.Fatalf("cursor %d below the confirming block", final.Cursor)
	}
	t.Logf("%d requests (the subscription, the catch-up and the quiet chain's head reads), %d pushed logs", f.Requests, f.Pushes)
}
