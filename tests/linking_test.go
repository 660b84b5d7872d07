package tests

import (
	"os"
	"os/exec"

	"strings"
	"testing"
)

// chainFunctions are the functions that sign Ethereum transactions or read
// the Ethereum chain through go-ethereum: the deposit watcher, the
// sweeper, the payout worker and tracker, preparing a cold payout and
// taking its signature back, the hot-key rotation and the audit anchor (a
// transaction on Ethereum). Reading, showing or cancelling a cold payout
// touches no chain (coldfn). Every other function must link no go-ethereum: it costs
// megabytes and cold-start time, and a route that neither signs nor reads
// a chain has no use for it (issue 18).
var chainFunctions = map[string]bool{
	"audit-anchor": true, "cold-payouts-create": true, "cold-payouts-sign": true, "deposits-watch": true, "hot-key-rotate": true, "sweeps": true,
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

// bindingPackages are go-ethereum's packages for generated contract
// bindings, the keystore and external signers. No function deploys a
// contract, holds a key file or talks to Clef, yet bind (v1 and v2) brought
// them all into every chain function's cold start: signer/core/apitypes,
// abigen with text/template and go/parser, the keystore with scrypt and
// fsnotify (issue 18). Functions pack calls with accounts/abi and the ABIs
// in shared/chain/ethereum (FactoryABI) and multisend; the abigen bindings
// (forwarder, multisendbind, internal/dev) serve tests and the local chain.
// A binding package may import the others.
var bindingPackages = []string{
	"github.com/ethereum/go-ethereum/accounts/abi/bind",
	"github.com/ethereum/go-ethereum/accounts/abi/abigen",
	"github.com/ethereum/go-ethereum/accounts/external",
	"github.com/ethereum/go-ethereum/accounts/keystore",
	"github.com/ethereum/go-ethereum/signer/core",
	// Our abigen bindings, built on bind.
	module + "/shared/chain/ethereum/forwarder",
	module + "/shared/chain/ethereum/multisendbind",
}

func isBindingPackage(p string) bool {
	for _, b := range bindingPackages {
		if p == b || strings.HasPrefix(p, b+"/") {
			return true
		}
	}
	return false
}

// bindingImportsPending are our packages that functions link and that still
// import a binding package, each with the change that drops it. The list
// only shrinks: the test fails when no function links an entry that
// imports one.
var bindingImportsPending = map[string]string{}

// No function links go-ethereum's contract bindings, keystore or external
// signer, as Lambda builds them; read from `go list`, not a build.
func TestFunctionsLinkNoContractBindings(t *testing.T) {
	tags := lambdaTags(t)
	env := append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	cmd := exec.Command("go", "list", "-tags", tags, "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./functions/...")
	cmd.Dir, cmd.Env = "..", env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	pending := map[string]bool{}
	pkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkgs++
		if !strings.HasPrefix(f[0], module+"/") || isBindingPackage(f[0]) {
			continue
		}
		for _, imp := range f[1:] {
			if !isBindingPackage(imp) {
				continue
			}
			if _, ok := bindingImportsPending[f[0]]; ok {
				pending[f[0]] = true
				continue
			}
			t.Errorf("%s imports %s, which every function linking it pays for at each cold start: pack calls with accounts/abi and the contract's ABI (see chaineth.FactoryABI), keep abigen bindings to tests", f[0], imp)
		}
	}
	if pkgs < 50 {
		t.Fatalf("go list -deps saw %d packages", pkgs)
	}
	for p, change := range bindingImportsPending {
		if !pending[p] {
			t.Errorf("no function links %s importing a binding package any more: drop it from bindingImportsPending (%s)", p, change)
		}
	}

	// Per function: a binding package may come only through a pending
	// package of ours, never through another module.
	cmd = exec.Command("go", "list", "-tags", tags, "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./functions/...")
	cmd.Dir, cmd.Env = "..", env
	if out, err = cmd.Output(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	fns := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		fns++
		var binding string
		viaPending := false
		for _, d := range f[1:] {
			if isBindingPackage(d) {
				binding = d
			}
			if _, ok := bindingImportsPending[d]; ok {
				viaPending = true
			}
		}
		if binding != "" && !viaPending {
			t.Errorf("function %s links %s: find the import that brings it (go list -deps) and cut it", strings.TrimPrefix(f[0], module+"/functions/"), binding)
		}
	}
	if fns < 100 {
		t.Fatalf("go list saw %d functions", fns)
	}
}
