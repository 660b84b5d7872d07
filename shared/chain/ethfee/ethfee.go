// Package ethfee is the one fee policy of Stablegate's Ethereum
// transactions: the hot wallet signs by it and fee quotes price by it, so a
// quote is exactly the most a payout may pay. It links no chain library.
package ethfee

import "math/big"

// GasLimit is the limit given a transaction: the node's estimate plus 20%.
func GasLimit(estimate uint64) uint64 { return estimate * 12 / 10 }

// MaxFeePerGas is the fee cap: twice the base fee plus the tip, which
// survives six full blocks of base fee increases.
func MaxFeePerGas(baseFee, tip *big.Int) *big.Int {
	return new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
}
