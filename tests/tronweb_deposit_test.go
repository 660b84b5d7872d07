package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// issue 17, must show 5: a TRC20 deposit made with stock TronWeb (npm
// tronweb, pinned in infra/tronweb; make installs it) against the local
// TronGrid stand-in is credited to the wallet. TronWeb itself loads the
// token with contract().at(), builds the transfer with
// triggersmartcontract, checks the transaction the node returned, signs it
// and broadcasts it; the deposit watcher finds it like any other.
func TestTronWebDepositIsCredited(t *testing.T) {
	e := stack(t)
	if os.Getenv("STABLEGATE_TRON_GRID") == "" {
		t.Fatal("the stack has no Tron stand-in")
	}
	dir := filepath.Join("..", "infra", "tronweb")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tronweb")); err != nil {
		t.Fatalf("npm tronweb is not installed in infra/tronweb (make deps-npm installs it): %v", err)
	}
	raw, err := os.ReadFile(os.Getenv("STABLEGATE_CHAIN_INFO"))
	if err != nil {
		t.Fatalf("chain details: %v", err)
	}
	var info devstack.ChainInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	tok := e.token(t, tenant())
	w := e.newWallet(t, tok, false)
	var to string
	for _, a := range w.Addresses {
		if a.Chain == "tron" {
			to = a.Address
		}
	}
	if to == "" {
		t.Fatalf("wallet %s has no Tron deposit address", w.ID)
	}
	cmd := exec.Command("node", "deposit.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TRON_GRID="+os.Getenv("STABLEGATE_TRON_GRID"), "PRIVATE_KEY="+info.FaucetKey,
		"TOKEN="+os.Getenv("STABLEGATE_USDT_TRON"), "TO="+to, "AMOUNT=12345678")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("tronweb deposit: %v %s", err, stderr)
	}
	var sent struct {
		TxID          string `json:"txid"`
		BalanceBefore string `json:"balance_before"`
		BalanceAfter  string `json:"balance_after"`
	}
	if err := json.Unmarshal(out, &sent); err != nil || sent.TxID == "" {
		t.Fatalf("tronweb said %s: %v", out, err)
	}
	if sent.BalanceBefore != "0" || sent.BalanceAfter != "12345678" {
		t.Fatalf("token balance of %s by TronWeb's balanceOf: %s -> %s", to, sent.BalanceBefore, sent.BalanceAfter)
	}
	dep := e.waitDeposit(t, tok, w.ID, "posted")
	fromTx := false
	for _, ev := range dep.Events {
		fromTx = fromTx || strings.Contains(ev.Note, sent.TxID)
	}
	if dep.Amount != "12.345678" || !fromTx {
		t.Fatalf("credited deposit %+v; want 12.345678 from %s", dep, sent.TxID)
	}
	if b := e.balances(t, tok, w.ID)["tron"]; b.Available != "12.345678" {
		t.Fatalf("tron balance %+v", b)
	}
}
