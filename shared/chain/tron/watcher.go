package tron

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
)

// Deposit is a TRC20 transfer into a watched address.
type Deposit struct {
	TxID  string
	Index uint
	Block uint64
	TS    int64
	To    address.Account
	// From is the token's sender (the event's from), screened on arrival;
	// zero when the event does not name one.
	From   address.Account
	Amount *big.Int
}

// Key names the deposit on its block: a transfer re-included in another
// block after a reorganisation is another deposit (the first reversed).
func (d Deposit) Key() string { return fmt.Sprintf("%s:%d:%d", d.TxID, d.Index, d.Block) }

// Sink receives deposits: credited pending when seen, made available once
// their block is solidified, reversed if their transaction left the chain.
// Each call must be idempotent.
type Sink interface {
	Seen(ctx context.Context, d Deposit) error
	Confirm(ctx context.Context, d Deposit) error
	Reverse(ctx context.Context, d Deposit) error
}

// State is what the watcher keeps between runs: the timestamp it has read
// events up to, the keys of the events at exactly that timestamp (the next
// read starts there again), and the deposits waiting for solidity.
type State struct {
	CursorTS int64
	Boundary []string
	Pending  []Deposit
}

// Watcher reads the token's Transfer events through the events API, pages
// by fingerprint, and credits those to watched addresses. Tron blocks are
// final once solidified (19 blocks): a deposit is available then, after a
// check that its transaction is in the block it was seen in and succeeded.
type Watcher struct {
	Grid     *Grid
	Token    string // base58
	Watched  func(address.Account) bool
	Sink     Sink
	PageSize int
}

// Poll runs one pass and returns the new state; the caller saves it.
func (w *Watcher) Poll(ctx context.Context, st State) (State, error) {
	size := w.PageSize
	if size == 0 {
		size = 200
	}
	seen := map[string]bool{}
	for _, k := range st.Boundary {
		seen[k] = true
	}
	for _, d := range st.Pending {
		seen[d.Key()] = true
	}
	cursor, boundary := st.CursorTS, st.Boundary
	fp := ""
	for {
		evs, next, err := w.Grid.Events(ctx, w.Token, st.CursorTS, fp, size)
		if err != nil {
			return st, err
		}
		for _, e := range evs {
			d, ok := deposit(e)
			if !ok {
				continue
			}
			if e.Timestamp > cursor {
				cursor, boundary = e.Timestamp, nil
			}
			if e.Timestamp == cursor {
				boundary = append(boundary, d.Key())
			}
			if seen[d.Key()] || !w.Watched(d.To) {
				continue
			}
			seen[d.Key()] = true
			if err := w.Sink.Seen(ctx, d); err != nil {
				return st, err
			}
			st.Pending = append(st.Pending, d)
		}
		if next == "" {
			break
		}
		fp = next
	}
	st.CursorTS, st.Boundary = cursor, boundary
	if len(st.Pending) == 0 {
		// Nothing waits for solidity: the pass was one events read.
		return st, nil
	}
	solid, err := w.Grid.NowBlock(ctx, true)
	if err != nil {
		return st, err
	}
	var still []Deposit
	for _, d := range st.Pending {
		if d.Block > solid.Number {
			still = append(still, d)
			continue
		}
		info, err := w.Grid.TxInfo(ctx, d.TxID)
		if err != nil {
			return st, err
		}
		if info.Found && info.Block == d.Block && info.Result == "SUCCESS" {
			err = w.Sink.Confirm(ctx, d)
		} else {
			err = w.Sink.Reverse(ctx, d)
		}
		if err != nil {
			return st, err
		}
	}
	st.Pending = still
	return st, nil
}

// deposit reads a Transfer event (addresses as 0x-hex or base58).
func deposit(e TransferEvent) (Deposit, bool) {
	if e.Name != "Transfer" {
		return Deposit{}, false
	}
	to, ok := eventAddress(e.Result.To)
	amount, ok2 := new(big.Int).SetString(e.Result.Value, 10)
	if !ok || !ok2 || amount.Sign() <= 0 {
		return Deposit{}, false
	}
	from, _ := eventAddress(e.Result.From)
	return Deposit{TxID: e.TxID, Index: e.Index, Block: e.Block, TS: e.Timestamp, To: to, From: from, Amount: amount}, true
}

func eventAddress(s string) (address.Account, bool) {
	var a address.Account
	if strings.HasPrefix(s, "T") {
		a, err := address.Parse("tron", s)
		return a, err == nil
	}
	h := strings.TrimPrefix(s, "0x")
	if len(h) == 42 && strings.HasPrefix(h, "41") {
		h = h[2:]
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 20 {
		return a, false
	}
	copy(a[:], b)
	return a, true
}
