package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// ---- init: what a cold start links (issue 18) ----

// functionDeps lists each function's packages as Lambda builds it
// (linux/arm64, the Makefile's tags), read from `go list`, not a build.
func functionDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", lambdaTags(t), "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./functions/...")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		deps[strings.TrimPrefix(f[0], module+"/functions/")] = f[1:]
	}
	if len(deps) < 100 {
		t.Fatalf("go list named %d functions", len(deps))
	}
	return deps
}

// No function links an AWS SDK service's schemas package: from the
// releases that brought schema-based serde, each service builds every
// shape's schema at package init (DynamoDB's 3,151 allocations, 0.6-0.8 ms
// of every cold start). go.mod keeps the services on the releases before;
// an upgrade that brings them back fails here.
func TestFunctionsLinkNoSDKSchemas(t *testing.T) {
	schemas := regexp.MustCompile(`^github\.com/aws/aws-sdk-go-v2/service/[^/]+/schemas$`)
	for name, deps := range functionDeps(t) {
		for _, d := range deps {
			if schemas.MatchString(d) {
				t.Errorf("function %s links %s: keep the service on its release before schema-based serde (go.mod)", name, d)
			}
		}
	}
}

// The routes that neither sign, seal nor queue link no KMS or SQS
// client, and no package fn (which wires every adapter): the compliance
// routes over the kit alone, internal transfers, the audit trail, the
// ledger's read routes (ledgerfn), the webhook routes that only read or
// remove (hookfn), the cold payout routes that touch no chain (coldfn) and
// the custody routes that only read (custodytable).
// Each client's endpoint tables are built at every cold start of a
// function that links it.
func TestLightRoutesLinkNoKMSOrSQS(t *testing.T) {
	light := regexp.MustCompile(`^(cases-.*|compliance-rules-.*|blocklist-.*|sanctions-get|compliance-monitor|transfers-create|transfers-batch|audit-(list|export|proof|projector)|transfers-get|payout-batches-get|courses-progress|tron-grants-(get|qr)|wallets-(transfers|statement)|reconciliation-get|webhook-endpoints-(list|get|update|delete|deliveries)|events-(list|get)|cold-payouts-(get|qr|cancel)|policy-get|allowlist-(list|add)|freezes-(list|create)|journal-list|rotations-(get|create)|tiers-(get|put)|invoices-(list|get|payment-link|receipt)|checkout-(get|qr|receipt)|fx-quotes-create|invoice-policy-(get|put)|settlements-get|ws-(connect|disconnect|subscribe)|live-notify)$`)
	heavy := []string{"github.com/aws/aws-sdk-go-v2/service/kms", "github.com/aws/aws-sdk-go-v2/service/sqs", module + "/shared/fn"}
	seen := 0
	for name, deps := range functionDeps(t) {
		if !light.MatchString(name) {
			continue
		}
		seen++
		for _, h := range heavy {
			if contains(deps, h) {
				t.Errorf("function %s links %s: find the import that brings it (go list -deps) and split it off", name, h)
			}
		}
	}
	if seen < 64 {
		t.Fatalf("%d light routes found: update the pattern", seen)
	}
}

// The edits that need one client link only that one: setting the policy
// seals its webhook secret (KMS) and queues nothing; creating a webhook
// endpoint and rotating its secret seal the secret (KMS) and queue
// nothing; lifting a freeze queues the payouts it held (SQS) and seals
// nothing.
func TestEditsLinkOnlyTheClientTheyUse(t *testing.T) {
	deps := functionDeps(t)
	for name, unused := range map[string]string{
		"policy-put":               "github.com/aws/aws-sdk-go-v2/service/sqs",
		"webhook-endpoints-create": "github.com/aws/aws-sdk-go-v2/service/sqs",
		"webhook-endpoints-rotate": "github.com/aws/aws-sdk-go-v2/service/sqs",
		"freezes-approve":          "github.com/aws/aws-sdk-go-v2/service/kms",
	} {
		d, ok := deps[name]
		if !ok {
			t.Fatalf("no function %s", name)
		}
		if contains(d, unused) {
			t.Errorf("function %s links %s, which it does not use: find the import that brings it (go list -deps) and split it off", name, unused)
		}
	}
}

// The functions that publish events, push to connections or serve
// invoices but neither sign nor seal link no KMS client: the publisher
// needs the queue and the webhook store only (fn/notifyfn/publishfn), the
// market publisher, which reads the hot address, is apart from the push
// (fn/pushfn/marketfn), and only creating an invoice or a settlement config
// makes a wallet (package fn; the rest are fn/invoicefn's).
func TestPublishersLinkNoKMS(t *testing.T) {
	unsigned := regexp.MustCompile(`^(history-projector|holds-expire|invoices-expire|live-notify|ws-(connect|disconnect|subscribe)|invoices-(list|get|cancel|payment-link|receipt)|fx-quotes-create|invoice-policy-(get|put)|checkout-(get|qr|receipt)|settlements-get|withdrawals-cancel)$`)
	seen := 0
	for name, d := range functionDeps(t) {
		if !unsigned.MatchString(name) {
			continue
		}
		seen++
		if contains(d, "github.com/aws/aws-sdk-go-v2/service/kms") {
			t.Errorf("function %s links the KMS client: find the import that brings it (go list -deps) and split it off", name)
		}
	}
	if seen != 20 {
		t.Fatalf("%d of the 20 functions found: update the pattern", seen)
	}
}

// Package fn keeps only the two routes that make the platform's wallets
// for a merchant; every other function is wired by its family's package,
// so that no function links the wiring of another family.
func TestOnlyWalletMakersLinkPackageFn(t *testing.T) {
	makers := map[string]bool{"invoices-create": true, "settlement-settings": true}
	for name, d := range functionDeps(t) {
		if linked := contains(d, module+"/shared/fn"); linked != makers[name] {
			t.Errorf("function %s links package fn: %v, want %v", name, linked, makers[name])
		}
	}
}

// Only the functions that push to WebSocket connections link the API
// Gateway Management API's client (fn/livefn).
func TestOnlyLiveFunctionsLinkTheManagementAPI(t *testing.T) {
	pushers := map[string]bool{"ws-connect": true, "ws-disconnect": true, "ws-subscribe": true, "live-notify": true, "market-publish": true}
	linking := 0
	for name, deps := range functionDeps(t) {
		if !contains(deps, "github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi") {
			continue
		}
		if !pushers[name] {
			t.Errorf("function %s links the Management API client: find the import that brings it (go list -deps) and split it off", name)
		}
		linking++
	}
	if linking != len(pushers) {
		t.Errorf("%d functions link the Management API client, want the %d that push: update pushers", linking, len(pushers))
	}
}

// No job, stream consumer or queue worker links HTTP code: request
// validation alone (validator/v10's package init) is about a quarter of a
// bare function's cold start. Every function whose main starts through
// core.Start (which takes no HTTP handler) is checked, so a job that comes
// to link the routes' wiring again, or a new one built on it, fails here.
func TestJobsLinkNoHTTPCode(t *testing.T) {
	mains, err := filepath.Glob("../functions/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	deps := functionDeps(t)
	jobs := 0
	for _, m := range mains {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "core.Start(") {
			continue
		}
		jobs++
		name := filepath.Base(filepath.Dir(m))
		d, ok := deps[name]
		if !ok {
			t.Fatalf("no function %s", name)
		}
		for _, p := range []string{module + "/shared/httpapi", "github.com/go-playground/validator/v10"} {
			if contains(d, p) {
				t.Errorf("job %s links %s: find the import that brings it (go list -deps) and split it off", name, p)
			}
		}
	}
	if jobs < 20 {
		t.Errorf("%d functions start through core.Start; the jobs, streams and workers are at least 20", jobs)
	}
}

// Every function starts through core.Start (jobs, streams, queues: it
// takes no HTTP handler) or httpfn.Start (routes, with their rate limits
// turned on; bodyfn.Start for those that take a body); none calls core.StartWith, which would start a route with
// no rate limits.
func TestRoutesStartWithTheirRateLimits(t *testing.T) {
	mains, err := filepath.Glob("../functions/*/main.go")
	if err != nil || len(mains) < 100 {
		t.Fatalf("%d mains found: %v", len(mains), err)
	}
	routes := 0
	for _, m := range mains {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		switch {
		case strings.Contains(src, "StartWith("):
			t.Errorf("%s calls core.StartWith: start a route through httpfn.Start, a job through core.Start", m)
		case strings.Contains(src, "httpfn.Start(") || strings.Contains(src, "bodyfn.Start("):
			routes++
		case !strings.Contains(src, "core.Start("):
			t.Errorf("%s starts through neither core.Start nor httpfn.Start (bodyfn.Start)", m)
		}
	}
	if routes < 90 {
		t.Errorf("%d mains start through httpfn.Start; every HTTP and WebSocket route must", routes)
	}
}

// A function whose route takes a body (POST, PUT, PATCH, DELETE) starts
// through bodyfn.Start, which installs the body rules: httpapi.Decode
// refuses every body without them, so a body route started otherwise
// would answer every request with an internal error. A function whose
// routes only read (GET) or serve WebSocket messages starts through
// httpfn.Start and links no validator: validator/v10's package init alone
// is about a sixth of a bare function's cold start.
func TestOnlyBodyRoutesLinkTheValidator(t *testing.T) {
	tpl, err := devstack.LoadTemplate("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	deps := functionDeps(t)
	bodies, reads := 0, 0
	for _, f := range tpl.Functions() {
		b, err := os.ReadFile(filepath.Join("..", "functions", f.Name, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		if !strings.Contains(src, "httpfn.Start(") && !strings.Contains(src, "bodyfn.Start(") {
			continue // a job: TestJobsLinkNoHTTPCode
		}
		takesBody := false
		for _, r := range f.Routes {
			if r.Method != "GET" && r.Method != "HEAD" {
				takesBody = true
			}
		}
		validates := contains(deps[f.Name], "github.com/go-playground/validator/v10")
		switch {
		case takesBody && !strings.Contains(src, "bodyfn.Start("):
			t.Errorf("function %s serves a route that takes a body: start it through bodyfn.Start", f.Name)
		case takesBody:
			bodies++
		case strings.Contains(src, "bodyfn.Start("):
			t.Errorf("function %s only reads: start it through httpfn.Start, which links no validator", f.Name)
		case validates:
			t.Errorf("function %s only reads but links validator/v10: find the import that brings it (go list -deps) and split it off", f.Name)
		default:
			reads++
		}
	}
	if bodies < 45 || reads < 45 {
		t.Errorf("%d body routes and %d read routes found; there are at least 45 of each", bodies, reads)
	}
}
