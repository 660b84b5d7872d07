package trontx

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
)

// ErrNotTRC20Transfer: the bytes are not the raw_data of a single TRC20
// transfer as RawData writes it.
var ErrNotTRC20Transfer = errors.New("tron: raw_data is not a TRC20 transfer")

// ErrUnsupportedTx: the bytes are not the raw_data of one transaction of
// the kinds Tx writes.
var ErrUnsupportedTx = errors.New("tron: raw_data is not a transaction Stablegate signs")

// Parse reads back a transaction's raw_data (what Tx.RawData wrote, or
// tronweb for the same transaction). Anything else is refused, so a caller
// that signs or pays what it parsed never signs more than it read.
func Parse(raw []byte) (Tx, error) {
	var t Tx
	var contract []byte
	err := fields(raw, func(f int, v uint64, b []byte, wire byte) error {
		switch {
		case f == 1 && wire == 2 && len(b) == 2:
			copy(t.RefBlockBytes[:], b)
		case f == 4 && wire == 2 && len(b) == 8:
			copy(t.RefBlockHash[:], b)
		case f == 8 && wire == 0:
			t.Expiration = int64(v)
		case f == 11 && wire == 2 && contract == nil:
			contract = b
		case f == 14 && wire == 0:
			t.Timestamp = int64(v)
		case f == 18 && wire == 0:
			t.FeeLimit = int64(v)
		default:
			return ErrUnsupportedTx
		}
		return nil
	})
	if err != nil || contract == nil {
		return t, ErrUnsupportedTx
	}
	var typ uint64
	var anyMsg []byte
	if err := fields(contract, func(f int, v uint64, b []byte, wire byte) error {
		switch {
		case f == 1 && wire == 0:
			typ = v
		case f == 2 && wire == 2:
			anyMsg = b
		default:
			return ErrUnsupportedTx // permission ids: not ours
		}
		return nil
	}); err != nil || typeURLs[int(typ)] == "" {
		return t, ErrUnsupportedTx
	}
	t.Type = int(typ)
	var url, param []byte
	if err := fields(anyMsg, func(f int, v uint64, b []byte, wire byte) error {
		switch {
		case f == 1 && wire == 2:
			url = b
		case f == 2 && wire == 2:
			param = b
		default:
			return ErrUnsupportedTx
		}
		return nil
	}); err != nil || string(url) != typeURLs[t.Type] {
		return t, ErrUnsupportedTx
	}
	var owner, other []byte
	var resource uint64
	seen := map[int]bool{}
	if err := fields(param, func(f int, v uint64, b []byte, wire byte) error {
		if seen[f] {
			return ErrUnsupportedTx
		}
		seen[f] = true
		switch {
		case f == 1 && wire == 2:
			owner = b
		case t.Type == TypeTriggerSmartContract && f == 2 && wire == 2, t.Type == TypeAccountCreate && f == 2 && wire == 2,
			t.Type == TypeTransfer && f == 2 && wire == 2:
			other = b
		case t.Type == TypeTransfer && f == 3 && wire == 0:
			t.Balance = int64(v)
		case t.Type == TypeTriggerSmartContract && f == 4 && wire == 2:
			t.Data = b
		case (t.Type == TypeDelegateResource || t.Type == TypeUnDelegateResource) && wire == 0 && (f == 2 || f == 3):
			if f == 2 {
				resource = v
			} else {
				t.Balance = int64(v)
			}
		case (t.Type == TypeDelegateResource || t.Type == TypeUnDelegateResource) && f == 4 && wire == 2:
			other = b
		default:
			return ErrUnsupportedTx // call_value, token ids, locks, account types: not ours
		}
		return nil
	}); err != nil {
		return t, ErrUnsupportedTx
	}
	var ok bool
	if t.Owner, ok = account(owner); !ok {
		return t, ErrUnsupportedTx
	}
	switch t.Type {
	case TypeTriggerSmartContract:
		if t.Contract, ok = account(other); !ok || len(t.Data) < 4 {
			return t, ErrUnsupportedTx
		}
	case TypeAccountCreate:
		if t.Account, ok = account(other); !ok || t.FeeLimit != 0 {
			return t, ErrUnsupportedTx
		}
	case TypeTransfer:
		if t.Account, ok = account(other); !ok || t.FeeLimit != 0 || t.Balance <= 0 {
			return t, ErrUnsupportedTx
		}
	default:
		if t.Account, ok = account(other); !ok || resource != resourceEnergy || t.Balance <= 0 || t.FeeLimit != 0 {
			return t, ErrUnsupportedTx
		}
	}
	return t, nil
}

// ParseRawData reads back a TRC20 transfer's raw_data (what RawData wrote,
// or tronweb for the same transfer). Anything else is refused, so a caller
// that signs or pays what it parsed never signs more than one transfer.
func ParseRawData(raw []byte) (TRC20Transfer, error) {
	tx, err := Parse(raw)
	if err != nil || tx.Type != TypeTriggerSmartContract {
		return TRC20Transfer{}, ErrNotTRC20Transfer
	}
	t := TRC20Transfer{Owner: tx.Owner, Contract: tx.Contract, RefBlockBytes: tx.RefBlockBytes, RefBlockHash: tx.RefBlockHash,
		Expiration: tx.Expiration, Timestamp: tx.Timestamp, FeeLimit: tx.FeeLimit}
	data := tx.Data
	if len(data) != 68 || !bytes.Equal(data[:4], []byte(transferSelector)) || !allZero(data[4:16]) {
		return t, ErrNotTRC20Transfer
	}
	copy(t.To[:], data[16:36])
	t.Amount = new(big.Int).SetBytes(data[36:68])
	if t.Amount.Sign() <= 0 {
		return t, ErrNotTRC20Transfer
	}
	return t, nil
}

func account(b []byte) (address.Account, bool) {
	var a address.Account
	if len(b) != 21 || b[0] != address.TronPrefix {
		return a, false
	}
	copy(a[:], b[1:])
	return a, true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// fields walks a protobuf message's varint and length-delimited fields.
func fields(m []byte, f func(field int, v uint64, b []byte, wire byte) error) error {
	for len(m) > 0 {
		key, n := uvarint(m)
		if n <= 0 {
			return ErrUnsupportedTx
		}
		m = m[n:]
		field, wire := int(key>>3), byte(key&7)
		if field == 0 {
			return ErrUnsupportedTx
		}
		switch wire {
		case 0:
			v, n := uvarint(m)
			if n <= 0 {
				return ErrUnsupportedTx
			}
			m = m[n:]
			if err := f(field, v, nil, 0); err != nil {
				return err
			}
		case 2:
			l, n := uvarint(m)
			if n <= 0 || l > uint64(len(m)-n) {
				return ErrUnsupportedTx
			}
			b := m[n : n+int(l)]
			m = m[n+int(l):]
			if err := f(field, 0, b, 2); err != nil {
				return err
			}
		default:
			return ErrUnsupportedTx
		}
	}
	return nil
}

func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
