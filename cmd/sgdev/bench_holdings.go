package main

import (
	"context"
	"os"

	"github.com/stablegate/stablegate/internal/dev/holdbench"
)

// benchHoldings counts the requests reconciliation's holdings read makes
// for 100,000 holders on each chain, before and after the multicall.
func benchHoldings() error {
	const n = 100_000
	rows, err := holdbench.Measure(context.Background(), n)
	if err != nil {
		return err
	}
	holdbench.Print(os.Stdout, n, rows)
	return nil
}
