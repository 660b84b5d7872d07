// Package multisend pays many recipients of one token in one Ethereum
// transaction through Stablegate's Multisend contract
// (infra/contracts/Multisend.sol; its abigen binding, for tests and the local
// chain, is package multisendbind).
//
// The hot wallet funds a batch in one step, either by approving the contract
// once for good and passing the batch total as pull (the contract takes it
// with one transferFrom inside the batch transaction), or by transferring the
// total to the contract beforehand and passing pull = 0. Each recipient is a
// separate token.transfer: one the token refuses fails alone, is named by a
// Failed event, and its amount returns to the hot wallet in the same
// transaction. Pack builds the calldata, ParseResults reads a mined receipt
// back into one Result per payout.
//
// The package is an adapter: it imports the domain and go-ethereum only.
package multisend

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/chain/multisendlog"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxBatch is the most payouts one batch takes (POST /v1/payout-batches'
// limit). 500 payouts to fresh holders cost about 13.6M gas, under the
// 16.7M a transaction may use since Osaka (EIP-7825).
const MaxBatch = 500

var (
	// ErrEmpty: a batch needs at least one payout.
	ErrEmpty = errors.New("multisend: empty batch")
	// ErrTooMany: more than MaxBatch payouts.
	ErrTooMany = errors.New("multisend: more than 500 payouts")
	// ErrAmount: a payout's amount is not positive.
	ErrAmount = errors.New("multisend: amount must be positive")
	// ErrRecipient: a payout goes to the zero address.
	ErrRecipient = errors.New("multisend: recipient is the zero address")
	// ErrReverted: the batch transaction reverted; nothing was paid.
	ErrReverted = errors.New("multisend: batch transaction reverted")
	// ErrNotThisBatch: the receipt is not the mined form of this batch
	// (no Batch event from the contract, or another batch's items).
	ErrNotThisBatch = errors.New("multisend: receipt does not carry this batch")
)

// Payout is one recipient of a batch.
type Payout struct {
	To     common.Address
	Amount sg.Amount // base units
}

// Result is what became of one payout of a mined batch.
type Result struct {
	Index  int
	To     common.Address
	Amount sg.Amount
	// Paid is true when the token moved Amount to To; false when the token
	// refused it (the amount went back to the hot wallet in the same
	// transaction).
	Paid bool
}

// contractABI is parsed at its first use, not at package init: every
// function linking this package would pay for it at each cold start.
var contractABI = sync.OnceValue(func() *abi.ABI {
	a, err := abi.JSON(strings.NewReader(contractABIJSON))
	if err != nil {
		panic(fmt.Sprintf("multisend: ABI: %v", err))
	}
	return &a
})

// Items lays out a batch as the contract takes it: one 32-byte word per
// payout, the amount (uint96) in the high 12 bytes, the recipient in the
// low 20.
func Items(batch []Payout) ([][32]byte, error) {
	if len(batch) == 0 {
		return nil, ErrEmpty
	}
	if len(batch) > MaxBatch {
		return nil, ErrTooMany
	}
	out := make([][32]byte, len(batch))
	for i, p := range batch {
		if p.Amount <= 0 {
			return nil, fmt.Errorf("%w (payout %d)", ErrAmount, i)
		}
		if p.To == (common.Address{}) {
			return nil, fmt.Errorf("%w (payout %d)", ErrRecipient, i)
		}
		binary.BigEndian.PutUint64(out[i][4:12], uint64(p.Amount)) // an int64 fits the uint96
		copy(out[i][12:], p.To[:])
	}
	return out, nil
}

// Total is the sum of a batch's amounts.
func Total(batch []Payout) (sg.Amount, error) {
	var t sg.Amount
	for i, p := range batch {
		if p.Amount <= 0 {
			return 0, fmt.Errorf("%w (payout %d)", ErrAmount, i)
		}
		if t > sg.Amount(1<<62)-p.Amount {
			return 0, fmt.Errorf("multisend: batch total overflows")
		}
		t += p.Amount
	}
	return t, nil
}

// Pack is the calldata of pay(token, pull, items). With pull the contract
// takes the batch total from the hot wallet (which approved it once);
// without, the hot wallet must have transferred the total to the contract.
func Pack(token common.Address, pull bool, batch []Payout) ([]byte, error) {
	items, err := Items(batch)
	if err != nil {
		return nil, err
	}
	total := new(big.Int)
	if pull {
		t, err := Total(batch)
		if err != nil {
			return nil, err
		}
		total.SetInt64(int64(t))
	}
	return contractABI().Pack("pay", token, total, items)
}

// ItemsHash is keccak256 of the packed items: the Batch event carries it, so
// a receipt is matched to the batch it pays.
func ItemsHash(batch []Payout) (common.Hash, error) {
	items, err := Items(batch)
	if err != nil {
		return common.Hash{}, err
	}
	var b bytes.Buffer
	for _, it := range items {
		b.Write(it[:])
	}
	return crypto.Keccak256Hash(b.Bytes()), nil
}

// ParseResults reads the mined receipt of batch sent to the contract at
// `at` into one Result per payout, in the batch's order. It checks that the
// receipt carries this very batch (its Batch event's items hash and count)
// and that each Failed event names the payout the batch has at that index.
// A reverted receipt returns ErrReverted: nothing was paid.
func ParseResults(r *types.Receipt, at common.Address, batch []Payout) ([]Result, error) {
	if r == nil || r.Status != types.ReceiptStatusSuccessful {
		return nil, ErrReverted
	}
	want, err := ItemsHash(batch)
	if err != nil {
		return nil, err
	}
	logs := make([]multisendlog.Log, 0, len(r.Logs))
	for _, l := range r.Logs {
		if l.Address != at {
			continue
		}
		ml := multisendlog.Log{Data: l.Data, Topics: make([][32]byte, len(l.Topics))}
		for k, t := range l.Topics {
			ml.Topics[k] = t
		}
		logs = append(logs, ml)
	}
	rows := make([]multisendlog.Row, len(batch))
	for i, p := range batch {
		rows[i] = multisendlog.Row{To: p.To, Amount: p.Amount}
	}
	paid, err := multisendlog.Paid(logs, want, rows)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotThisBatch, err)
	}
	out := make([]Result, len(batch))
	for i, p := range batch {
		out[i] = Result{Index: i, To: p.To, Amount: p.Amount, Paid: paid[i]}
	}
	return out, nil
}

// FeeShares splits a batch's network fee (gas used times the effective gas
// price, in wei) over its n payouts: equal shares, the remainder spread one
// wei each over the first payouts, so the shares add up to the fee exactly.
func FeeShares(fee *big.Int, n int) []*big.Int {
	if n <= 0 {
		return nil
	}
	q, rem := new(big.Int).QuoRem(fee, big.NewInt(int64(n)), new(big.Int))
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = new(big.Int).Set(q)
		if big.NewInt(int64(i)).Cmp(rem) < 0 {
			out[i].Add(out[i], big.NewInt(1))
		}
	}
	return out
}

// AccessList lists, for a token whose balances mapping sits at storage slot
// balancesSlot (Tether and TetherUSDT: 2), each recipient's balance slot,
// so the batch pays 1,900 gas for it up front instead of 2,100 at first
// touch: 200 gas less per recipient. A wrong slot costs 1,900 gas for
// nothing, never correctness.
func AccessList(token common.Address, balancesSlot uint64, batch []Payout) types.AccessList {
	slot := common.BigToHash(new(big.Int).SetUint64(balancesSlot))
	keys := make([]common.Hash, len(batch))
	for i, p := range batch {
		keys[i] = crypto.Keccak256Hash(common.LeftPadBytes(p.To[:], 32), slot[:])
	}
	return types.AccessList{{Address: token, StorageKeys: keys}}
}
