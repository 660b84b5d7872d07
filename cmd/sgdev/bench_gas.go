package main

import (
	"fmt"

	"github.com/stablegate/stablegate/internal/dev/gasbench"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
)

// benchGas measures, on mainnet's rules, the gas of a payout (a token
// transfer from the hot wallet) and of sweeping deposit forwarders.
func benchGas() error {
	w, err := gasbench.NewWorld()
	if err != nil {
		return err
	}
	defer w.Close()
	p, err := w.MeasurePayout()
	if err != nil {
		return err
	}
	fmt.Printf("\nGas per payout on mainnet's rules (Prague/Osaka; the dev chain's newer forks switched off), TestUSDT reads what Tether's token reads\n\n")
	fmt.Printf("| %-24s | %7s | %26s | %24s |\n", "payout", "gas", "Tether-like token (ref.)", "floor without its reads")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(26), dashes(9), dashes(28), dashes(26))
	fmt.Printf("| %-24s | %7d | %26s | %24s |\n", "to a fresh holder", p.Fresh, "62,488", "51,289")
	fmt.Printf("| %-24s | %7d | %26s | %24s |\n", "to an existing holder", p.Existing, "45,388", "34,189")

	fmt.Printf("\nGas per deposit swept from CREATE2 forwarders into the hot wallet, one batch transaction (goal: at most 11,000 in steady state; the naive top-up-and-transfer costs about 50,400)\n\n")
	fmt.Printf("| %6s | %28s | %14s | %28s |\n", "batch", "first sweep (deploys proxy)", "steady state", "steady, with its access list")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(8), dashes(30), dashes(16), dashes(30))
	layout := chaineth.TokenLayouts["testusdt"]
	for _, n := range []int{10, 50, 100, 200} {
		s, err := w.MeasureSweep(n, nil)
		if err != nil {
			return err
		}
		l, err := w.MeasureSweep(n, &layout)
		if err != nil {
			return err
		}
		fmt.Printf("| %6d | %28d | %14d | %28d |\n", n, s.First, s.Steady, l.Steady)
	}
	return nil
}
