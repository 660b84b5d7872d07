package stablegate

import (
	"context"
	"math/big"
	"strings"
	"time"
)

// Fiat prices. A fiat amount is a decimal string in the currency's minor
// units (EUR 12.50 has two decimals, JPY 1250 none); a rate is a decimal
// string of fiat per 1 USDT. Neither ever passes through a float: they are
// parsed into math/big.Rat and USDT amounts are computed from them exactly.

// FiatCurrencies maps each supported ISO 4217 code to its number of minor
// unit decimals.
var FiatCurrencies = map[string]int{
	"AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "EUR": 2, "GBP": 2, "HKD": 2,
	"INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "NGN": 2, "SGD": 2, "TRY": 2, "USD": 2,
}

// MaxRateDecimals is the most fractional digits a rate may have.
const MaxRateDecimals = 12

// FxQuoteTTL is how long QuoteFx locks a rate by default.
const FxQuoteTTL = 15 * time.Minute

// Rate is the price of 1 USDT in a fiat currency as a source gives it.
type Rate struct {
	Currency string
	// PerUSDT is a positive decimal string: fiat units per 1 USDT ("0.92").
	PerUSDT string
	// Source names where it came from ("static", "http:<host>").
	Source string
	At     time.Time
}

// FxQuote is a rate locked for a tenant until ExpiresAt: an invoice that
// names it is priced at that rate, and refused (ErrRateExpired) after.
type FxQuote struct {
	ID        string
	TenantID  string
	Currency  string
	Rate      string
	Source    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// RateSource gives the current rate of a fiat currency. An unknown
// currency is ErrCurrencyUnsupported; a source that cannot answer now is
// an Unavailable error.
type RateSource interface {
	Rate(ctx context.Context, currency string) (Rate, error)
}

// FxQuotes keeps locked rates.
type FxQuotes interface {
	// PutFxQuote writes q once (its id is new).
	PutFxQuote(ctx context.Context, q FxQuote) error
	// FxQuote returns the tenant's quote or ErrNotFound (another tenant's too).
	FxQuote(ctx context.Context, tenant, id string) (FxQuote, error)
}

// Named rejections of fiat pricing.
var (
	// ErrCurrencyUnsupported: the fiat currency is not one the deployment prices in.
	ErrCurrencyUnsupported = &Error{Kind: KindInvalid, Code: "currency_unsupported", Message: "this fiat currency is not supported", Param: "fiat_currency"}
	// ErrRateExpired: the fx quote named is past its expires_at.
	ErrRateExpired = &Error{Kind: KindRefused, Code: "rate_expired", Message: "the locked rate has expired; ask for a new fx quote", Param: "fx_quote_id"}
	// ErrFxQuoteNotFound: no such fx quote for this tenant.
	ErrFxQuoteNotFound = &Error{Kind: KindNotFound, Code: "fx_quote_not_found", Message: "no such fx quote", Param: "fx_quote_id"}
	// ErrFxQuoteMismatch: the fx quote was made for another currency.
	ErrFxQuoteMismatch = &Error{Kind: KindInvalid, Code: "fx_quote_mismatch", Message: "the fx quote was made for another currency", Param: "fx_quote_id"}
	// ErrRateInvalid: a rate source answered something that is not a positive decimal.
	ErrRateInvalid = &Error{Kind: KindUnavailable, Code: "rate_unavailable", Message: "no usable rate for this currency right now; retry later", Param: "fiat_currency"}
)

// FiatDecimals returns the minor-unit decimals of a supported currency.
func FiatDecimals(currency string) (int, error) {
	d, ok := FiatCurrencies[currency]
	if !ok {
		return 0, ErrCurrencyUnsupported
	}
	return d, nil
}

// ParseDecimal reads a plain non-negative decimal string ("12", "0.92")
// with at most maxFrac fractional digits and at most 30 digits in all. It
// refuses signs, exponents, spaces, leading zeros, empty parts ("1." or
// ".5") and anything else, with ErrAmountSyntax, ErrAmountPrecision or
// ErrAmountRange.
func ParseDecimal(s string, maxFrac int) (*big.Rat, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return nil, ErrAmountSyntax
	}
	if len(whole) > 1 && whole[0] == '0' {
		return nil, ErrAmountSyntax
	}
	if len(frac) > maxFrac {
		return nil, ErrAmountPrecision
	}
	if len(whole)+len(frac) > 30 {
		return nil, ErrAmountRange
	}
	num, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return nil, ErrAmountSyntax
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	return new(big.Rat).SetFrac(num, den), nil
}

// ParseRate reads a rate: a positive decimal of at most MaxRateDecimals
// fractional digits.
func ParseRate(s string) (*big.Rat, error) {
	r, err := ParseDecimal(s, MaxRateDecimals)
	if err != nil {
		return nil, err
	}
	if r.Sign() <= 0 {
		return nil, ErrAmountNotPositive
	}
	return r, nil
}

// USDTForFiat is the USDT due for a fiat amount at a rate (fiat per USDT):
// fiat / rate, rounded up to the next base unit (0.000001 USDT), so the
// merchant never receives less than the price. It refuses a non-positive
// rate and a result an Amount cannot hold.
func USDTForFiat(fiat, perUSDT *big.Rat) (Amount, error) {
	if perUSDT.Sign() <= 0 {
		return 0, ErrAmountNotPositive
	}
	q := new(big.Rat).Quo(fiat, perUSDT)
	q.Mul(q, new(big.Rat).SetInt64(1_000_000))
	n, d := q.Num(), q.Denom()
	units, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	if rem.Sign() > 0 {
		units.Add(units, big.NewInt(1))
	}
	return AmountOf(units)
}

// FormatDecimal prints r with exactly decimals fractional digits, rounding
// half away from zero (for display of computed figures only).
func FormatDecimal(r *big.Rat, decimals int) string {
	return r.FloatString(decimals)
}
