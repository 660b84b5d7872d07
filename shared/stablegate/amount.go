package stablegate

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// USDTDecimals is the number of decimals of USDT on every supported chain.
const USDTDecimals = 6

// Amount is a quantity of an asset in integer base units (for USDT, one
// unit is 0.000001 USDT). Money never touches a float: amounts are parsed
// from and printed as decimal strings.
type Amount int64

// ParseAmount reads a non-negative decimal string such as "12.5" or "0.000001"
// into base units of an asset with the given number of decimals. It refuses
// signs, exponents, spaces, empty parts ("1." or ".5"), more fractional digits
// than the asset has and values that overflow.
func ParseAmount(s string, decimals int) (Amount, error) {
	if decimals < 0 || decimals > 18 {
		return 0, fmt.Errorf("stablegate: unsupported decimals %d", decimals)
	}
	if s == "" {
		return 0, ErrAmountSyntax
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") {
		return 0, ErrAmountSyntax
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, ErrAmountSyntax
	}
	if len(frac) > decimals {
		return 0, ErrAmountPrecision
	}
	if len(whole) > 1 && whole[0] == '0' {
		return 0, ErrAmountSyntax
	}
	digits := whole + frac + strings.Repeat("0", decimals-len(frac))
	v, err := strconv.ParseUint(digits, 10, 63)
	if err != nil || v > math.MaxInt64 {
		return 0, ErrAmountRange
	}
	return Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format prints the amount as a decimal string with exactly `decimals`
// fractional digits, e.g. Amount(1500000).Format(6) == "1.500000".
func (a Amount) Format(decimals int) string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-(a + 1)) + 1
	}
	s := strconv.FormatUint(u, 10)
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// String prints a USDT amount.
func (a Amount) String() string { return a.Format(USDTDecimals) }

// AmountOf converts a count of base units read from a chain (a big.Int)
// to an Amount, refusing what an Amount cannot hold (negative, or beyond
// 63 bits) instead of wrapping it.
func AmountOf(v *big.Int) (Amount, error) {
	if v == nil || v.Sign() < 0 || !v.IsInt64() {
		return 0, ErrAmountRange
	}
	return Amount(v.Int64()), nil
}
