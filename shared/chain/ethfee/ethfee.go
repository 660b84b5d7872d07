// Package ethfee is the one fee policy of Stablegate's Ethereum
// transactions: the hot wallet signs by it and fee quotes price by it, so a
// quote is exactly the most a payout may pay. It links no chain library.
package ethfee

import "math/big"

// GasLimit is the limit given a transaction: the node's estimate plus 20%,
// never past what one transaction may use (MaxTxGas) when the estimate
// itself is within it.
func GasLimit(estimate uint64) uint64 {
	if l := estimate * 12 / 10; l <= MaxTxGas || estimate > MaxTxGas {
		return l
	}
	return MaxTxGas
}

// MaxTxGas is the most gas one transaction may use (EIP-7825, from the
// Osaka fork: 2^24); a node refuses a transaction whose limit is above it.
const MaxTxGas = 1 << 24

// MaxFeePerGas is the fee cap: twice the base fee plus the tip, which
// survives six full blocks of base fee increases.
func MaxFeePerGas(baseFee, tip *big.Int) *big.Int {
	return new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
}
