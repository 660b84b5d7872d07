package tests

import (
	"os"
	"os/exec"

	"strings"
	"testing"
)

// chainFunctions are the functions that sign Ethereum transactions or read
// the Ethereum chain through go-ethereum: the deposit watcher, the
// sweeper, the payout worker and tracker, the cold payouts, the hot-key
// rotation and the audit anchor (a transaction on Ethereum). Every other function must link no go-ethereum: it costs
// megabytes and cold-start time, and a route that neither signs nor reads
// a chain has no use for it (issue 18).
var chainFunctions = map[string]bool{
	"audit-anchor": true, "cold-payouts-cancel": true, "cold-payouts-create": true, "cold-payouts-get": true, "cold-payouts-qr": true,
	"cold-payouts-sign": true, "deposits-watch": true, "hot-key-rotate": true, "sweeps": true,
	"withdrawals-track": true, "withdrawals-worker": true,
}

// Only the chain functions link go-ethereum, as Lambda builds them
// (linux/arm64, the Makefile's tags). Read from `go list`, not a build.
func TestOnlyChainFunctionsLinkGoEthereum(t *testing.T) {
	cmd := exec.Command("go", "list", "-tags", "lambda.norpc", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./functions/...")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var linking []string
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		name := strings.TrimPrefix(f[0], module+"/functions/")
		seen++
		geth := false
		for _, d := range f[1:] {
			if strings.HasPrefix(d, "github.com/ethereum/go-ethereum") {
				geth = true
				break
			}
		}
		if geth {
			linking = append(linking, name)
		}
		if geth && !chainFunctions[name] {
			t.Errorf("function %s links go-ethereum but neither signs nor reads Ethereum: find the import that brings it (go list -deps) and split it off", name)
		}
	}
	if seen < len(chainFunctions) {
		t.Fatalf("go list saw %d functions", seen)
	}
	for name := range chainFunctions {
		if !contains(linking, name) {
			t.Errorf("function %s is listed as a chain function but links no go-ethereum: drop it from chainFunctions", name)
		}
	}
}
