package main

import (
	"fmt"
	"os"

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
	// Tether's own code when TETHER_RUNTIME names it, else what
	// cmd/tetherref measured on it (TestTetherFaithful holds TetherUSDT equal).
	ref, refNote := gasbench.TetherReference.Transfer, "recorded by cmd/tetherref"
	if code, err := gasbench.TetherRuntimeFromEnv(); err != nil {
		return err
	} else if code != nil {
		if ref, err = gasbench.MeasureTransfer(code); err != nil {
			return err
		}
		refNote = "measured now on TETHER_RUNTIME"
	}
	floor, err := plainTransfers()
	if err != nil {
		return err
	}
	fmt.Printf("\nGas per payout on mainnet's rules (Prague/Osaka; the dev chain's newer forks switched off), measured on TetherUSDT, the Tether-faithful token\n\n")
	fmt.Printf("| %-24s | %12s | %30s | %26s |\n", "payout", "TetherUSDT", "Tether's code ("+refNote[:8]+")", "floor: PlainUSDT, measured")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(26), dashes(14), dashes(32), dashes(28))
	fmt.Printf("| %-24s | %12d | %30d | %26d |\n", "to a fresh holder", p.Fresh, ref.Fresh, floor.Fresh)
	fmt.Printf("| %-24s | %12d | %30d | %26d |\n", "to an existing holder", p.Existing, ref.Existing, floor.Existing)
	fmt.Printf("(Tether's code: %s)\n", refNote)

	var tw *gasbench.World // Tether's own code beside TetherUSDT when TETHER_RUNTIME names it
	if code, _ := gasbench.TetherRuntimeFromEnv(); code != nil {
		if tw, err = gasbench.NewWorldWith(code); err != nil {
			return err
		}
		defer tw.Close()
	}
	fmt.Printf("\nGas per deposit swept from CREATE2 forwarders into the hot wallet on TetherUSDT, one batch transaction (goal: at most 11,000 in steady state; the naive top-up-and-transfer costs about 50,400)\n\n")
	head := fmt.Sprintf("| %6s | %28s | %14s | %28s |", "batch", "first sweep (deploys proxy)", "steady state", "steady, with its access list")
	rule := fmt.Sprintf("|%s|%s|%s|%s|", dashes(8), dashes(30), dashes(16), dashes(30))
	if tw != nil {
		head += fmt.Sprintf(" %26s | %26s |", "Tether's code: steady", "Tether's code: with list")
		rule += dashes(28) + "|" + dashes(28) + "|"
	}
	fmt.Println(head)
	fmt.Println(rule)
	layout := chaineth.TokenLayouts["tether"]
	var listed200 uint64 // per deposit, the measured figure the accounting below is checked against
	for _, n := range []int{10, 50, 100, 200} {
		s, err := w.MeasureSweep(n, nil)
		if err != nil {
			return err
		}
		l, err := w.MeasureSweep(n, &layout)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("| %6d | %28d | %14d | %28d |", n, s.First, s.Steady, l.Steady)
		listed200 = l.Steady
		if tw != nil {
			// the same sequence as on TetherUSDT, so the forwarders' indices
			// (and the items' calldata) are the same
			ts, err := tw.MeasureSweepOf(tw.TetherCode, gasbench.TetherAt, n, nil)
			if err != nil {
				return err
			}
			tl, err := tw.MeasureSweepOf(tw.TetherCode, gasbench.TetherAt, n, &layout)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %26d | %26d |", ts.Steady, tl.Steady)
			listed200 = tl.Steady
		}
		fmt.Println(line)
	}
	// ---- gas: one deposit accounted, against the goal ----
	code, _ := gasbench.TetherRuntimeFromEnv()
	if err := gasbench.PrintSweepAccounting(os.Stdout, code, 200, listed200); err != nil {
		return err
	}
	return nil
}

// plainTransfers measures PlainUSDT's transfer (balances and the event
// only) to a fresh, then the same, holder: the floor of any token.
func plainTransfers() (gasbench.TransferCost, error) {
	w, err := gasbench.NewBatchWorld()
	if err != nil {
		return gasbench.TransferCost{}, err
	}
	defer w.Close()
	to := w.FreshAddresses(1)[0]
	var out gasbench.TransferCost
	for _, g := range []*uint64{&out.Fresh, &out.Existing} {
		r, err := w.Transfer(gasbench.Plain, to, 1_000_000)
		if err != nil {
			return out, err
		}
		*g = r.GasUsed
	}
	return out, nil
}
