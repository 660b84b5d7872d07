package holdings

import (
	"encoding/binary"
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
)

// Multicall3's aggregate3, hand-encoded (this package links no chain
// library; aggregate3_test.go checks both directions against go-ethereum's
// ABI codec):
//
//	aggregate3((address target, bool allowFailure, bytes callData)[] calls)
//	  returns ((bool success, bytes returnData)[])
//
// Every call here is the token's balanceOf(holder) with allowFailure set, so
// one holder the token will not answer fails alone and is named, instead of
// reverting the page.
const aggregate3Signature = "aggregate3((address,bool,bytes)[])"

// aggregate3Selector is keccak256(aggregate3Signature)[:4].
var aggregate3Selector = []byte{0x82, 0xad, 0x56, 0xcb}

// callSize is one encoded call: its offset in the array's head, then the
// tuple: target, allowFailure, the callData's offset and length, and the
// 36 bytes of balanceOf padded to 64.
const callSize = 32 + 6*32

// encodeBalanceCalls is aggregate3's calldata (with its selector) for
// token.balanceOf of each holder.
func encodeBalanceCalls(token address.Account, holders []address.Account) []byte {
	n := len(holders)
	out := make([]byte, 4+64+callSize*n)
	copy(out, aggregate3Selector)
	put := func(at, v int) { binary.BigEndian.PutUint64(out[at+24:at+32], uint64(v)) }
	put(4, 32) // the array's offset
	put(36, n) // its length
	const base = 68
	for i, h := range holders {
		rel := 32*n + 6*32*i // the tuple's offset from the array's first offset word
		put(base+32*i, rel)
		t := base + rel
		copy(out[t+12:t+32], token[:])
		put(t+32, 1)  // allowFailure
		put(t+64, 96) // the callData's offset in the tuple
		put(t+96, 36) // its length
		copy(out[t+128:t+192], erc20.BalanceOf(h))
	}
	return out
}

// decodeBalances reads aggregate3's answer to n balanceOf calls: each
// balance, or nil where the call failed (reverted, or answered anything
// but one 32-byte word, as an account with no code answers nothing). ok is
// false when the answer is not n well-formed results.
func decodeBalances(ret []byte, n int) (balances []*big.Int, ok bool) {
	// word is the 32-byte word at at as an offset or length: false unless
	// it lies inside ret and its value fits within ret's size.
	word := func(at int) (int, bool) {
		if at < 0 || at > len(ret)-32 {
			return 0, false
		}
		for _, b := range ret[at : at+24] {
			if b != 0 {
				return 0, false
			}
		}
		v := binary.BigEndian.Uint64(ret[at+24 : at+32])
		if v > uint64(len(ret)) {
			return 0, false
		}
		return int(v), true
	}
	off, ok := word(0)
	if !ok {
		return nil, false
	}
	if got, ok := word(off); !ok || got != n {
		return nil, false
	}
	base := off + 32
	balances = make([]*big.Int, n)
	for i := range n {
		rel, ok := word(base + 32*i)
		if !ok {
			return nil, false
		}
		t := base + rel
		success, ok := word(t)
		if !ok || success > 1 {
			return nil, false
		}
		bo, ok := word(t + 32)
		if !ok {
			return nil, false
		}
		size, ok := word(t + bo)
		if !ok || t+bo+32+(size+31)/32*32 > len(ret) { // the bytes, padded to a word
			return nil, false
		}
		if success == 1 && size == 32 {
			d := t + bo + 32
			balances[i] = new(big.Int).SetBytes(ret[d : d+32])
		}
	}
	return balances, true
}
