// Command sgdev runs Stablegate on one machine.
//
//	sgdev up      start the local stack (emulators, geth, gateway) until Ctrl-C
//	sgdev run -- CMD...   start the stack, run CMD with its environment, stop it
//	sgdev token   print a dev token for the running stack
//	sgdev bench   print function sizes, cold starts and ledger costs
//	sgdev fund    credit a wallet of the running stack (a dev faucet)
//	sgdev deposit send test USDT on a chain to a wallet's deposit address
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "token":
		err = token(os.Args[2:])
	case "bench":
		err = bench(os.Args[2:])
	case "fund":
		err = fund(os.Args[2:])
	case "deposit":
		err = deposit(os.Args[2:])
	case "bench-scan":
		err = benchScan()
	case "bench-gas":
		err = benchGas()
	// ---- scan: the KMS signer's bench alone (needs a running stack) ----
	case "bench-kms":
		err = benchKMS(context.Background(), 1000)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sgdev:", err)
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sgdev up|run|token|bench|fund|deposit [flags]")
	os.Exit(2)
}

func stackFlags(fs *flag.FlagSet) *devstack.Options {
	o := &devstack.Options{}
	fs.StringVar(&o.Root, "root", ".", "the checkout")
	fs.StringVar(&o.State, "state", ".dev/dev", "state folder (data, logs, dev key)")
	fs.IntVar(&o.BasePort, "base-port", 8000, "DynamoDB port; SQS +1, KMS +2, API +80, geth +545")
	fs.BoolVar(&o.Persist, "persist", true, "keep data across runs")
	fs.BoolVar(&o.Chain, "chain", true, "start a local Ethereum node (geth --dev)")
	fs.IntVar(&o.ScheduleSpeedup, "schedule-speedup", 60, "run scheduled functions this many times faster than their rates (0: never)")
	fs.StringVar(&o.Portal, "portal", "", "a built portal (portal/public) to serve on base port +90, with /v1/ passed to the API")
	return o
}

func up(args []string) error {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	o := stackFlags(fs)
	verbose := fs.Bool("verbose", false, "show the functions' JSON logs and the stack's messages in the terminal too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A calm terminal: the functions' JSON logs go to logs/functions.log
	// (make logs tails it), the stack's own messages (provisioning, poller
	// and schedule errors) to logs/stack.log; the terminal shows the URLs
	// and one line per request.
	console := os.Stdout
	if err := os.MkdirAll(filepath.Join(o.State, "logs"), 0o755); err != nil {
		return err
	}
	flog, err := os.Create(filepath.Join(o.State, "logs", "functions.log"))
	if err != nil {
		return err
	}
	defer func() { _ = flog.Close() }() // the functions' log; nothing to do if its last write fails
	stackLog, err := os.Create(filepath.Join(o.State, "logs", "stack.log"))
	if err != nil {
		return err
	}
	defer func() { _ = stackLog.Close() }()
	if *verbose {
		os.Stdout, o.Out = console, console
	} else {
		// The AWS SDK's warnings (stderr) go to the stack's log too; the
		// error that ends the command is printed to the terminal.
		stderr := os.Stderr
		os.Stdout, os.Stderr, o.Out = flog, stackLog, stackLog
		defer func() { os.Stderr = stderr }()
	}
	o.Access = console
	start := time.Now()
	fmt.Fprintln(console, "starting the local stack (emulators, chains, functions)...")
	s, err := devstack.Up(ctx, *o)
	if err != nil {
		return fmt.Errorf("%w (see %s)", err, stackLog.Name())
	}
	defer s.Down()
	fmt.Fprintf(console, `
Stablegate local stack is up (in %s).
  API (HTTP API v2, JWT)   %s
  WebSocket API            %s
  dev token issuer         %s
  DynamoDB Local           %s
  SQS (fauxqs)             %s
  KMS (local-kms)          %s
`, time.Since(start).Round(100*time.Millisecond), s.APIURL, s.Env["STABLEGATE_WS_URL"], s.Issuer.URL, s.Env["AWS_ENDPOINT_URL_DYNAMODB"], s.Env["AWS_ENDPOINT_URL_SQS"], s.Env["AWS_ENDPOINT_URL_KMS"])
	if rpc := s.Env["STABLEGATE_ETH_RPC"]; rpc != "" {
		fmt.Fprintf(console, "  Ethereum (geth --dev)    %s\n", rpc)
		fmt.Fprintf(console, "  test USDT token          %s   (chain details and a faucet key: %s)\n", s.Env["STABLEGATE_USDT_ETHEREUM"], s.Env["STABLEGATE_CHAIN_INFO"])
	}
	if tg := s.Env["STABLEGATE_TRON_GRID"]; tg != "" {
		fmt.Fprintf(console, "  Tron (TronGrid stand-in) %s   (test USDT %s; TronWeb works against it)\n", tg, s.Env["STABLEGATE_USDT_TRON"])
	}
	if u := s.Env["STABLEGATE_PORTAL_URL"]; u != "" {
		fmt.Fprintf(console, "  developer portal         %s/\n", u)
	}
	fmt.Fprintf(console, `
Get a token:   TOKEN=$(make -s token)        (tenant "acme", every scope)
Deposit:       make deposit WALLET=wal_... AMOUNT=100 CHAIN=tron|ethereum   (a real transfer on the local chain)
Fund a wallet: make fund WALLET=wal_... AMOUNT=100 CHAIN=tron   (dev faucet: a ledger credit, no chain)
Logs:          make logs   (the functions' JSON logs: %s; the stack's own: %s)
Environment:   source %s
Stop:          Ctrl-C

requests:
`, flog.Name(), stackLog.Name(), filepath.Join(o.State, "stack.env"))
	<-ctx.Done()
	fmt.Fprintln(console, "\nstopping...")
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	o := stackFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return fmt.Errorf("run: give a command after --")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The functions' own JSON logs go to a file, so the command's output
	// stays readable; the file is beside the emulators' logs.
	console := os.Stdout
	if err := os.MkdirAll(filepath.Join(o.State, "logs"), 0o755); err != nil {
		return err
	}
	flog, err := os.Create(filepath.Join(o.State, "logs", "functions.log"))
	if err != nil {
		return err
	}
	defer func() { _ = flog.Close() }() // the functions' log; nothing to do if its last write fails
	os.Stdout = flog
	o.Out = console
	start := time.Now()
	s, err := devstack.Up(ctx, *o)
	if err != nil {
		return err
	}
	defer s.Down()
	fmt.Fprintf(console, "local stack up in %s at %s (function logs: %s)\n", time.Since(start).Round(time.Millisecond), s.APIURL, flog.Name())
	cmd := exec.CommandContext(ctx, rest[0], rest[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = console, os.Stderr, os.Stdin
	cmd.Env = os.Environ()
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd.Run()
}

func token(args []string) error {
	fs := flag.NewFlagSet("token", flag.ExitOnError)
	state := fs.String("state", ".dev/dev", "state folder of the running stack")
	tenant := fs.String("tenant", "acme", "tenant claim")
	sub := fs.String("sub", "dev-user", "subject claim")
	scopes := fs.String("scopes", "", "space-separated scopes (default: every scope template.yaml's routes declare)")
	root := fs.String("root", ".", "the checkout (its template.yaml lists the scopes)")
	ttl := fs.Duration("ttl", time.Hour, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	granted := strings.Fields(*scopes)
	if *scopes == "" {
		t, err := devstack.LoadTemplate(filepath.Join(*root, "template.yaml"))
		if err != nil {
			return err
		}
		granted = t.AllScopes()
	}
	env, err := readEnv(filepath.Join(*state, "stack.env"))
	if err != nil {
		return fmt.Errorf("no running stack found (start it with `make dev`): %w", err)
	}
	// The stack's issuer signs with its KMS token key; a stack.env that
	// names a file key instead (STABLEGATE_DEV_KEY, no KMS) mints with it.
	var iss *devstack.Issuer
	if env["STABLEGATE_TOKEN_KEY"] == "" && env["STABLEGATE_DEV_KEY"] != "" {
		iss, err = devstack.LoadIssuer(env["STABLEGATE_ISSUER"], env["STABLEGATE_DEV_KEY"])
	} else {
		iss, err = devstack.DevIssuer(context.Background(), func(k string) string { return env[k] })
	}
	if err != nil {
		return err
	}
	t, err := iss.Token(env["STABLEGATE_AUDIENCE"], *tenant, *sub, granted, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(t)
	return nil
}

func readEnv(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if ok {
			env[k] = strings.Trim(v, `"`)
		}
	}
	return env, nil
}
