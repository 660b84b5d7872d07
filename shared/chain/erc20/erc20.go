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
	approveSelector   = []byte{0x09, 0x5e, 0xa7, 0xb3} // approve(address,uint256)
	fromSelector      = []byte{0x23, 0xb8, 0x72, 0xdd} // transferFrom(address,address,uint256)
	allowanceSelector = []byte{0xdd, 0x62, 0xed, 0x3e} // allowance(address,address)
)

// Unlimited is the largest allowance (2^256 - 1), which Tether's token
// never draws down.
var Unlimited = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// Approve is approve(spender, amount) ABI-encoded.
func Approve(spender address.Account, amount *big.Int) []byte {
	out := append(append([]byte{}, approveSelector...), word(spender)...)
	return append(out, amount.FillBytes(make([]byte, 32))...)
}

// TransferFrom is transferFrom(from, to, amount) ABI-encoded.
func TransferFrom(from, to address.Account, amount *big.Int) []byte {
	out := append(append(append([]byte{}, fromSelector...), word(from)...), word(to)...)
	return append(out, amount.FillBytes(make([]byte, 32))...)
}

// Allowance is allowance(owner, spender) ABI-encoded.
func Allowance(owner, spender address.Account) []byte {
	return append(append(append([]byte{}, allowanceSelector...), word(owner)...), word(spender)...)
}

// Selector names the call data's function: "transfer", "approve",
// "transferFrom", "balanceOf", "allowance", or "".
func Selector(data []byte) string {
	if len(data) < 4 {
		return ""
	}
	for name, sel := range map[string][]byte{"transfer": transferSelector, "approve": approveSelector, "transferFrom": fromSelector,
		"balanceOf": balanceOfSelector, "allowance": allowanceSelector} {
		if string(data[:4]) == string(sel) {
			return name
		}
	}
	return ""
}

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
