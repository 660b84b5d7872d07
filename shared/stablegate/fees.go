package stablegate

import (
	"context"
	"math/big"
	"strings"
	"time"
)

// Fees: what the platform charges a merchant for being paid. A tenant has
// one fee schedule per chain, versioned; the fee of an amount is computed
// from it in integer base units (math/big, never a float) and itemised.
//
// Rounding. The percent part is amount x rate rounded half up to the base
// unit (0.000001 USDT): x.5 base units and above round up, below x.5 down.
// Then the fixed part is added, the minimum raises the sum, the maximum
// caps it, and the fee never exceeds the amount it is charged on. The fee a
// merchant is shown (at invoice creation, for the invoice's amount) is a
// cap: the fee charged at settlement is min(the schedule's fee on the
// amount actually received, the fee shown), so a merchant is never charged
// more than it was shown, whatever the rounding, an overpayment or a
// schedule change in between.

// FeeRate is a percentage fee in parts per million of the amount: 1 basis
// point is 100, 1% is 10,000, 100% is 1,000,000. It is exact for any
// percent with up to 4 decimals ("2.9", "0.0001").
type FeeRate int64

// MaxFeeRate is 100%.
const MaxFeeRate FeeRate = 1_000_000

// FeeRateBPS is the rate of bps basis points.
func FeeRateBPS(bps int64) FeeRate { return FeeRate(bps * 100) }

// ParsePercent reads a percent as a decimal string with at most 4
// fractional digits ("2.9" is 2.9%, "0.0001" the smallest step) and at
// most 100. It refuses signs, exponents, spaces, leading zeros and empty
// parts with ErrFeeRateInvalid.
func ParsePercent(s string) (FeeRate, error) {
	r, err := ParseDecimal(s, 4)
	if err != nil {
		return 0, ErrFeeRateInvalid
	}
	r.Mul(r, big.NewRat(10_000, 1))
	if !r.IsInt() || r.Num().Cmp(big.NewInt(int64(MaxFeeRate))) > 0 {
		return 0, ErrFeeRateInvalid
	}
	return FeeRate(r.Num().Int64()), nil
}

// Percent prints the rate as a percent with no trailing zeros ("2.9").
func (r FeeRate) Percent() string {
	s := Amount(r).Format(4)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// BPS is the rate in whole basis points and whether it is exactly that.
func (r FeeRate) BPS() (int64, bool) { return int64(r) / 100, r%100 == 0 }

// Of is amount x r rounded half up to the base unit (for amount >= 0).
func (r FeeRate) Of(amount Amount) Amount {
	p := new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(int64(r)))
	p.Add(p, big.NewInt(500_000)) // half of 1,000,000: round half up
	p.Quo(p, big.NewInt(1_000_000))
	return Amount(p.Int64()) // <= amount, since r <= 100%
}

// NetworkFeeMode says who pays the network fee of a payout.
type NetworkFeeMode string

// Network fee modes: passed through to the merchant (a network line on the
// quote and on the settlement) or absorbed by the platform.
const (
	NetworkPassThrough NetworkFeeMode = "pass_through"
	NetworkAbsorb      NetworkFeeMode = "absorb"
)

// FeeSchedule is what a tenant pays on one chain. Zero Min or Max is no
// bound. Version counts the schedule's writes (1 for the first); every
// version is kept, with the time it took effect.
type FeeSchedule struct {
	TenantID   string
	Chain      Chain
	Percent    FeeRate
	Fixed      Amount
	Min        Amount
	Max        Amount
	NetworkFee NetworkFeeMode
	Version    int64
	// EffectiveAt is when this version was written.
	EffectiveAt time.Time
}

// Validate checks the schedule's fields.
func (f FeeSchedule) Validate() error {
	switch {
	case !f.Chain.Valid():
		return ErrValidation.WithParam("chain")
	case f.Percent < 0 || f.Percent > MaxFeeRate:
		return ErrFeeRateInvalid
	case f.Fixed < 0:
		return ErrValidation.WithParam("fixed")
	case f.Min < 0:
		return ErrValidation.WithParam("min")
	case f.Max < 0:
		return ErrValidation.WithParam("max")
	case f.Max > 0 && f.Min > f.Max:
		return ErrFeeBoundsInverted
	case f.NetworkFee != NetworkPassThrough && f.NetworkFee != NetworkAbsorb:
		return ErrValidation.WithParam("network_fee")
	}
	return nil
}

// FeeLineKind names a part of a fee.
type FeeLineKind string

// Fee line kinds.
const (
	FeePercent   FeeLineKind = "percent"
	FeeFixed     FeeLineKind = "fixed"
	FeeMinAdjust FeeLineKind = "min_adjust" // raises the sum to the minimum
	FeeMaxCap    FeeLineKind = "max_cap"    // negative: caps the sum at the maximum (or at the amount)
	FeeNetwork   FeeLineKind = "network"    // the payout's network fee, passed through
	FeeShownCap  FeeLineKind = "shown_cap"  // negative: caps the fee at the fee shown
)

// FeeLine is one part of a fee.
type FeeLine struct {
	Kind   FeeLineKind
	Amount Amount
}

// Fee is a fee itemised: Amount is the sum of Lines, to the base unit.
type Fee struct {
	Amount Amount
	Lines  []FeeLine
	// ScheduleVersion is the schedule's version it was computed with (0:
	// no schedule, the deployment's default).
	ScheduleVersion int64
}

// Platform is the fee less its network line.
func (f Fee) Platform() Amount {
	a := f.Amount
	for _, l := range f.Lines {
		if l.Kind == FeeNetwork {
			a -= l.Amount
		}
	}
	return a
}

func (f *Fee) add(k FeeLineKind, a Amount) {
	if a == 0 {
		return
	}
	f.Lines = append(f.Lines, FeeLine{Kind: k, Amount: a})
	f.Amount += a
}

// FeeOn is the schedule's platform fee on amount (>= 0): the percent
// (rounded half up), plus the fixed part, raised to Min, capped at Max and
// at the amount itself. Lines of zero are left out.
func (f FeeSchedule) FeeOn(amount Amount) Fee {
	out := Fee{ScheduleVersion: f.Version, Lines: []FeeLine{}}
	if amount <= 0 {
		return out
	}
	out.add(FeePercent, f.Percent.Of(amount))
	out.add(FeeFixed, f.Fixed)
	if f.Min > 0 && out.Amount < f.Min {
		out.add(FeeMinAdjust, f.Min-out.Amount)
	}
	limit := amount
	if f.Max > 0 && f.Max < limit {
		limit = f.Max
	}
	if out.Amount > limit {
		out.add(FeeMaxCap, limit-out.Amount)
	}
	return out
}

// CappedAt is f lowered to at most shown (a shown_cap line), unchanged if
// it is at or below it.
func (f Fee) CappedAt(shown Amount) Fee {
	if f.Amount <= shown {
		return f
	}
	f.Lines = append(append([]FeeLine(nil), f.Lines...), FeeLine{Kind: FeeShownCap, Amount: shown - f.Amount})
	f.Amount = shown
	return f
}

// WithNetwork adds a pass-through network fee line.
func (f Fee) WithNetwork(network Amount) Fee {
	f.Lines = append([]FeeLine(nil), f.Lines...)
	f.add(FeeNetwork, network)
	return f
}

// FeeSchedules keeps each tenant's fee schedule per chain with every
// version it had.
type FeeSchedules interface {
	// FeeSchedule is the tenant's current schedule on c, or ErrNotFound.
	FeeSchedule(ctx context.Context, tenant string, c Chain) (FeeSchedule, error)
	// FeeScheduleAt is the version in force at t (the last written at or
	// before it), or ErrNotFound if none was yet.
	FeeScheduleAt(ctx context.Context, tenant string, c Chain, t time.Time) (FeeSchedule, error)
	// PutFeeSchedule writes f as the next version over f.Version (0: the
	// tenant has none on the chain yet) and returns it at Version+1; if
	// another version was written since, it writes nothing and returns
	// ErrFeeScheduleChanged.
	PutFeeSchedule(ctx context.Context, f FeeSchedule) (FeeSchedule, error)
}

// Named rejections of fees.
var (
	// ErrFeeRateInvalid: a percent is not a decimal of at most 4 fractional digits between 0 and 100.
	ErrFeeRateInvalid = &Error{Kind: KindInvalid, Code: "fee_percent_invalid", Message: "percent must be a decimal string between 0 and 100 with at most 4 decimals (\"2.9\"), or percent_bps an integer of basis points", Param: "percent"}
	// ErrFeeBoundsInverted: the minimum is above the maximum.
	ErrFeeBoundsInverted = &Error{Kind: KindInvalid, Code: "fee_bounds_inverted", Message: "min must not exceed max", Param: "min"}
	// ErrFeeScheduleChanged: the schedule was written since it was read.
	ErrFeeScheduleChanged = &Error{Kind: KindConflict, Code: "fee_schedule_changed", Message: "the fee schedule changed; read it again", Param: "version"}
)
