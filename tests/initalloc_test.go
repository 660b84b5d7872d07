package tests

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// ---- init: what our packages allocate at a cold start (issue 18) ----

// Our packages do (close to) no work at init: each cold start runs the
// init of every package a function links, whether or not the invocation
// needs what it builds. Regexps, tables, parsed lists and hashes are built
// at first use (shared/lazy) or written out as literals. Go's own tracer
// (GODEBUG=inittrace=1) reports each package's init: its allocations are
// deterministic, so they are what this test bounds (never the clock). The
// functions built link most of our packages: the withdrawal worker (chain,
// custody, compliance, webhooks) and an invoice route (the API handlers).
func TestOurPackagesAllocateLittleAtInit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two functions as deployed (make test runs it); skipped under -short")
	}
	// A package's sentinel errors and small literal maps cost a few
	// allocations (shared/stablegate's, the most, 15); one
	// regexp.MustCompile costs 40 to 300, a parsed list or table hundreds
	// (shared/airgap allocated 738 before this test, all ours 2348).
	const perPackage, total = 32, 128
	line := regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$`)
	for _, fn := range []string{"withdrawals-worker", "invoices-create"} {
		t.Run(fn, func(t *testing.T) {
			bin := buildBootstrap(t, fn)
			// No configuration: the package inits run, then the function's
			// builder refuses (TABLE_NAME unset) and it exits.
			cmd := exec.Command(bin)
			cmd.Env = []string{"GODEBUG=inittrace=1"}
			out, _ := cmd.CombinedOutput()
			all := line.FindAllStringSubmatch(string(out), -1)
			if len(all) < 50 {
				t.Fatalf("inittrace reported %d package inits, want the runtime's and the SDKs' too:\n%s", len(all), out)
			}
			sum := 0
			for _, m := range all {
				if !strings.HasPrefix(m[1], module+"/") {
					continue
				}
				allocs, _ := strconv.Atoi(m[3])
				sum += allocs
				if allocs > perPackage {
					t.Errorf("%s allocates %s times (%s bytes) at init, want at most %d: build what it builds at first use (shared/lazy) or write it out",
						strings.TrimPrefix(m[1], module+"/"), m[3], m[2], perPackage)
				}
			}
			t.Logf("our packages: %d allocations at init", sum)
			if sum > total {
				t.Errorf("our packages allocate %d times at init together, want at most %d", sum, total)
			}
		})
	}
}
