// Command batchgas prints the gas per recipient of batch payouts through
// Multisend against single transfers (go run ./internal/dev/gasbench/cmd/batchgas),
// then the same on Tron: energy and TRX per recipient.
package main

import (
	"fmt"
	"os"

	"github.com/stablegate/stablegate/internal/dev/gasbench"
)

func main() {
	if err := gasbench.PrintBatches(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "batchgas:", err)
		os.Exit(1)
	}
	// ---- tronbatch: Tron's energy and TRX per recipient ----
	if err := gasbench.PrintTronBatches(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "batchgas (tron):", err)
		os.Exit(1)
	}
}
