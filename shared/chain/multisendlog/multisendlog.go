// Package multisendlog reads the events of Stablegate's Multisend contract
// (infra/contracts/Multisend.sol), which are the same bytes on Ethereum and
// on Tron's TVM: which payouts of a batch the token refused, checked against
// the batch itself. It links no chain library, so the Tron adapter and the
// Ethereum one share it.
package multisendlog

import (
	"errors"
	"fmt"
	"math/big"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The contract's two events: Failed(index, to, amount) per refused payout,
// and one Batch(token, itemsHash, count, failed, returned) per call.
// They are written out so that no hash runs at package init (a test
// recomputes them).
var (
	FailedTopic = [32]byte{0x58, 0x8d, 0xcf, 0xcb, 0xb5, 0x37, 0x4f, 0xc8, 0x6c, 0x41, 0x32, 0x96, 0xe3, 0xed, 0x7c, 0x6c, 0x0f, 0x17, 0x38, 0x23, 0xa8, 0x7a, 0xfd, 0x00, 0x16, 0x55, 0x8c, 0xc6, 0xa5, 0x96, 0x9a, 0xb6} // keccak256("Failed(uint256,address,uint256)")
	BatchTopic  = [32]byte{0x57, 0xb3, 0x33, 0x6e, 0xa1, 0x16, 0xb5, 0x3b, 0x4d, 0xbe, 0x40, 0x37, 0x70, 0xf2, 0x6b, 0x3c, 0xd9, 0x05, 0xc6, 0x0d, 0x51, 0x24, 0x62, 0xa6, 0x92, 0xbd, 0x55, 0xba, 0x48, 0x37, 0x94, 0x6a} // keccak256("Batch(address,bytes32,uint256,uint256,uint256)")
)

// Log is one event the contract emitted (the caller keeps only the events
// of the contract's own address).
type Log struct {
	Topics [][32]byte
	Data   []byte
}

// Row is one payout of the batch, in the batch's order.
type Row struct {
	To     [20]byte
	Amount sg.Amount
}

// Paid reads a call's events into whether each row was paid. It checks that
// the events carry this very batch (exactly one Batch event with the items'
// hash and count, and its failure count and amount equal to the Failed
// events'), and that each Failed event names the row the batch has at its
// index, once. An error says how the events differ; the adapters wrap it in
// their own ErrNotThisBatch.
func Paid(logs []Log, itemsHash [32]byte, rows []Row) ([]bool, error) {
	paid := make([]bool, len(rows))
	for i := range paid {
		paid[i] = true
	}
	var batches, failed int
	var failedSum sg.Amount
	for _, l := range logs {
		if len(l.Topics) == 0 {
			continue
		}
		switch l.Topics[0] {
		case FailedTopic:
			if len(l.Topics) != 3 || len(l.Data) != 32 {
				return nil, errors.New("malformed Failed event")
			}
			ix := new(big.Int).SetBytes(l.Topics[1][:])
			if !ix.IsInt64() || ix.Int64() >= int64(len(rows)) {
				return nil, fmt.Errorf("the index %s of a Failed event is out of range", ix)
			}
			i := int(ix.Int64())
			amount := new(big.Int).SetBytes(l.Data)
			if [20]byte(l.Topics[2][12:]) != rows[i].To || !amount.IsInt64() || sg.Amount(amount.Int64()) != rows[i].Amount || !paid[i] {
				return nil, fmt.Errorf("the Failed event of index %d does not match the payout", i)
			}
			paid[i] = false
			failed++
			failedSum += rows[i].Amount
		case BatchTopic:
			if len(l.Topics) != 3 || len(l.Data) != 96 || l.Topics[2] != itemsHash {
				return nil, errors.New("items hash differs")
			}
			n := new(big.Int).SetBytes(l.Data[:32])
			f := new(big.Int).SetBytes(l.Data[32:64])
			s := new(big.Int).SetBytes(l.Data[64:])
			if n.Cmp(big.NewInt(int64(len(rows)))) != 0 || !f.IsInt64() || !s.IsInt64() {
				return nil, errors.New("count differs")
			}
			if int(f.Int64()) != failed || sg.Amount(s.Int64()) != failedSum {
				return nil, errors.New("the Batch totals differ from its Failed events")
			}
			batches++
		}
	}
	if batches != 1 {
		return nil, fmt.Errorf("%d Batch events", batches)
	}
	return paid, nil
}
