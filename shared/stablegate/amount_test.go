package stablegate

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	ok := []struct {
		in   string
		want Amount
	}{
		{"0", 0}, {"1", 1_000_000}, {"12.5", 12_500_000}, {"0.000001", 1},
		{"9223372036854.775807", 9223372036854775807}, {"100.000000", 100_000_000},
	}
	for _, c := range ok {
		got, err := ParseAmount(c.in, 6)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{"", ErrAmountSyntax}, {"-1", ErrAmountSyntax}, {"+1", ErrAmountSyntax}, {"1e6", ErrAmountSyntax},
		{" 1", ErrAmountSyntax}, {"1.", ErrAmountSyntax}, {".5", ErrAmountSyntax}, {"01", ErrAmountSyntax},
		{"1.0000001", ErrAmountPrecision}, {"9223372036854.775808", ErrAmountRange}, {"1,5", ErrAmountSyntax},
		{"١", ErrAmountSyntax},
	}
	for _, c := range bad {
		if _, err := ParseAmount(c.in, 6); !errors.Is(err, c.want) {
			t.Errorf("ParseAmount(%q) error = %v; want %v", c.in, err, c.want)
		}
	}
}

func TestAmountFormat(t *testing.T) {
	cases := map[Amount]string{0: "0.000000", 1: "0.000001", 12_500_000: "12.500000", -1: "-0.000001", -9223372036854775808: "-9223372036854.775808"}
	for a, want := range cases {
		if got := a.String(); got != want {
			t.Errorf("Amount(%d).String() = %q; want %q", int64(a), got, want)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "1.5", "0.000001", "abc", "1.", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s, 6)
		if err != nil {
			return
		}
		if a < 0 {
			t.Fatalf("negative amount %d from %q", a, s)
		}
		// Round trip: printing and parsing again gives the same units.
		b, err := ParseAmount(a.String(), 6)
		if err != nil || a != b {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, a, a.String(), b, err)
		}
	})
}

func TestNewIDSortsByTimeAndValidates(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000)
	a, b := NewID("wal", t0), NewID("wal", t0.Add(time.Millisecond))
	if !(a < b) {
		t.Fatalf("ids not time ordered: %s !< %s", a, b)
	}
	if !ValidID("wal", a) || ValidID("wal", "wal_"+a[4:29]) || ValidID("txn", a) || ValidID("wal", a[:29]+"I") {
		t.Fatalf("ValidID disagrees on %s", a)
	}
}

func TestAmountOfRefusesWhatDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		in   *big.Int
		want Amount
		ok   bool
	}{
		{big.NewInt(0), 0, true},
		{big.NewInt(12_500_000), 12_500_000, true},
		{new(big.Int).SetInt64(math.MaxInt64), math.MaxInt64, true},
		{new(big.Int).Lsh(big.NewInt(1), 63), 0, false},
		{big.NewInt(-1), 0, false},
		{nil, 0, false},
	} {
		got, err := AmountOf(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("AmountOf(%v) = %v, %v", c.in, got, err)
		}
	}
}
