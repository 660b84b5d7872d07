package ethereum

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// LogFeed is a node's push API for logs (ethclient.Client over a
// WebSocket has it: eth_subscribe "logs").
type LogFeed interface {
	SubscribeFilterLogs(ctx context.Context, q ethereum.FilterQuery, ch chan<- types.Log) (ethereum.Subscription, error)
}

// pushed is the chain as the watcher reads it while subscribed: the logs
// of recent blocks, kept from the node's answers and pushes, answer
// eth_getLogs without a request once they cover the range; everything
// else (a head, a header, a range not covered) goes to the node and is
// counted.
//
// Coverage: the subscription delivers every block imported after it
// started. A read that reaches the head (to "latest", or to a head the
// node named after the subscription started) therefore covers, together
// with the pushes, every block from its start up: the cache is live.
// Before that, and after the subscription fails, every read goes to the
// node.
type pushed struct {
	node     Chain
	requests int

	subscribed bool
	live       bool
	knownHead  uint64 // a head the node named after subscribing (0: none)
	lo         uint64 // lowest block the cache covers (when live)
	top        uint64 // newest block with a log in the cache
	blocks     map[uint64][]types.Log
	keep       uint64 // blocks kept below top
}

func newPushed(node Chain, keep uint64) *pushed {
	return &pushed{node: node, keep: keep, blocks: map[uint64][]types.Log{}}
}

// reset forgets the cache (the subscription ended: pushes may be lost).
func (p *pushed) reset() {
	p.subscribed, p.live, p.knownHead, p.lo, p.top = false, false, 0, 0, 0
	clear(p.blocks)
}

// take applies one pushed log. A removed log leaves its block; a log of
// a block the cache holds under another hash means that block and all
// above it were replaced (their new logs follow).
func (p *pushed) take(l types.Log) {
	n := l.BlockNumber
	if l.Removed {
		p.blocks[n] = slices.DeleteFunc(p.blocks[n], func(x types.Log) bool {
			return x.BlockHash == l.BlockHash && x.TxHash == l.TxHash && x.Index == l.Index
		})
		if len(p.blocks[n]) == 0 {
			delete(p.blocks, n)
		}
		return
	}
	if have := p.blocks[n]; len(have) > 0 && have[0].BlockHash != l.BlockHash {
		for b := range p.blocks {
			if b >= n {
				delete(p.blocks, b)
			}
		}
	}
	for _, x := range p.blocks[n] {
		if x.TxHash == l.TxHash && x.Index == l.Index {
			return
		}
	}
	p.blocks[n] = append(p.blocks[n], l)
	if n > p.top {
		p.top = n
		p.prune()
	}
}

func (p *pushed) prune() {
	if p.top < p.keep {
		return
	}
	floor := p.top - p.keep
	for b := range p.blocks {
		if b < floor {
			delete(p.blocks, b)
		}
	}
	if p.live && p.lo < floor {
		p.lo = floor
	}
}

// newest is the newest block the cache holds a log of.
func (p *pushed) newest() uint64 {
	var top uint64
	for b := range p.blocks {
		top = max(top, b)
	}
	return top
}

func (p *pushed) BlockNumber(ctx context.Context) (uint64, error) {
	p.requests++
	n, err := p.node.BlockNumber(ctx)
	if err == nil && p.subscribed && p.knownHead == 0 {
		p.knownHead = n
	}
	return n, err
}

func (p *pushed) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	p.requests++
	h, err := p.node.HeaderByNumber(ctx, n)
	if err == nil && n == nil && p.subscribed && p.knownHead == 0 {
		p.knownHead = h.Number.Uint64()
	}
	return h, err
}

func (p *pushed) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	from := q.FromBlock.Uint64()
	if p.live && from >= p.lo {
		return p.cached(from, q.ToBlock), nil
	}
	p.requests++
	logs, err := p.node.FilterLogs(ctx, q)
	if err != nil || !p.subscribed {
		return logs, err
	}
	// Keep the answer's newest blocks; it makes the cache live if it
	// reaches the head.
	reaches := q.ToBlock == nil || p.knownHead > 0 && q.ToBlock.Uint64() >= p.knownHead
	if !reaches {
		return logs, nil
	}
	for b := range p.blocks {
		if b >= from {
			delete(p.blocks, b)
		}
	}
	for _, l := range logs {
		if !l.Removed {
			p.blocks[l.BlockNumber] = append(p.blocks[l.BlockNumber], l)
			p.top = max(p.top, l.BlockNumber)
		}
	}
	if q.ToBlock != nil {
		p.top = max(p.top, q.ToBlock.Uint64())
	}
	p.live, p.lo = true, from
	p.prune()
	return logs, nil
}

// cached answers [from, to] (to nil: the newest) from the cache, in
// block and log order.
func (p *pushed) cached(from uint64, to *big.Int) []types.Log {
	hi := p.newest()
	if to != nil {
		hi = min(hi, to.Uint64())
	}
	var out []types.Log
	for b := from; b <= hi; b++ {
		ls := p.blocks[b]
		slices.SortFunc(ls, func(a, b types.Log) int { return int(a.Index) - int(b.Index) })
		out = append(out, ls...)
	}
	return out
}

// Follower runs the watcher on pushed logs instead of polling: it
// subscribes to the token's Transfer logs, catches up from its state with
// one eth_getLogs, then passes the watcher over each new block as its
// logs arrive, answered from the pushes without a request. The watcher's
// rules hold unchanged (the overlap, confirmations, reversals): a removed
// log (a reorganisation) leaves the cache, so the next pass reverses its
// deposit; a reorganisation deeper than the overlap still reads headers.
// When no log has come for Quiet, a pass asks the node for the head (a
// chain without token logs). If the subscription fails, the follower
// subscribes again and catches up over the gap from its state.
type Follower struct {
	Watcher *Watcher // its Chain is the node (reads not answered by pushes)
	Feed    LogFeed
	// Quiet is how long without a pushed log before a pass asks for the
	// head (default a minute: a watcher run's cadence).
	Quiet time.Duration
	// Settle is how long after a log the follower waits for the rest of
	// its block before a pass (default 200 ms; a late log is still read
	// by the next pass's overlap).
	Settle time.Duration
	// Requests counts JSON-RPC requests sent: subscriptions and the reads
	// that went to the node. Pushes counts the log messages received.
	Requests, Subscribes, Pushes int

	view *pushed
	ch   chan types.Log
	sub  ethereum.Subscription
	node Chain
}

// ErrNoSubscription is returned by Start when the node refuses the
// subscription (an HTTP-only endpoint, or no "logs" subscriptions).
var ErrNoSubscription = errors.New("ethereum: log subscription refused")

// ErrSubscriptionLost is returned by Step when the node ended the
// subscription (the follower subscribes again on the next Start).
var ErrSubscriptionLost = errors.New("ethereum: log subscription lost")

// Start subscribes and catches up from st: a first pass over the node,
// which for a watcher that kept up is one eth_getLogs to "latest".
func (f *Follower) Start(ctx context.Context, st State) (State, error) {
	if f.view == nil {
		f.node = f.Watcher.Chain
		f.view = newPushed(f.node, max(f.Watcher.Window, 128)+f.Watcher.Confirmations)
		f.Watcher.Chain = f.view
	}
	f.Stop()
	f.view.reset()
	f.ch = make(chan types.Log, 4096)
	f.Requests++
	f.Subscribes++
	sub, err := f.Feed.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{f.Watcher.Token},
		Topics: [][]common.Hash{{TransferTopic}}}, f.ch)
	if err != nil {
		return st, errors.Join(ErrNoSubscription, err)
	}
	f.sub, f.view.subscribed = sub, true
	return f.pass(ctx, st)
}

// Stop ends the subscription (closing the connection ends it too).
func (f *Follower) Stop() {
	if f.sub != nil {
		f.sub.Unsubscribe()
		f.sub = nil
	}
}

func (f *Follower) pass(ctx context.Context, st State) (State, error) {
	before := f.view.requests
	st, err := f.Watcher.Poll(ctx, st)
	f.Requests += f.view.requests - before
	return st, err
}

// passKeeping is a pass that, if it fails, leaves the state as it was
// (what the caller saves); one cut short by ctx is no failure.
func (f *Follower) passKeeping(ctx context.Context, st State) (State, error) {
	next, err := f.pass(ctx, st)
	switch {
	case err == nil:
		return next, nil
	case ctx.Err() != nil:
		return st, nil
	}
	return st, err
}

// drain takes every log waiting, without blocking; it says whether any
// came.
func (f *Follower) drain() bool {
	got := false
	for {
		select {
		case l := <-f.ch:
			f.Pushes++
			f.view.take(l)
			got = true
		default:
			return got
		}
	}
}

// Step takes the logs pushed so far and, if any came (or quiet is set),
// passes the watcher over them. It returns ErrSubscriptionLost if the
// node ended the subscription.
func (f *Follower) Step(ctx context.Context, st State, quiet bool) (State, error) {
	select {
	case err := <-f.sub.Err():
		f.sub = nil
		f.view.reset()
		return st, errors.Join(ErrSubscriptionLost, err)
	default:
	}
	if !f.drain() && !quiet {
		return st, nil
	}
	return f.pass(ctx, st)
}

// Follow subscribes, catches up and follows the head until `until`,
// calling checkpoint with the state every `every` (the caller saves it
// and loads new addresses). A lost subscription is renewed, and the gap
// caught up, at most `retries` times.
func (f *Follower) Follow(ctx context.Context, st State, until time.Time, every time.Duration, checkpoint func(context.Context, State) error) (State, error) {
	if f.Quiet == 0 {
		f.Quiet = time.Minute
	}
	if f.Settle == 0 {
		f.Settle = 200 * time.Millisecond
	}
	defer f.Stop()
	next, err := f.Start(ctx, st)
	if err != nil {
		return st, err
	}
	st = next
	lastLog, lastSave := time.Now(), time.Now()
	retries := 3
	end := time.NewTimer(time.Until(until))
	defer end.Stop()
	for {
		quiet := time.NewTimer(f.Quiet - time.Since(lastLog))
		select {
		case <-ctx.Done():
			quiet.Stop()
			return st, nil
		case <-end.C:
			quiet.Stop()
			return st, nil
		case err := <-f.sub.Err():
			quiet.Stop()
			f.sub = nil
			if retries == 0 {
				return st, errors.Join(ErrSubscriptionLost, err)
			}
			retries--
			if next, err = f.Start(ctx, st); err != nil {
				return st, err
			}
			st = next
			continue
		case l := <-f.ch:
			f.Pushes++
			f.view.take(l)
			lastLog = time.Now()
			settle := time.NewTimer(f.Settle)
			select {
			case <-settle.C:
			case <-ctx.Done():
				settle.Stop()
			}
			f.drain()
			if st, err = f.passKeeping(ctx, st); err != nil {
				quiet.Stop()
				return st, err
			}
		case <-quiet.C:
			lastLog = time.Now()
			f.drain()
			if st, err = f.passKeeping(ctx, st); err != nil {
				return st, err
			}
		}
		quiet.Stop()
		if time.Since(lastSave) >= every {
			lastSave = time.Now()
			if err := checkpoint(ctx, st); err != nil {
				return st, err
			}
		}
	}
}
