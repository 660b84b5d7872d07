package tests

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/stablegate/stablegate"

// imports lists each package of the module (tests excluded) with the
// packages it imports directly, as `go list` reports them.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0], module+"/")] = f[1:]
	}
	return m
}

func under(pkg string, prefixes ...string) bool {
	for _, p := range prefixes {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// The layers hold: the domain imports only the standard library; services
// import no adapter or AWS SDK; chain adapters import no service and no
// DynamoDB; adapters (stores, queue, signers, chains) import no service and
// no handler, the domain owning the ports they implement; handlers import
// no adapter; no function links the dev area.
// Imports that break a rule today are listed in knownLayerDebts (issue 13
// removes them): a new one fails this test, and a debt paid must leave the
// list, so the list only shrinks.
func TestLayersHold(t *testing.T) {
	services := []string{"shared/ledger", "shared/wallet", "shared/custody", "shared/recon", "shared/courses", "shared/acquiring", "shared/notify", "shared/audit", "shared/compliance", "shared/settlement"}
	adapters := []string{module + "/shared/dynamo", module + "/shared/queue", module + "/shared/kmssign", module + "/shared/envelope"}
	rules := []struct {
		name  string
		from  func(string) bool
		wrong func(string) bool
	}{
		{"the domain imports only the standard library", func(p string) bool { return p == "shared/stablegate" },
			func(i string) bool { return strings.Contains(strings.SplitN(i, "/", 2)[0], ".") }},
		{"services import no adapter and no AWS SDK", func(p string) bool { return under(p, services...) },
			func(i string) bool {
				return under(i, adapters...) || strings.HasPrefix(i, "github.com/aws/aws-sdk-go-v2")
			}},
		{"chain adapters import no service and no DynamoDB", func(p string) bool { return under(p, "shared/chain") },
			func(i string) bool {
				return under(i, module+"/shared/dynamo") || under(strings.TrimPrefix(i, module+"/"), services...)
			}},
		{"adapters import no service and no handler", func(p string) bool {
			return under(p, "shared/dynamo", "shared/queue", "shared/kmssign", "shared/envelope", "shared/memstore", "shared/chain",
				"shared/fxrate", "shared/kycprovider", "shared/anchor")
		}, func(i string) bool {
			i = strings.TrimPrefix(i, module+"/")
			return under(i, services...) || under(i, "shared/api", "shared/live")
		}},
		{"handlers import no DynamoDB", func(p string) bool { return under(p, "shared/api", "shared/live") },
			func(i string) bool { return under(i, module+"/shared/dynamo") }},
	}
	debts := map[string]bool{}
	for _, d := range knownLayerDebts {
		debts[d] = true
	}
	var broken, paid []string
	seen := map[string]bool{}
	for pkg, imps := range imports(t) {
		for _, r := range rules {
			if !r.from(pkg) {
				continue
			}
			for _, i := range imps {
				if !r.wrong(i) {
					continue
				}
				edge := pkg + " -> " + strings.TrimPrefix(i, module+"/")
				seen[edge] = true
				if !debts[edge] {
					broken = append(broken, r.name+": "+edge)
				}
			}
		}
	}
	for d := range debts {
		if !seen[d] {
			paid = append(paid, d)
		}
	}
	sort.Strings(broken)
	sort.Strings(paid)
	for _, b := range broken {
		t.Errorf("layer broken: %s", b)
	}
	for _, p := range paid {
		t.Errorf("%s no longer exists: take it off knownLayerDebts", p)
	}
}

// No function links dev-only code (the local stack, stand-ins, test tokens).
func TestFunctionsLinkNoDevCode(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./functions/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if under(p, module+"/internal/dev") {
			t.Errorf("a function links %s", p)
		}
	}
}

// knownLayerDebts are the imports that break the layers. Issue 13 moved
// the records and ports into the domain and paid every debt the test was
// written with; the list stays empty.
var knownLayerDebts = []string{}
