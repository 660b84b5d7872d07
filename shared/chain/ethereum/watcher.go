package ethereum

import (
	"context"
	"errors"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// TransferTopic is keccak256("Transfer(address,address,uint256)"), written
// out so that no hash runs at package init (a test recomputes it).
var TransferTopic = common.Hash{0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa, 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef}

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

// State is what the watcher keeps between runs (the caller saves it).
type State struct {
	Cursor uint64 // last block scanned
	// Head is the newest head the last pass knew (equal to Cursor after a
	// pass: deposits are confirmed against it).
	Head uint64
	// Hashes are the hashes of recent blocks, learnt from their logs (and,
	// on a chain without token logs, from the head's header), kept for
	// Window blocks below the cursor to find a fork point.
	Hashes  map[uint64]common.Hash
	Pending []Deposit // seen, not yet confirmed
	// Range is the adaptive eth_getLogs range, kept across runs so a new
	// invocation does not start small again.
	Range uint64 `json:",omitempty"`
	// Quiet is set when the last pass found no new token logs: the next
	// asks for the head first (a chain with few transfers).
	Quiet bool `json:",omitempty"`
}

// Watcher scans the token's Transfer logs for deposits to watched
// addresses, following the chain's head at about one call per pass.
//
// A pass reads the logs of the new blocks together with those of the
// newest Confirmations-1 blocks it read before (the overlap), in one
// eth_getLogs. The overlap is where deposits are still pending, so a
// reorganisation up to that depth shows in the answer itself: a pending
// deposit whose log is gone, or now carries another block hash, is
// reversed; a new one is seen. A block hash commits to all its ancestors,
// so one block of the overlap whose logs carry the hash remembered for it
// proves everything below unchanged: no header is read. Only when no block
// of the overlap proves it (no token logs there, or all changed: a
// reorganisation deeper than the overlap) are remembered blocks' headers
// read, newest first, to find the fork point, and the scan restarts there.
//
// When the last pass saw token logs and is close to the head, the pass
// asks for logs up to "latest" and takes the newest block in the answer
// as the head: one call. Otherwise (catching up, a quiet chain, an
// answer refused as too large) it reads the head's header, then the logs
// in ranges that grow while the provider answers and halve when it
// refuses.
type Watcher struct {
	Chain         Chain
	Token         common.Address
	Confirmations uint64
	// Watched looks up a recipient (constant time: a map or an index).
	Watched func(common.Address) bool
	Sink    Sink
	// Range bounds of eth_getLogs: the range grows while answers hold
	// fewer than LogTarget/2 logs and splits on "too many results" or
	// rate-limit answers.
	MinRange, MaxRange uint64
	LogTarget          int
	// Window is how many blocks below the cursor hashes are kept for, to
	// find a fork point.
	Window uint64
	// Calls counts RPC calls (benchmarks report it).
	Calls int
	Sleep func(time.Duration)
}

func (w *Watcher) defaults(st *State) {
	if w.MinRange == 0 {
		w.MinRange = 1
	}
	if w.MaxRange == 0 {
		w.MaxRange = 10_000
	}
	if w.LogTarget == 0 {
		w.LogTarget = 10_000
	}
	if w.Window == 0 {
		w.Window = 128
	}
	if w.Sleep == nil {
		w.Sleep = time.Sleep
	}
	if st.Range == 0 {
		st.Range = 100
	}
	st.Range = min(max(st.Range, w.MinRange), w.MaxRange)
	if st.Hashes == nil {
		st.Hashes = map[uint64]common.Hash{}
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

// overlap is how many scanned blocks each pass reads again: those whose
// deposits can still be pending (a deposit at depth Confirmations is
// confirmed, so it is never seen twice).
func (w *Watcher) overlap() uint64 {
	if w.Confirmations <= 1 {
		return 0
	}
	return w.Confirmations - 1
}

func (w *Watcher) logs(ctx context.Context, from uint64, to *big.Int) ([]types.Log, error) {
	w.Calls++
	return w.Chain.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(from), ToBlock: to,
		Addresses: []common.Address{w.Token}, Topics: [][]common.Hash{{TransferTopic}}})
}

func (w *Watcher) header(ctx context.Context, n *big.Int) (*types.Header, error) {
	w.Calls++
	return w.Chain.HeaderByNumber(ctx, n)
}

// pass is one scan in progress: the deposits pending by key, those
// verified again by this pass's answers, and the block hashes the answers
// carry.
type pass struct {
	st       *State
	pending  map[string]bool
	verified map[string]bool
	hashes   map[uint64]common.Hash
}

func depositKey(d Deposit) string {
	return string(d.TxHash[:]) + string(d.BlockHash[:]) + string(rune(d.LogIndex))
}

// Poll runs one pass: scan the new blocks (with the overlap), undo what a
// reorganisation took away, confirm what is deep enough. It returns the
// new state; the caller saves it.
func (w *Watcher) Poll(ctx context.Context, st State) (State, error) {
	w.defaults(&st)
	st.Hashes = maps.Clone(st.Hashes)
	st.Pending = slices.Clone(st.Pending)
	old := st.Cursor
	from := uint64(1)
	if old > 0 {
		from = old + 1 - min(w.overlap(), old-1)
	}
	var (
		head    uint64
		first   []types.Log // the answer for [from, firstTo]
		firstTo uint64
		proven  bool // the chain below from is known unchanged
	)
	fast := !st.Quiet && old > 0 && st.Head == old
	if fast {
		logs, err := w.logs(ctx, from, nil)
		switch {
		case err == nil && topBlock(logs) > old:
			head = topBlock(logs)
			first, firstTo = logs, head
		case err == nil:
			fast = false // no new token logs: ask for the head
		default:
			if split, _ := splittable(err); !split {
				return st, err
			}
			fast = false // far behind: scan in ranges
		}
	}
	if !fast {
		h, err := w.header(ctx, nil)
		if err != nil {
			return st, err
		}
		head = h.Number.Uint64()
		if old > 0 && head == old && st.Hashes[head] == h.Hash() {
			// Nothing new: the head is the block scanned last.
			return w.confirm(ctx, st, head)
		}
		// One new block whose parent is the one scanned last.
		proven = head == old+1 && st.Hashes[old] == h.ParentHash && old > 0
		defer func() { st.Hashes[head] = h.Hash() }()
		from = min(from, head+1)
	}
	// The fork check: does the overlap's answer prove the chain below it?
	if old > 0 && len(st.Hashes) > 0 && !proven {
		if first == nil && from <= head {
			logs, end, err := w.ranged(ctx, &st, from, head)
			if err != nil {
				return st, err
			}
			first, firstTo = logs, end
		}
		if !anchored(st.Hashes, first, old) {
			fork, err := w.forkPoint(ctx, st)
			if err != nil {
				return st, err
			}
			if fork+1 < from {
				from, first = fork+1, nil
			}
		}
	}
	// Hashes remembered for the blocks read again are replaced by the
	// answers' (a block without logs now keeps none).
	for b := range st.Hashes {
		if b >= from {
			delete(st.Hashes, b)
		}
	}
	p := &pass{st: &st, hashes: map[uint64]common.Hash{}}
	p.index()
	if first != nil {
		if err := w.absorb(ctx, p, first, from, firstTo); err != nil {
			return st, err
		}
		from = firstTo + 1
	}
	for from <= head {
		logs, end, err := w.ranged(ctx, &st, from, head)
		if err != nil {
			return st, err
		}
		if err := w.absorb(ctx, p, logs, from, end); err != nil {
			return st, err
		}
		from = end + 1
	}
	// A chain now shorter than the cursor: what was above it left.
	if err := w.reverseAbove(ctx, p, head); err != nil {
		return st, err
	}
	st.Quiet = true
	for b, h := range p.hashes {
		st.Hashes[b] = h
		if b > old {
			st.Quiet = false
		}
	}
	for b := range st.Hashes {
		if b+w.Window <= head {
			delete(st.Hashes, b)
		}
	}
	st.Cursor = head
	return w.confirm(ctx, st, head)
}

// ranged reads the logs of [from, to] or of the longest range from `from`
// the provider answers, and returns where the answer ends. The state's
// range doubles after an answer under half the log target and halves on
// a refusal.
func (w *Watcher) ranged(ctx context.Context, st *State, from, to uint64) ([]types.Log, uint64, error) {
	for {
		end := min(to, from+st.Range-1)
		logs, err := w.logs(ctx, from, new(big.Int).SetUint64(end))
		if err == nil {
			if len(logs) < w.LogTarget/2 && end == from+st.Range-1 {
				st.Range = min(st.Range*2, w.MaxRange)
			}
			return logs, end, nil
		}
		split, backoff := splittable(err)
		if !split || st.Range == w.MinRange && !backoff {
			return nil, 0, err
		}
		if backoff {
			w.Sleep(200 * time.Millisecond)
		}
		st.Range = max(st.Range/2, w.MinRange)
	}
}

func (p *pass) index() {
	p.pending, p.verified = make(map[string]bool, len(p.st.Pending)), map[string]bool{}
	for _, d := range p.st.Pending {
		p.pending[depositKey(d)] = true
	}
}

// absorb takes an answer for blocks [lo, hi]: new deposits seen, pending
// ones in the range verified, those missing from it reversed.
func (w *Watcher) absorb(ctx context.Context, p *pass, logs []types.Log, lo, hi uint64) error {
	for i := range logs {
		l := &logs[i]
		if l.Removed || l.BlockNumber < lo || l.BlockNumber > hi {
			continue
		}
		p.hashes[l.BlockNumber] = l.BlockHash
		if len(l.Topics) != 3 || len(l.Data) != 32 {
			continue
		}
		dst := common.Address(l.Topics[2][12:])
		if !w.Watched(dst) {
			continue
		}
		d := Deposit{TxHash: l.TxHash, LogIndex: l.Index, Block: l.BlockNumber, BlockHash: l.BlockHash, To: dst,
			From: common.Address(l.Topics[1][12:]), Amount: new(big.Int).SetBytes(l.Data)}
		k := depositKey(d)
		p.verified[k] = true
		if p.pending[k] {
			continue
		}
		if err := w.Sink.Seen(ctx, d); err != nil {
			return err
		}
		p.pending[k] = true
		p.st.Pending = append(p.st.Pending, d)
	}
	// A pending deposit in the range that the answer no longer holds (its
	// block left the chain, or it moved to another block) is reversed.
	kept := p.st.Pending[:0:0]
	for _, d := range p.st.Pending {
		if d.Block >= lo && d.Block <= hi && !p.verified[depositKey(d)] {
			if err := w.Sink.Reverse(ctx, d); err != nil {
				return err
			}
			delete(p.pending, depositKey(d))
			continue
		}
		kept = append(kept, d)
	}
	p.st.Pending = kept
	return nil
}

// reverseAbove reverses pending deposits above head (the chain got
// shorter than the cursor).
func (w *Watcher) reverseAbove(ctx context.Context, p *pass, head uint64) error {
	var kept []Deposit
	for _, d := range p.st.Pending {
		if d.Block > head {
			if err := w.Sink.Reverse(ctx, d); err != nil {
				return err
			}
			continue
		}
		kept = append(kept, d)
	}
	p.st.Pending = kept
	return nil
}

// confirm confirms pending deposits at the confirmation depth under head.
func (w *Watcher) confirm(ctx context.Context, st State, head uint64) (State, error) {
	st.Head = head
	var still []Deposit
	for _, d := range st.Pending {
		if head+1-d.Block < w.Confirmations {
			still = append(still, d)
			continue
		}
		if err := w.Sink.Confirm(ctx, d); err != nil {
			return st, err
		}
	}
	st.Pending = still
	return st, nil
}

// anchored says whether a block at or below the cursor carries, in logs,
// the hash remembered for it: then it and all its ancestors are unchanged.
func anchored(hashes map[uint64]common.Hash, logs []types.Log, cursor uint64) bool {
	for i := range logs {
		l := &logs[i]
		if l.BlockNumber <= cursor && !l.Removed {
			if h, ok := hashes[l.BlockNumber]; ok && h == l.BlockHash {
				return true
			}
		}
	}
	return false
}

// forkPoint reads the headers of remembered blocks at or below the cursor,
// newest first, and returns the newest still on the chain (the scan
// restarts after it). The newest remembered block is usually the cursor
// itself: one header on a chain without token logs.
func (w *Watcher) forkPoint(ctx context.Context, st State) (uint64, error) {
	var known []uint64
	for b := range st.Hashes {
		if b <= st.Cursor {
			known = append(known, b)
		}
	}
	slices.Sort(known)
	for i := len(known) - 1; i >= 0; i-- {
		b := known[i]
		h, err := w.header(ctx, new(big.Int).SetUint64(b))
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			return 0, err
		}
		if err == nil && h.Hash() == st.Hashes[b] {
			return b, nil
		}
	}
	return 0, errors.New("ethereum: reorganisation deeper than the remembered window")
}

func topBlock(logs []types.Log) uint64 {
	var top uint64
	for i := range logs {
		top = max(top, logs[i].BlockNumber)
	}
	return top
}
