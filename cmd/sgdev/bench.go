package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// bench prints, per function, the deployed binary's size (linux/arm64,
// built with the Makefile's build-<Id>Function flags) and its cold-start
// (INIT) time, read from the Lambda runtime emulator's INIT REPORT line,
// next to a bare aws-lambda-go function (cmd/baseline-lambda) cold-started
// in alternation with it, so a slower moment of the machine falls on both,
// and the floors (cmd/baseline-floor: the libraries a class of function
// must link, and nothing of ours) measured the same way.
// Cold starts run the arm64 builds where this machine can execute them
// (qemu-user with binfmt_misc), else builds for this machine, and say so.
func bench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	o := stackFlags(fs)
	runs := fs.Int("runs", 21, "cold starts per function (and as many of the baseline and of its floor beside it)")
	transfers := fs.Int("transfers", 2000, "transfers per path in the ledger benchmark")
	only := fs.String("functions", "", "a regular expression: measure only the functions it matches")
	parts := fs.String("parts", "functions,ledger,kms,scan,gas,holdings", "the benches to run, comma-separated")
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
	for _, p := range []struct {
		name string
		run  func() error
	}{
		{"functions", func() error { return benchFunctions(o.Root, s.FunctionEnv, *runs, *only) }},
		{"ledger", func() error { return benchLedger(ctx, s, *transfers) }},
		{"kms", func() error { return benchKMS(ctx, 1000) }},
		{"scan", benchScan},
		{"gas", benchGas},
		{"holdings", benchHoldings},
	} {
		if !slices.Contains(strings.Split(*parts, ","), p.name) {
			continue
		}
		if err := p.run(); err != nil {
			return err
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// goBuild builds pkg as the Makefile builds a function (LAMBDA_FLAGS), with
// tags added to the flags' own.
func goBuild(root, pkg, out, goos, goarch string, tags ...string) error {
	flags, err := lambdaFlags(root)
	if err != nil {
		return err
	}
	if len(tags) > 0 {
		flags = withTags(flags, tags)
	}
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, pkg)...)
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

// withTags adds tags to the -tags flag of flags (a later -tags would
// replace the first, not add to it).
func withTags(flags, tags []string) []string {
	out := append([]string(nil), flags...)
	for i, f := range out {
		if f == "-tags" && i+1 < len(out) {
			out[i+1] += "," + strings.Join(tags, ",")
			return out
		}
		if v, ok := strings.CutPrefix(f, "-tags="); ok {
			out[i] = "-tags=" + v + "," + strings.Join(tags, ",")
			return out
		}
	}
	return append(out, "-tags", strings.Join(tags, ","))
}

// coldStart starts the function under the emulator, invokes it once and
// returns the INIT duration the emulator reports and the duration of that
// first invocation.
func coldStart(rie, bootstrap string, env map[string]string) (time.Duration, time.Duration, error) {
	// A port taken between its choice and the emulator's bind stops the
	// emulator at once (devstack.StartRIE): start again on fresh ports.
	var r *devstack.RIE
	var err error
	for try := 0; try < 3; try++ {
		if r, err = devstack.StartRIE(rie, bootstrap, env); err == nil {
			break
		}
	}
	if err != nil {
		return 0, 0, err
	}
	defer r.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.Invoke(ctx, []byte(`{"version":"2.0","routeKey":"GET /bench","rawPath":"/bench","requestContext":{"requestId":"bench"}}`)); err != nil {
		return 0, 0, fmt.Errorf("invoke: %w\n%s", err, r.Logs())
	}
	init, err := r.InitDuration(5 * time.Second)
	if err != nil {
		return 0, 0, err
	}
	first, err := r.InvokeDuration(5 * time.Second)
	return init, first, err
}

// lambdaFlags are the go build flags of the Makefile's LAMBDA_FLAGS, the
// ones `sam build` builds every function with (build-<Id>Function), so the
// bench measures the binaries that are deployed. The line is split as the
// shell splits it: on spaces, single quotes grouping.
func lambdaFlags(root string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		v, ok := strings.CutPrefix(line, "LAMBDA_FLAGS :=")
		if !ok {
			continue
		}
		var args []string
		var cur strings.Builder
		quoted, in := false, false
		for _, c := range strings.TrimSpace(v) {
			switch {
			case c == '\'':
				quoted, in = !quoted, true
			case c == ' ' && !quoted:
				if in {
					args = append(args, cur.String())
				}
				cur.Reset()
				in = false
			default:
				cur.WriteRune(c)
				in = true
			}
		}
		if in {
			args = append(args, cur.String())
		}
		return args, nil
	}
	return nil, errors.New("bench: the Makefile has no LAMBDA_FLAGS line")
}
