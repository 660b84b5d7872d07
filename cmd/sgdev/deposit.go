package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/testusdt"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// deposit sends test USDT on a chain of the running local stack to a
// wallet's deposit address, as a customer's wallet would: on Ethereum a
// token transfer from the dev faucet on geth --dev, on Tron a TRC20
// transfer made with stock TronWeb (infra/tronweb) against the TronGrid
// stand-in. The deposit watchers credit it like any other.
func deposit(args []string) error {
	fs := flag.NewFlagSet("deposit", flag.ExitOnError)
	state := fs.String("state", ".dev/dev", "state folder of the running stack")
	root := fs.String("root", ".", "the checkout (template.yaml, infra/tronweb)")
	tenant := fs.String("tenant", "acme", "tenant of the wallet")
	wallet := fs.String("wallet", "", "wallet id (wal_...)")
	chain := fs.String("chain", "tron", "ethereum or tron")
	amount := fs.String("amount", "100", "USDT amount")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !sg.ValidID("wal", *wallet) {
		return errors.New("give the wallet: make deposit WALLET=wal_... [CHAIN=tron|ethereum] [AMOUNT=100]")
	}
	units, err := sg.ParseAmount(*amount, sg.USDTDecimals)
	if err != nil || units <= 0 {
		return fmt.Errorf("amount %q: a positive USDT amount with at most 6 decimals", *amount)
	}
	env, err := readEnv(filepath.Join(*state, "stack.env"))
	if err != nil {
		return fmt.Errorf("no running stack found (start it with `make dev`): %w", err)
	}
	to, err := depositAddress(env, *root, *tenant, *wallet, *chain)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(env["STABLEGATE_CHAIN_INFO"])
	if err != nil {
		return fmt.Errorf("the stack runs no local chain (chain details: %w)", err)
	}
	var info devstack.ChainInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return err
	}
	switch *chain {
	case "ethereum":
		return depositEthereum(info, to, big.NewInt(int64(units)), *amount)
	case "tron":
		return depositTron(env, *root, info, to, int64(units), *amount)
	}
	return fmt.Errorf("chain %q: ethereum or tron", *chain)
}

// depositAddress reads the wallet through the API (a dev token for its
// tenant) and returns its deposit address on chain.
func depositAddress(env map[string]string, root, tenant, wallet, chain string) (string, error) {
	iss, err := devstack.LoadIssuer(env["STABLEGATE_ISSUER"], env["STABLEGATE_DEV_KEY"])
	if err != nil {
		return "", err
	}
	tok, err := iss.Token(env["STABLEGATE_AUDIENCE"], tenant, "dev-deposit", []string{"wallets:read"}, 5*time.Minute)
	if err != nil {
		return "", err
	}
	req, _ := http.NewRequest(http.MethodGet, env["STABLEGATE_API_URL"]+"/v1/wallets/"+wallet, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("wallet %s of tenant %s: the API answered %d", wallet, tenant, resp.StatusCode)
	}
	var w struct {
		Addresses []struct{ Chain, Address string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil {
		return "", err
	}
	for _, a := range w.Addresses {
		if a.Chain == chain {
			return a.Address, nil
		}
	}
	return "", fmt.Errorf("wallet %s has no %s deposit address", wallet, chain)
}

func depositEthereum(info devstack.ChainInfo, to string, units *big.Int, amount string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ec, err := ethclient.DialContext(ctx, info.RPC)
	if err != nil {
		return err
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(info.FaucetKey, "0x"))
	if err != nil {
		return err
	}
	auth, err := bind.NewKeyedTransactorWithChainID(key, big.NewInt(info.ChainID))
	if err != nil {
		return err
	}
	token, err := testusdt.NewTestUSDT(common.HexToAddress(info.Token), ec)
	if err != nil {
		return err
	}
	tx, err := token.Transfer(auth, common.HexToAddress(to), units)
	if err != nil {
		return err
	}
	rc, err := bind.WaitMined(ctx, ec, tx)
	if err != nil {
		return err
	}
	if rc.Status != 1 {
		return fmt.Errorf("transfer %s failed", tx.Hash())
	}
	fmt.Printf("sent %s USDT on ethereum to %s: tx %s (block %d); the deposit watcher credits it after its confirmations\n", amount, to, tx.Hash(), rc.BlockNumber)
	return nil
}

func depositTron(env map[string]string, root string, info devstack.ChainInfo, to string, units int64, amount string) error {
	dir := filepath.Join(root, "infra", "tronweb")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tronweb")); err != nil {
		return fmt.Errorf("npm tronweb is not installed (make deps-npm): %w", err)
	}
	cmd := exec.Command("node", "deposit.mjs")
	cmd.Dir, cmd.Stderr = dir, os.Stderr
	cmd.Env = append(os.Environ(), "TRON_GRID="+env["STABLEGATE_TRON_GRID"], "PRIVATE_KEY="+info.FaucetKey,
		"TOKEN="+env["STABLEGATE_USDT_TRON"], "TO="+to, fmt.Sprintf("AMOUNT=%d", units))
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("tronweb: %w", err)
	}
	var sent struct {
		TxID  string `json:"txid"`
		Block int64  `json:"block"`
	}
	if err := json.Unmarshal(out, &sent); err != nil {
		return fmt.Errorf("tronweb said %s", out)
	}
	fmt.Printf("sent %s USDT on tron with TronWeb to %s: tx %s (block %d); the deposit watcher credits it once solid\n", amount, to, sent.TxID, sent.Block)
	return nil
}
