package stablegate_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		name, in string
		frac     int
		want     string // as a fraction, or the error code
	}{
		{"whole", "12", 2, "12/1"},
		{"two decimals", "12.50", 2, "25/2"},
		{"rate", "0.920000000001", 12, "920000000001/1000000000000"},
		{"zero", "0", 2, "0/1"},
		{"too precise", "1.001", 2, "amount_too_precise"},
		{"no decimals allowed", "1.0", 0, "amount_too_precise"},
		{"sign", "-1", 2, "amount_invalid"},
		{"plus", "+1", 2, "amount_invalid"},
		{"exponent", "1e3", 2, "amount_invalid"},
		{"leading zero", "01", 2, "amount_invalid"},
		{"empty", "", 2, "amount_invalid"},
		{"dot only", ".", 2, "amount_invalid"},
		{"trailing dot", "1.", 2, "amount_invalid"},
		{"leading dot", ".5", 2, "amount_invalid"},
		{"space", " 1", 2, "amount_invalid"},
		{"comma", "1,5", 2, "amount_invalid"},
		{"too long", strings.Repeat("9", 31), 2, "amount_out_of_range"},
		{"unicode digit", "١", 2, "amount_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := sg.ParseDecimal(c.in, c.frac)
			var e *sg.Error
			switch {
			case errors.As(err, &e):
				if e.Code != c.want {
					t.Fatalf("ParseDecimal(%q) = %v; want %s", c.in, err, c.want)
				}
			case err != nil:
				t.Fatalf("ParseDecimal(%q): %v", c.in, err)
			case r.String() != c.want:
				t.Fatalf("ParseDecimal(%q) = %s; want %s", c.in, r, c.want)
			}
		})
	}
}

func TestUSDTForFiatRoundsUp(t *testing.T) {
	cases := []struct{ fiat, rate, want string }{
		{"100.00", "0.92", "108.695653"},
		{"92", "0.92", "100.000000"},
		{"1000", "150.5", "6.644519"},
		{"0.01", "7.10", "0.001409"},
		{"0.000001", "1", "0.000001"},
		{"1", "3", "0.333334"},
	}
	for _, c := range cases {
		f, _ := sg.ParseDecimal(c.fiat, 6)
		r, _ := sg.ParseRate(c.rate)
		got, err := sg.USDTForFiat(f, r)
		if err != nil || got.String() != c.want {
			t.Errorf("%s at %s = %s, %v; want %s", c.fiat, c.rate, got, err, c.want)
		}
	}
	if _, err := sg.ParseRate("0"); !errors.Is(err, sg.ErrAmountNotPositive) {
		t.Errorf("ParseRate(0) = %v; want amount_not_positive", err)
	}
	huge, _ := sg.ParseDecimal(strings.Repeat("9", 30), 0)
	tiny, _ := sg.ParseRate("0.000000000001")
	if _, err := sg.USDTForFiat(huge, tiny); !errors.Is(err, sg.ErrAmountRange) {
		t.Errorf("a price beyond an Amount = %v; want amount_out_of_range", err)
	}
}

// FuzzParseDecimal: whatever the input, ParseDecimal either refuses it
// with a named error or returns a non-negative value that prints back to
// the input (modulo trailing zeros of the padding).
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "12.50", "0.92", "1e3", "-1", "01", ".5", "1.", "", "99999999999999999999999999999", "1.0000000000001", "７"} {
		f.Add(s, 2)
		f.Add(s, 12)
	}
	f.Fuzz(func(t *testing.T, s string, frac int) {
		if frac < 0 || frac > 18 {
			return
		}
		r, err := sg.ParseDecimal(s, frac)
		if err != nil {
			var e *sg.Error
			if !errors.As(err, &e) || e.Kind != sg.KindInvalid {
				t.Fatalf("ParseDecimal(%q) error %v is not a named refusal", s, err)
			}
			return
		}
		if r.Sign() < 0 {
			t.Fatalf("ParseDecimal(%q) = %s < 0", s, r)
		}
		_, fr, _ := strings.Cut(s, ".")
		if back := r.FloatString(len(fr)); back != s {
			t.Fatalf("ParseDecimal(%q) prints back as %q", s, back)
		}
		if new(big.Rat).Set(r).Cmp(r) != 0 {
			t.Fatal("unstable")
		}
	})
}
