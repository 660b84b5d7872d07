package tron

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/sha3"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/multisendlog"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Stablegate's Multisend contract (infra/contracts/Multisend.sol) runs on
// the TVM as it is: the same bytecode, the same ABI. This file writes its
// pay call and reads its events with no Ethereum library (Tron functions
// link none): the calldata is the ABI encoding of
// pay(address token, uint256 pull, bytes32[] items), addresses as their 20
// bytes (the TVM's, without Tron's 0x41 prefix), one 32-byte item per
// payout (the amount, a uint96, in the high 12 bytes, the recipient in the
// low 20). A test checks every byte against go-ethereum's ABI packer.

// MultisendMax is the most payouts one Multisend call takes (the payout
// batches' limit).
const MultisendMax = sg.MaxBatchRows

var (
	// ErrMultisendBatch: the batch is empty, too large, or has a payout of
	// no amount or to the zero address.
	ErrMultisendBatch = errors.New("tron: not a batch the Multisend pays")
	// ErrNotThisBatch: the transaction's events are not this batch's (no
	// Batch event of the contract, another batch's items, or a Failed event
	// that names another payout).
	ErrNotThisBatch = errors.New("tron: the transaction's events do not carry this batch")

	paySelector = []byte{0x12, 0xe4, 0xcc, 0x6c} // selector("pay(address,uint256,bytes32[])"), written out (a test recomputes it)
	failedTopic = multisendlog.FailedTopic
	batchTopic  = multisendlog.BatchTopic
)

func keccak(b ...[]byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range b {
		h.Write(p)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// MultisendPayout is one recipient of a batch.
type MultisendPayout struct {
	To     address.Account
	Amount sg.Amount // base units
}

// multisendItems lays the batch out as the contract takes it, with its total.
func multisendItems(batch []MultisendPayout) ([]byte, sg.Amount, error) {
	if len(batch) == 0 || len(batch) > MultisendMax {
		return nil, 0, fmt.Errorf("%w: %d payouts", ErrMultisendBatch, len(batch))
	}
	out := make([]byte, 32*len(batch))
	var total sg.Amount
	for i, p := range batch {
		if p.Amount <= 0 || p.To == (address.Account{}) {
			return nil, 0, fmt.Errorf("%w: payout %d", ErrMultisendBatch, i)
		}
		if total > sg.Amount(1<<62)-p.Amount {
			return nil, 0, fmt.Errorf("%w: the total overflows", ErrMultisendBatch)
		}
		total += p.Amount
		item := out[32*i : 32*(i+1)]
		binary.BigEndian.PutUint64(item[4:12], uint64(p.Amount)) // an int64 fits the uint96
		copy(item[12:], p.To[:])
	}
	return out, total, nil
}

// MultisendTotal is the sum of a batch's amounts.
func MultisendTotal(batch []MultisendPayout) (sg.Amount, error) {
	_, total, err := multisendItems(batch)
	return total, err
}

// PackMultisend is the calldata of pay(token, pull, items). With pull the
// contract takes the batch total from its caller (which approved it once);
// without, the contract must hold it already (owner only).
func PackMultisend(token address.Account, pull bool, batch []MultisendPayout) ([]byte, error) {
	items, total, err := multisendItems(batch)
	if err != nil {
		return nil, err
	}
	word := func(v uint64) []byte {
		var w [32]byte
		binary.BigEndian.PutUint64(w[24:], v)
		return w[:]
	}
	var b bytes.Buffer
	b.Write(paySelector)
	b.Write(make([]byte, 12))
	b.Write(token[:])
	if pull {
		b.Write(word(uint64(total)))
	} else {
		b.Write(word(0))
	}
	b.Write(word(96)) // where the items array starts, after the three head words
	b.Write(word(uint64(len(batch))))
	b.Write(items)
	return b.Bytes(), nil
}

// MultisendResults reads the events of a batch's transaction (one that ran:
// SUCCESS) sent to the contract at `at` into whether each payout was paid,
// in the batch's order. It checks that the events carry this very batch
// (the Batch event's items hash, count, failures and amount returned) and
// that each Failed event names the payout the batch has at its index.
func MultisendResults(logs0 []Log, at address.Account, batch []MultisendPayout) ([]bool, error) {
	items, _, err := multisendItems(batch)
	if err != nil {
		return nil, err
	}
	var logs []multisendlog.Log
	for _, l := range logs0 {
		if l.Address == at {
			logs = append(logs, multisendlog.Log{Topics: l.Topics, Data: l.Data})
		}
	}
	rows := make([]multisendlog.Row, len(batch))
	for i, p := range batch {
		rows[i] = multisendlog.Row{To: p.To, Amount: p.Amount}
	}
	paid, err := multisendlog.Paid(logs, keccak(items), rows)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotThisBatch, err)
	}
	return paid, nil
}

// FeeShares splits a batch's fee (sun) over its n payouts: equal shares,
// the remainder one sun each to the first payouts, so they add up to the
// fee exactly.
func FeeShares(fee int64, n int) []int64 {
	if n <= 0 {
		return nil
	}
	out := make([]int64, n)
	q, rem := fee/int64(n), fee%int64(n)
	for i := range out {
		out[i] = q
		if int64(i) < rem {
			out[i]++
		}
	}
	return out
}
