package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stablegate/stablegate/shared/fn/core"

	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// fund credits a wallet of the running local stack as a deposit would: a
// dev faucet standing in for chain deposits until the deposit watcher runs.
func fund(args []string) error {
	fs := flag.NewFlagSet("fund", flag.ExitOnError)
	state := fs.String("state", ".dev/dev", "state folder of the running stack")
	tenant := fs.String("tenant", "acme", "tenant of the wallet")
	wallet := fs.String("wallet", "", "wallet id")
	chain := fs.String("chain", "tron", "ethereum or tron")
	amount := fs.String("amount", "100", "USDT amount")
	if err := fs.Parse(args); err != nil {
		return err
	}
	env, err := readEnv(filepath.Join(*state, "stack.env"))
	if err != nil {
		return fmt.Errorf("no running stack found (start it with `make dev`): %w", err)
	}
	a, err := sg.ParseAmount(*amount, sg.USDTDecimals)
	if err != nil {
		return err
	}
	l, err := core.LedgerService(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	})
	if err != nil {
		return err
	}
	r, err := l.CreditWallet(context.Background(), *tenant, ledger.Credit{Wallet: *wallet, Chain: sg.Chain(*chain), Asset: sg.USDT,
		Amount: a, Ref: fmt.Sprintf("dev-faucet-%d", time.Now().UnixNano())})
	if err != nil {
		return err
	}
	fmt.Printf("credited %s USDT on %s to %s (%s)\n", a, *chain, *wallet, r.Transfer.ID)
	return nil
}
