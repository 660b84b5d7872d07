package ethereum

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// TransferTopic is keccak256("Transfer(address,address,uint256)").
var TransferTopic = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))

// Chain is what the watcher reads from a node (ethclient.Client has it).
type Chain interface {
	BlockNumber(ctx context.Context) (uint64, error)
	HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// Deposit is a token transfer into a watched address.
type Deposit struct {
	TxHash    common.Hash
	LogIndex  uint
	Block     uint64
	BlockHash common.Hash
	To        common.Address
	// From is the token's sender (the Transfer log's first indexed topic),
	// screened on arrival.
	From   common.Address
	Amount *big.Int
}

// Sink receives deposits: credited pending when seen, made available at
// the confirmation depth, reversed if their block leaves the chain. Each
// call must be idempotent (the watcher may repeat one after a crash).
type Sink interface {
	Seen(ctx context.Context, d Deposit) error
	Confirm(ctx context.Context, d Deposit) error
	Reverse(ctx context.Context, d Deposit) error
}

// State is what the watcher keeps between runs.
type State struct {
	Cursor  uint64                 // last block scanned
	Hashes  map[uint64]common.Hash // recent canonical block hashes, for reorg detection
	Pending []Deposit              // seen, not yet confirmed
}

// Watcher scans the token's Transfer logs for deposits to watched addresses.
type Watcher struct {
	Chain         Chain
	Token         common.Address
	Confirmations uint64
	// Watched looks up a recipient (constant time: a map or an index).
	Watched func(common.Address) bool
	Sink    Sink
	// Range bounds of eth_getLogs: the range grows while answers are small
	// and splits on "too many results" or rate-limit answers.
	MinRange, MaxRange uint64
	// Window is how many recent block hashes are kept to find a fork point.
	Window uint64
	// Calls counts RPC calls (benchmarks report it).
	Calls int
	rng   uint64
	Sleep func(time.Duration)
}

func (w *Watcher) defaults() {
	if w.MinRange == 0 {
		w.MinRange = 1
	}
	if w.MaxRange == 0 {
		w.MaxRange = 10_000
	}
	if w.Window == 0 {
		w.Window = 128
	}
	if w.rng == 0 {
		w.rng = 100
	}
	if w.Sleep == nil {
		w.Sleep = time.Sleep
	}
}

// ErrTooManyResults and rate limits are recognised from providers' answers.
func splittable(err error) (split, backoff bool) {
	m := strings.ToLower(err.Error())
	switch {
	case strings.Contains(m, "429"), strings.Contains(m, "rate limit"), strings.Contains(m, "too many requests"):
		return true, true
	case strings.Contains(m, "too many results"), strings.Contains(m, "query returned more than"),
		strings.Contains(m, "block range"), strings.Contains(m, "limit exceeded"), strings.Contains(m, "response size"):
		return true, false
	}
	return false, false
}

// Poll runs one pass: find and undo a reorganisation, scan new blocks,
// confirm what is deep enough. It returns the new state; the caller saves it.
func (w *Watcher) Poll(ctx context.Context, st State) (State, error) {
	w.defaults()
	if st.Hashes == nil {
		st.Hashes = map[uint64]common.Hash{}
	}
	head, err := w.Chain.BlockNumber(ctx)
	w.Calls++
	if err != nil {
		return st, err
	}
	if st, err = w.rewind(ctx, st); err != nil {
		return st, err
	}
	for from := st.Cursor + 1; from <= head; {
		to := min(from+w.rng-1, head)
		logs, err := w.Chain.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(to),
			Addresses: []common.Address{w.Token}, Topics: [][]common.Hash{{TransferTopic}},
		})
		w.Calls++
		if err != nil {
			split, backoff := splittable(err)
			if !split || w.rng == w.MinRange && !backoff {
				return st, err
			}
			if backoff {
				w.Sleep(200 * time.Millisecond)
			}
			w.rng = max(w.rng/2, w.MinRange)
			continue
		}
		for _, l := range logs {
			if l.Removed || len(l.Topics) != 3 || len(l.Data) != 32 {
				continue
			}
			dst := common.BytesToAddress(l.Topics[2].Bytes())
			if !w.Watched(dst) {
				continue
			}
			d := Deposit{TxHash: l.TxHash, LogIndex: l.Index, Block: l.BlockNumber, BlockHash: l.BlockHash, To: dst,
				From: common.BytesToAddress(l.Topics[1].Bytes()), Amount: new(big.Int).SetBytes(l.Data)}
			if err := w.Sink.Seen(ctx, d); err != nil {
				return st, err
			}
			st.Pending = append(st.Pending, d)
		}
		if len(logs) < 1000 {
			w.rng = min(w.rng*2, w.MaxRange)
		}
		st.Cursor = to
		from = to + 1
	}
	// Remember the hashes of the newest blocks (for the next rewind).
	for n := head; n+w.Window > head && n > 0; n-- {
		if _, ok := st.Hashes[n]; ok {
			break
		}
		h, err := w.Chain.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
		w.Calls++
		if err != nil {
			return st, err
		}
		st.Hashes[n] = h.Hash()
	}
	for n := range st.Hashes {
		if n+w.Window <= head {
			delete(st.Hashes, n)
		}
	}
	// Confirm what is deep enough and still on the chain.
	var still []Deposit
	for _, d := range st.Pending {
		if head+1-d.Block < w.Confirmations {
			still = append(still, d)
			continue
		}
		if h, ok := st.Hashes[d.Block]; ok && h != d.BlockHash {
			still = append(still, d) // its block changed: the next rewind reverses it
			continue
		}
		if err := w.Sink.Confirm(ctx, d); err != nil {
			return st, err
		}
	}
	st.Pending = still
	return st, nil
}

// rewind finds the newest remembered block still on the chain; deposits in
// blocks after it are reversed and scanning resumes from there.
func (w *Watcher) rewind(ctx context.Context, st State) (State, error) {
	if len(st.Hashes) == 0 {
		return st, nil
	}
	fork := st.Cursor
	for ; fork > 0; fork-- {
		want, ok := st.Hashes[fork]
		if !ok {
			if fork+w.Window <= st.Cursor {
				return st, errors.New("ethereum: reorganisation deeper than the remembered window")
			}
			continue
		}
		h, err := w.Chain.HeaderByNumber(ctx, new(big.Int).SetUint64(fork))
		w.Calls++
		if err == nil && h.Hash() == want {
			break
		}
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			return st, err
		}
	}
	if fork == st.Cursor {
		return st, nil
	}
	var kept []Deposit
	for _, d := range st.Pending {
		if d.Block > fork {
			if err := w.Sink.Reverse(ctx, d); err != nil {
				return st, err
			}
			continue
		}
		kept = append(kept, d)
	}
	for n := range st.Hashes {
		if n > fork {
			delete(st.Hashes, n)
		}
	}
	st.Pending, st.Cursor = kept, fork
	return st, nil
}
