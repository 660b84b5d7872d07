// Command batchgas prints the gas per recipient of batch payouts through
// Multisend against single transfers (go run ./internal/dev/gasbench/cmd/batchgas).
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
}
