// Package erc20 encodes the token calls Stablegate makes, the same ABI on
// Ethereum (ERC20) and Tron (TRC20). It links no chain library.
package erc20

import (
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
)

var (
	transferSelector  = []byte{0xa9, 0x05, 0x9c, 0xbb} // transfer(address,uint256)
	balanceOfSelector = []byte{0x70, 0xa0, 0x82, 0x31} // balanceOf(address)
)

func word(a address.Account) []byte {
	w := make([]byte, 32)
	copy(w[12:], a[:])
	return w
}

// Transfer is transfer(to, amount) ABI-encoded.
func Transfer(to address.Account, amount *big.Int) []byte {
	out := append(append([]byte{}, transferSelector...), word(to)...)
	return append(out, amount.FillBytes(make([]byte, 32))...)
}

// BalanceOf is balanceOf(holder) ABI-encoded.
func BalanceOf(holder address.Account) []byte {
	return append(append([]byte{}, balanceOfSelector...), word(holder)...)
}
