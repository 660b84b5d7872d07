package ethereum

import (
	"context"
	"encoding/binary"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// SyntheticChain is a deterministic stand-in for an Ethereum node's log
// API, for benchmarking how many calls a scan strategy makes over a long
// chain (a real chain of 100,000 blocks cannot be built in a test run). It
// answers like common providers: more than MaxResults logs, or a range over
// MaxRange blocks, is refused with their error texts. Every block holds
// LogsPerBlock token transfers; every DepositEvery-th of them goes to a
// watched address. Its head moves when the caller raises Head; Reorg
// replaces the blocks from a height on with another branch. Block hashes
// are real header hashes, each header naming its parent's, so a log's
// block hash is its header's.
type SyntheticChain struct {
	Head         uint64
	Token        common.Address
	Watched      []common.Address
	LogsPerBlock int
	DepositEvery int
	MaxResults   int
	MaxRange     uint64
	// Calls counts every call; Heads, Headers, Logs and Subscribes count
	// each method; Pushed counts the log messages pushed.
	Calls, Heads, Headers, Logs, Subscribes, Pushed int

	subs []*syntheticSub

	branches []branch // (from, salt), ascending
	hashes   []common.Hash
}

type branch struct{ from, salt uint64 }

// Reorg replaces blocks from `from` on with another branch: other hashes,
// and the deposits of its logs fall elsewhere.
// Subscribers are pushed the old blocks' logs marked removed, newest
// block first, then the new branch's up to the head.
func (c *SyntheticChain) Reorg(from uint64) {
	var gone []types.Log
	if len(c.subs) > 0 {
		for b := c.Head; b >= from && b > 0; b-- {
			for _, l := range c.blockLogs(nil, b) {
				l.Removed = true
				gone = append(gone, l)
			}
		}
	}
	salt := uint64(len(c.branches) + 1)
	c.branches = append(c.branches, branch{from, salt})
	if uint64(len(c.hashes)) > from {
		c.hashes = c.hashes[:from]
	}
	if len(c.subs) > 0 {
		c.push(gone)
		var added []types.Log
		for b := from; b <= c.Head; b++ {
			added = c.blockLogs(added, b)
		}
		c.push(added)
	}
}

func (c *SyntheticChain) salt(n uint64) uint64 {
	var s uint64
	for _, b := range c.branches {
		if n >= b.from {
			s = b.salt
		}
	}
	return s
}

func (c *SyntheticChain) header(n uint64) *types.Header {
	extra := make([]byte, 16)
	binary.BigEndian.PutUint64(extra, n)
	binary.BigEndian.PutUint64(extra[8:], c.salt(n))
	h := &types.Header{Number: new(big.Int).SetUint64(n), Extra: extra, Difficulty: big.NewInt(0)}
	if n > 0 {
		h.ParentHash = c.hash(n - 1)
	}
	return h
}

// hash is block n's hash (the chain's hashes are computed once, upwards).
func (c *SyntheticChain) hash(n uint64) common.Hash {
	for uint64(len(c.hashes)) <= n {
		c.hashes = append(c.hashes, c.header(uint64(len(c.hashes))).Hash())
	}
	return c.hashes[n]
}

// BlockNumber returns the head.
func (c *SyntheticChain) BlockNumber(context.Context) (uint64, error) {
	c.Calls++
	c.Heads++
	return c.Head, nil
}

// HeaderByNumber returns block n's header (nil: the head's).
func (c *SyntheticChain) HeaderByNumber(_ context.Context, n *big.Int) (*types.Header, error) {
	c.Calls++
	c.Headers++
	if n == nil {
		n = new(big.Int).SetUint64(c.Head)
	}
	if n.Uint64() > c.Head {
		return nil, ethereum.NotFound
	}
	c.hash(n.Uint64())
	return c.header(n.Uint64()), nil
}

// FilterLogs returns the range's logs (to the head when ToBlock is nil) or
// a provider's refusal.
func (c *SyntheticChain) FilterLogs(_ context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	c.Calls++
	c.Logs++
	from, to := q.FromBlock.Uint64(), c.Head
	if q.ToBlock != nil {
		to = min(q.ToBlock.Uint64(), c.Head)
	}
	if from > to {
		return nil, nil
	}
	if c.MaxRange > 0 && to-from+1 > c.MaxRange {
		return nil, errors.New("exceed maximum block range: block range too large")
	}
	if c.MaxResults > 0 && int(to-from+1)*c.LogsPerBlock > c.MaxResults {
		return nil, errors.New("query returned more than 10000 results")
	}
	logs := make([]types.Log, 0, int(to-from+1)*c.LogsPerBlock)
	for b := from; b <= to; b++ {
		logs = c.blockLogs(logs, b)
	}
	return logs, nil
}

var syntheticAmount = [32]byte{29: 0x0f, 30: 0x42, 31: 0x40} // 1,000,000 as a uint256, written out

// blockLogs appends block b's logs on the current branch.
func (c *SyntheticChain) blockLogs(logs []types.Log, b uint64) []types.Log {
	bh, salt := c.hash(b), c.salt(b)
	for i := 0; i < c.LogsPerBlock; i++ {
		n := int(b)*c.LogsPerBlock + i
		to := common.BigToAddress(big.NewInt(int64(n) + 1_000_000))
		if k := n + int(salt)*3; c.DepositEvery > 0 && k%c.DepositEvery == 0 {
			to = c.Watched[k/c.DepositEvery%len(c.Watched)]
		}
		tx := common.BigToHash(big.NewInt(int64(n)))
		tx[0] = byte(salt)
		logs = append(logs, types.Log{Address: c.Token, BlockNumber: b, BlockHash: bh, Index: uint(i), TxHash: tx, Data: syntheticAmount[:],
			Topics: []common.Hash{TransferTopic, common.BytesToHash(SyntheticSender(n).Bytes()), common.BytesToHash(to.Bytes())}})
	}
	return logs
}

// SubscribeFilterLogs subscribes to the token's logs as a node's
// eth_subscribe "logs" does: Mine pushes each new block's logs, Reorg
// pushes the replaced blocks' logs marked removed and then the new
// branch's. The channel must have room for a block's logs (the node
// ends a subscription that falls behind). Pushed counts the messages.
func (c *SyntheticChain) SubscribeFilterLogs(_ context.Context, _ ethereum.FilterQuery, ch chan<- types.Log) (ethereum.Subscription, error) {
	c.Calls++
	c.Subscribes++
	s := &syntheticSub{ch: ch, err: make(chan error, 1)}
	c.subs = append(c.subs, s)
	return s, nil
}

type syntheticSub struct {
	ch   chan<- types.Log
	err  chan error
	done bool
}

func (s *syntheticSub) Unsubscribe()      { s.done = true }
func (s *syntheticSub) Err() <-chan error { return s.err }

// push sends logs to every live subscription; one that has no room is
// ended with an error.
func (c *SyntheticChain) push(logs []types.Log) {
	live := c.subs[:0]
	for _, s := range c.subs {
		if s.done {
			continue
		}
		for _, l := range logs {
			select {
			case s.ch <- l:
				c.Pushed++
			default:
				s.done = true
				s.err <- errors.New("subscription queue overflow")
			}
			if s.done {
				break
			}
		}
		if !s.done {
			live = append(live, s)
		}
	}
	c.subs = live
}

// Mine raises the head by n blocks, pushing each one's logs.
func (c *SyntheticChain) Mine(n uint64) {
	for i := uint64(0); i < n; i++ {
		c.Head++
		if len(c.subs) > 0 {
			c.push(c.blockLogs(nil, c.Head))
		}
	}
}

// Drop ends every subscription with an error (a lost connection); blocks
// mined before the next subscription are pushed to no one.
func (c *SyntheticChain) Drop() {
	for _, s := range c.subs {
		if !s.done {
			s.done = true
			s.err <- errors.New("websocket: close 1006 (abnormal closure)")
		}
	}
	c.subs = nil
}

// SyntheticSender is the sender of the synthetic chain's log number n.
func SyntheticSender(n int) common.Address {
	return common.BigToAddress(big.NewInt(int64(n) + 2_000_000))
}
