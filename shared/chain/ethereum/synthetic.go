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
	// Calls counts every call; Heads, Headers and Logs count each method.
	Calls, Heads, Headers, Logs int

	branches []branch // (from, salt), ascending
	hashes   []common.Hash
}

type branch struct{ from, salt uint64 }

// Reorg replaces blocks from `from` on with another branch: other hashes,
// and the deposits of its logs fall elsewhere.
func (c *SyntheticChain) Reorg(from uint64) {
	salt := uint64(len(c.branches) + 1)
	c.branches = append(c.branches, branch{from, salt})
	if uint64(len(c.hashes)) > from {
		c.hashes = c.hashes[:from]
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
	data := common.LeftPadBytes(big.NewInt(1_000_000).Bytes(), 32)
	for b := from; b <= to; b++ {
		bh, salt := c.hash(b), c.salt(b)
		for i := 0; i < c.LogsPerBlock; i++ {
			n := int(b)*c.LogsPerBlock + i
			to := common.BigToAddress(big.NewInt(int64(n) + 1_000_000))
			if k := n + int(salt)*3; c.DepositEvery > 0 && k%c.DepositEvery == 0 {
				to = c.Watched[k/c.DepositEvery%len(c.Watched)]
			}
			tx := common.BigToHash(big.NewInt(int64(n)))
			tx[0] = byte(salt)
			logs = append(logs, types.Log{Address: c.Token, BlockNumber: b, BlockHash: bh, Index: uint(i), TxHash: tx, Data: data,
				Topics: []common.Hash{TransferTopic, common.BytesToHash(SyntheticSender(n).Bytes()), common.BytesToHash(to.Bytes())}})
		}
	}
	return logs, nil
}

// SyntheticSender is the sender of the synthetic chain's log number n.
func SyntheticSender(n int) common.Address {
	return common.BigToAddress(big.NewInt(int64(n) + 2_000_000))
}
