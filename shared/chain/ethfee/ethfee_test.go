package ethfee

import "testing"

// ---- bigrun: the gas limit and the transaction cap ----

// A transaction's limit is its estimate plus 20%, cut to the cap when the
// estimate fits under it (a node refuses a limit above it); an estimate
// already over the cap is left as it is (the node's refusal says so).
func TestGasLimitStaysUnderTheCapWhenTheEstimateFits(t *testing.T) {
	for _, c := range []struct{ estimate, want uint64 }{
		{21_000, 25_200},
		{13_000_000, 15_600_000},
		{15_000_000, MaxTxGas},
		{MaxTxGas, MaxTxGas},
		{20_000_000, 24_000_000},
	} {
		if got := GasLimit(c.estimate); got != c.want {
			t.Fatalf("GasLimit(%d) = %d; want %d", c.estimate, got, c.want)
		}
	}
}
