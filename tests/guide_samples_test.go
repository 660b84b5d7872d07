package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/net/html"
)

// ---- guides: every API sample of the guides runs as pasted against the local stack

// guideBlock is one highlighted block of a built guide page, as a reader
// copies it.
type guideBlock struct {
	page, lang, code string
	sample           string // the portal/samples file an included block shows
}

// guideNotRun are the guides' program blocks that are not API calls, by
// their first line, and why this test does not run them. A guide that gains
// a program block in neither this list nor the run set fails the test.
var guideNotRun = map[string]string{
	"make dev": "starts the local stack itself: the test runs inside one",
	"export API=http://127.0.0.1:8080 TOKEN=$(make -s token)":                                                                    "sets $API and $TOKEN, which the test provides for the stack it runs in",
	"sam build          # runs the Makefile's build-<LogicalId> targets (Go, linux/arm64, provided.al2023)":                      "deploys to AWS: needs an account and credentials",
	"sam deploy --parameter-overrides \\":                                                                                        "deploys to AWS (RPC provider lists): needs an account and credentials",
	"aws s3 cp truststore.pem s3://my-bucket/truststore.pem":                                                                     "deploys mTLS on an AWS custom domain (S3, ACM): needs an account; its curl needs the client certificate",
	"TRACE=$(grep '\"POST /v1/withdrawals\"' .dev/dev/traces.jsonl | tail -1 | sed -E 's/.*\"trace_id\":\"([^\"]+)\".*/\\1/')":   "reads make dev's trace file (.dev/dev), not an API call",
	"go run ./cmd/auditverify export.jsonl                          # GET /v1/audit/export: OK and the head, or the first break": "an offline tool on exported files (TestAuditverify in cmd/auditverify runs it), not an API call",
}

// guideProgramLangs are the languages a reader runs; blocks in any other
// (json, text, none) show a payload or a format and are never run.
var guideProgramLangs = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "go": true, "js": true, "javascript": true, "node": true}

// guideBlocks reads every highlighted block of the built guides, English
// and Chinese.
func guideBlocks(t *testing.T) []guideBlock {
	t.Helper()
	var out []guideBlock
	var pages []string
	for _, g := range []string{"guides/*/index.html", "zh/guides/*/index.html"} {
		m, _ := filepath.Glob(filepath.Join(site, g))
		pages = append(pages, m...)
	}
	if len(pages) < 20 {
		t.Fatalf("%d built guide pages in %s (en and zh); run make portal", len(pages), site)
	}
	for _, p := range pages {
		rel, _ := filepath.Rel(site, p)
		rel = filepath.ToSlash(rel)
		for _, c := range elements(builtHTML(t, rel), "code") {
			if c.Parent == nil || c.Parent.Data != "pre" {
				continue
			}
			b := guideBlock{page: rel, lang: attr(c, "data-lang"), code: strings.TrimRight(textOf(c), "\n")}
			for a := c.Parent; a != nil; a = a.Parent {
				if a.Type == html.ElementNode && a.Data == "figure" && hasClass(a, "sample") {
					if fc := elements(a, "figcaption"); len(fc) > 0 {
						if cs := elements(fc[0], "code"); len(cs) > 0 {
							b.sample = textOf(cs[0])
						}
					}
				}
			}
			out = append(out, b)
		}
	}
	return out
}

var (
	guideVarRe  = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)\}`)
	guideURLRe  = regexp.MustCompile(`"\$API(/[^"?]*)`)
	guideVerbRe = regexp.MustCompile(`(?:^|\s)-X\s+([A-Z]+)`)
)

// guideCalls cuts a shell block into its curl commands (continuation lines
// joined), each as METHOD and path.
func guideCalls(code string) [][2]string {
	var calls [][2]string
	for _, cmd := range strings.Split(strings.ReplaceAll(code, "\\\n", " "), "\n") {
		cmd = strings.TrimSpace(cmd)
		if !strings.HasPrefix(cmd, "curl ") {
			continue
		}
		u := guideURLRe.FindStringSubmatch(cmd)
		if u == nil {
			calls = append(calls, [2]string{"", cmd})
			continue
		}
		method := "GET"
		if v := guideVerbRe.FindStringSubmatch(cmd); v != nil {
			method = v[1]
		} else if strings.Contains(cmd, " -d ") || strings.Contains(cmd, " --data") {
			method = "POST"
		}
		calls = append(calls, [2]string{method, u[1]})
	}
	return calls
}

// guideOperation finds the spec's operation a call's concrete path names.
func guideOperation(spec *openapi3.T, method, path string) (string, *openapi3.Operation) {
	for tmpl, item := range spec.Paths.Map() {
		re := "^" + regexp.MustCompile(`\\\{[^}]+\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			if op := item.GetOperation(method); op != nil {
				return tmpl, op
			}
		}
	}
	return "", nil
}

// classifyGuideBlocks sorts the guides' blocks: the distinct shell blocks
// that call the API (to run), and the count of each kind. It fails the test
// for a block no rule or list classifies, a listed block no guide shows any
// more, a payload block that calls the API, a ${VAR} its block's first
// comment does not name, and a curl that is no operation of the spec.
func classifyGuideBlocks(t *testing.T, spec *openapi3.T, blocks []guideBlock) (run []guideBlock, counts map[string]int) {
	t.Helper()
	seen := map[string]bool{}
	counts = map[string]int{}
	usedNotRun := map[string]bool{}
	for _, b := range blocks {
		first, _, _ := strings.Cut(b.code, "\n")
		switch {
		case !guideProgramLangs[b.lang]:
			if strings.Contains(b.code, "$API") || strings.Contains(b.code, "curl ") {
				t.Errorf("%s: a %q block calls the API; mark it sh so it runs: %.200s", b.page, b.lang, b.code)
			}
			counts["payload"]++
		case b.sample != "":
			counts["included sample"]++
		case guideNotRun[first] != "":
			usedNotRun[first] = true
			counts["not run"]++
		case b.lang == "sh" || b.lang == "bash" || b.lang == "shell":
			if !strings.Contains(b.code, "$API") {
				t.Errorf("%s: a shell block neither calls $API nor is listed in guideNotRun with a reason: %.200s", b.page, b.code)
				continue
			}
			for _, m := range guideVarRe.FindAllStringSubmatch(b.code, -1) {
				if !strings.HasPrefix(first, "#") || !strings.Contains(first, m[1]) {
					t.Errorf("%s: ${%s} is not named in the block's first comment: %.200s", b.page, m[1], b.code)
				}
			}
			for _, c := range guideCalls(b.code) {
				if _, op := guideOperation(spec, c[0], c[1]); op == nil {
					t.Errorf("%s: %s %s is no operation of the spec", b.page, c[0], c[1])
				}
			}
			if !seen[b.code] {
				seen[b.code] = true
				run = append(run, b)
			}
			counts["run"]++
		default:
			t.Errorf("%s: a %s block is not run and not listed in guideNotRun with a reason: %.200s", b.page, b.lang, b.code)
		}
	}
	for k := range guideNotRun {
		if !usedNotRun[k] {
			t.Errorf("guideNotRun lists %q, which no guide shows any more", k)
		}
	}
	return run, counts
}

// Every block of the built guides (en and zh) is classified, with no stack:
// a guide that gains a block no rule or list covers fails here first.
func TestGuideSamplesAreClassified(t *testing.T) {
	blocks := guideBlocks(t)
	run, counts := classifyGuideBlocks(t, loadSpec(t), blocks)
	if len(run) == 0 {
		t.Errorf("no guide block calls the API: %v", counts)
	}
}

// Every shell block of the guides (English and Chinese) that calls the API
// runs as pasted, in bash, against the local stack with $API, $TOKEN and the
// ${VARS} its first comment names: each curl in it answers a status its
// operation documents, with a body valid against that response's schema and
// an error code its operation lists, never a 5xx. Identical blocks run once.
// The test makes what the variables name: the reference's fixtures, an API
// client and its secret, a KYC-verified customer, an invoice paid on chain.
// Every other program block is classified: an included sample (run by
// TestPortalSamplesRunAgainstTheStack) or guideNotRun with its reason;
// blocks in json/text show payloads and must not call the API.
func TestGuideSamplesRunAgainstTheStack(t *testing.T) {
	e := stack(t)
	blocks := guideBlocks(t)
	run, counts := classifyGuideBlocks(t, e.spec, blocks)

	ten := tenant()
	var all []string
	for s := range allScopes(e) {
		all = append(all, s)
	}
	tok := e.token(t, ten, all...)
	vars := e.referenceFixtures(t, ten, tok)
	// An API client whose secret the token sample exchanges.
	c := e.do(t, "POST", "/v1/api-clients", tok, idem(), []byte(`{"name":"guide-samples","scopes":["wallets:read"]}`))
	var cl struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if c.status != 201 {
		t.Fatalf("an API client for the guides: %d %s", c.status, c.body)
	}
	c.json(t, &cl)
	vars["CLIENT_ID"], vars["CLIENT_SECRET"] = cl.ID, cl.Secret
	// A paid invoice for the refund and chargeback samples: 10 USDT on the
	// local Ethereum chain (they refund 2.5 twice and charge back 4). The
	// settlement sample configures Tron, so these are paid from the
	// invoice's wallet; one paid before a config of its own chain would
	// look for its funds in the (empty) settlement wallet.
	inv := e.createInvoice(t, tok, `{"amount":"10","chains":["ethereum"]}`)
	sendEthUSDT(t, inv.address(t, "ethereum"), "10")
	e.waitInvoice(t, tok, inv.ID, "paid on Ethereum", func(v invoiceJSON) bool { return v.Status == "paid" })
	vars["INVOICE_ID"] = inv.ID
	// The settlement config's customer, verified by the dev KYC provider
	// into the standard tier (cross_chain: the sample settles Tron on
	// Ethereum).
	var kyc struct {
		ProviderRef string `json:"provider_ref"`
	}
	if r := e.do(t, "POST", "/v1/customers/"+vars["CUSTOMER_ID"]+"/kyc", tok, nil, []byte(`{"tier":"standard"}`)); r.status != 200 {
		t.Fatalf("kyc start: %d %s", r.status, r.body)
	} else {
		r.json(t, &kyc)
	}
	custKycdev(t, kyc.ProviderRef, "verify")

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".curlrc"), []byte("write-out = \"\\n==== %{http_code}\\n\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, b := range run {
		env := append(os.Environ(), "API="+e.api, "TOKEN="+tok, "CURL_HOME="+dir)
		for _, m := range guideVarRe.FindAllStringSubmatch(b.code, -1) {
			v, ok := vars[m[1]]
			if !ok {
				t.Errorf("%s: the test provides no ${%s}", b.page, m[1])
				continue
			}
			env = append(env, m[1]+"="+v)
		}
		calls := guideCalls(b.code)
		cmd := exec.Command("bash", "-c", b.code)
		cmd.Env, cmd.WaitDelay = env, time.Minute
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("%s: the block failed (%v) as pasted: %.300s\n%s", b.page, err, out, b.code)
			continue
		}
		parts := strings.Split(string(out), "\n==== ")
		if len(parts)-1 != len(calls) {
			t.Errorf("%s: %d curl calls answered %d times: %.300s", b.page, len(calls), len(parts)-1, out)
			continue
		}
		for i, call := range calls {
			body := parts[i]
			if i > 0 {
				_, body, _ = strings.Cut(parts[i], "\n")
			}
			st, _, _ := strings.Cut(parts[i+1], "\n")
			status, err := strconv.Atoi(strings.TrimSpace(st))
			tmpl, op := guideOperation(e.spec, call[0], call[1])
			if op == nil {
				continue // classifyGuideBlocks said so
			}
			if err != nil || status >= 500 {
				t.Errorf("%s: %s %s answered %q: %.300s", b.page, call[0], tmpl, st, body)
				continue
			}
			checkSampleAnswer(t, op, refSample{id: op.OperationID, page: b.page, method: call[0], path: tmpl}, "guide curl", status, body)
			t.Logf("%s: %s %s -> %d %s", b.page, call[0], tmpl, status, errorResponseCode([]byte(body)))
		}
	}
	keys := make([]string, 0, len(counts))
	for k, n := range counts {
		keys = append(keys, k+" "+strconv.Itoa(n))
	}
	sort.Strings(keys)
	t.Logf("%d guide blocks (en and zh): %s; %d distinct shell blocks run", len(blocks), strings.Join(keys, ", "), len(run))
}

// allScopes is every scope the spec's operations ask for.
func allScopes(e *env) map[string]bool {
	scopes := map[string]bool{}
	for _, item := range e.spec.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security == nil {
				continue
			}
			for _, req := range *op.Security {
				for _, ss := range req {
					for _, s := range ss {
						scopes[s] = true
					}
				}
			}
		}
	}
	return scopes
}
