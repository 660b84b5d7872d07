package ethereum

import (
	"context"
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
// watched address.
type SyntheticChain struct {
	Head         uint64
	Token        common.Address
	Watched      []common.Address
	LogsPerBlock int
	DepositEvery int
	MaxResults   int
	MaxRange     uint64
	Calls        int
}

// BlockNumber returns the head.
func (c *SyntheticChain) BlockNumber(context.Context) (uint64, error) {
	c.Calls++
	return c.Head, nil
}

func blockHash(n uint64) common.Hash {
	return common.BigToHash(new(big.Int).SetUint64(n*2654435761 + 1))
}

// HeaderByNumber returns a header whose hash is fixed by its number.
func (c *SyntheticChain) HeaderByNumber(_ context.Context, n *big.Int) (*types.Header, error) {
	c.Calls++
	if n == nil {
		n = new(big.Int).SetUint64(c.Head)
	}
	return &types.Header{Number: n, Extra: blockHash(n.Uint64()).Bytes()}, nil
}

// FilterLogs returns the range's logs or a provider's refusal.
func (c *SyntheticChain) FilterLogs(_ context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	c.Calls++
	from, to := q.FromBlock.Uint64(), q.ToBlock.Uint64()
	if c.MaxRange > 0 && to-from+1 > c.MaxRange {
		return nil, errors.New("exceed maximum block range: block range too large")
	}
	if c.MaxResults > 0 && int(to-from+1)*c.LogsPerBlock > c.MaxResults {
		return nil, errors.New("query returned more than 10000 results")
	}
	var logs []types.Log
	for b := from; b <= to; b++ {
		for i := 0; i < c.LogsPerBlock; i++ {
			n := int(b)*c.LogsPerBlock + i
			to := common.BigToAddress(big.NewInt(int64(n) + 1_000_000))
			if c.DepositEvery > 0 && n%c.DepositEvery == 0 {
				to = c.Watched[n/c.DepositEvery%len(c.Watched)]
			}
			logs = append(logs, types.Log{Address: c.Token, BlockNumber: b, BlockHash: blockHash(b), Index: uint(i),
				TxHash: common.BigToHash(big.NewInt(int64(n))), Data: common.LeftPadBytes(big.NewInt(1_000_000).Bytes(), 32),
				Topics: []common.Hash{TransferTopic, common.BytesToHash(SyntheticSender(n).Bytes()), common.BytesToHash(to.Bytes())}})
		}
	}
	return logs, nil
}

// SyntheticSender is the sender of the synthetic chain's log number n.
func SyntheticSender(n int) common.Address {
	return common.BigToAddress(big.NewInt(int64(n) + 2_000_000))
}
