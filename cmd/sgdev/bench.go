package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// bench prints, per function, the deployed binary's size (linux/arm64,
// stripped) and the cold-start (INIT) time of the same function built for
// this machine, read from the Lambda runtime emulator's INIT REPORT line,
// next to a baseline function that only loads the AWS config and one client.
func bench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	o := stackFlags(fs)
	runs := fs.Int("runs", 7, "cold starts per function")
	transfers := fs.Int("transfers", 2000, "transfers per path in the ledger benchmark")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Chain, o.Persist, o.ScheduleSpeedup = true, false, 0 // chain functions dial the node at init
	if o.State == ".dev/dev" {
		o.State = ".dev/bench"
	}
	if o.BasePort == 8000 {
		o.BasePort = 18100
	}
	console := os.Stdout
	os.Stdout, _ = os.Open(os.DevNull)
	o.Out = &strings.Builder{}
	ctx := context.Background()
	s, err := devstack.Up(ctx, *o)
	os.Stdout = console
	if err != nil {
		return err
	}
	defer s.Down()
	tmp, err := os.MkdirTemp("", "sgbench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	rie, _ := filepath.Abs(devstack.ToolPath(o.Root, "aws-lambda-rie"))

	type row struct {
		name       string
		size       int64
		p50, min   time.Duration
		geth       bool
		err        error
		isBaseline bool
	}
	var names []string
	for name := range s.FunctionEnv {
		names = append(names, name)
	}
	sort.Strings(names)
	pkgs := map[string]string{}
	for _, n := range names {
		pkgs[n] = "./functions/" + n
	}
	names = append(names, "baseline")
	pkgs["baseline"] = "./cmd/baseline-lambda"
	var rows []row
	for _, n := range names {
		r := row{name: n, isBaseline: n == "baseline"}
		arm := filepath.Join(tmp, n+"-arm64")
		if r.err = goBuild(o.Root, pkgs[n], arm, "linux", "arm64"); r.err == nil {
			st, _ := os.Stat(arm)
			r.size = st.Size()
			mods, _ := exec.Command("go", "version", "-m", arm).Output()
			r.geth = strings.Contains(string(mods), "github.com/ethereum/go-ethereum")
		}
		native := filepath.Join(tmp, n, "bootstrap")
		if r.err == nil {
			r.err = goBuild(o.Root, pkgs[n], native, "", "")
		}
		var inits []time.Duration
		for i := 0; r.err == nil && i < *runs; i++ {
			var d time.Duration
			d, r.err = coldStart(rie, native, s.FunctionEnv[n])
			inits = append(inits, d)
		}
		if r.err == nil {
			sort.Slice(inits, func(i, j int) bool { return inits[i] < inits[j] })
			r.p50, r.min = inits[len(inits)/2], inits[0]
		}
		rows = append(rows, r)
	}
	fmt.Printf("\nLambda functions: size as deployed (linux/arm64, -s -w, lambda.norpc) and cold start on this machine (%d runs under aws-lambda-rie)\n\n", *runs)
	fmt.Printf("| %-22s | %10s | %13s | %13s | %-11s |\n", "function", "size (MB)", "init p50 (ms)", "init min (ms)", "go-ethereum")
	fmt.Printf("|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 24), strings.Repeat("-", 12), strings.Repeat("-", 15), strings.Repeat("-", 15), strings.Repeat("-", 13))
	failed := 0
	for _, r := range rows {
		if r.err != nil {
			fmt.Printf("| %-22s | error: %v\n", r.name, r.err)
			failed++
			continue
		}
		name := r.name
		if r.isBaseline {
			name = "baseline (config+client)"
		}
		fmt.Printf("| %-22s | %10.2f | %13.1f | %13.1f | %-11s |\n", name, float64(r.size)/1e6, ms(r.p50), ms(r.min), yesNo(r.geth))
	}
	fmt.Println("\nGoal: every API function under 15 MB and under 30 ms init; go-ethereum only where a function signs or reads a chain.")
	if failed > 0 {
		return fmt.Errorf("%d functions failed", failed)
	}
	if err := benchLedger(ctx, s, *transfers); err != nil {
		return err
	}
	if err := benchKMS(ctx, 1000); err != nil {
		return err
	}
	if err := benchScan(); err != nil {
		return err
	}
	return benchGas()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func yesNo(b bool) string {
	if b {
		return "linked"
	}
	return "no"
}

func goBuild(root, pkg, out, goos, goarch string) error {
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v: %s", pkg, err, b)
	}
	return nil
}

// coldStart starts the function under the emulator, invokes it once and
// returns the INIT duration the emulator reports.
func coldStart(rie, bootstrap string, env map[string]string) (time.Duration, error) {
	r, err := devstack.StartRIE(rie, bootstrap, env)
	if err != nil {
		return 0, err
	}
	defer r.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.Invoke(ctx, []byte(`{"version":"2.0","routeKey":"GET /bench","rawPath":"/bench","requestContext":{"requestId":"bench"}}`)); err != nil {
		return 0, fmt.Errorf("invoke: %w\n%s", err, r.Logs())
	}
	return r.InitDuration(5 * time.Second)
}
