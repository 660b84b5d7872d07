package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// ---- ref: every sample of the API reference runs as pasted against the local stack

// refSample is one operation's samples as a reader copies them from its
// page of the built reference.
type refSample struct {
	id, page          string
	method, path      string
	curl, goSrc, node string
}

// referenceSamples reads every operation's curl, Go and Node samples from
// the built reference pages.
func referenceSamples(t *testing.T) []refSample {
	t.Helper()
	var out []refSample
	pages, _ := filepath.Glob(filepath.Join(site, "reference", "*", "index.html"))
	for _, p := range pages {
		rel, _ := filepath.Rel(site, p)
		for _, sec := range elements(builtHTML(t, filepath.ToSlash(rel)), "section") {
			if !hasClass(sec, "op") {
				continue
			}
			s := refSample{id: attr(sec, "id"), page: rel}
			for _, div := range elements(sec, "div") {
				if !hasClass(div, "code-block") {
					continue
				}
				pre := elements(div, "pre")
				if len(pre) == 0 {
					continue
				}
				code := strings.TrimRight(textOf(pre[0]), "\n")
				switch attr(div, "data-lang") {
				case "curl":
					s.curl = code
				case "go":
					s.goSrc = code + "\n"
				case "node":
					s.node = code
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// ---- ref2: the platform's operations.
// refPlatformRun are operations that act on the whole platform, shared by
// every tenant and by the tests that run after this one on the same stack.
// Their samples run last, one operation at a time, as pasted; refuse says
// whether they run with a token without platform:admin, so that they answer
// the documented 403 forbidden and change nothing, and why.
var refPlatformRun = map[string]struct {
	refuse bool
	why    string
}{
	// A requested rotation is carried out by the hot-key-rotate job at the
	// next platform freeze: it would move the stack's hot key, its funds and
	// the forwarder factory's owner under every later test (and
	// TestRotationRoutesNeedPlatformAdmin asserts it was never rotated).
	"requestHotKeyRotation": {true, "would rotate the stack's hot key at the next platform freeze"},
	// A grant lists every tenant's Tron deposit addresses waiting to
	// approve the hot address and stays open (no cancel route) for
	// TronGrantTtl, 6 hours: any later grant (TestTronSweepWithOfflineGrant's
	// among them) would answer grant_open; with no address waiting it
	// answers nothing_to_grant, which depends on what ran before.
	"prepareTronGrant": {true, "would open the platform's one Tron grant for 6 hours (no cancel)"},
	// A cold payout only prepares a bundle to sign; the one open bundle per
	// chain is withdrawn (cancel) after each language's run, so each runs
	// as pasted with platform:admin and the next test finds the chain free.
	"prepareColdPayout": {false, "run with platform:admin, its bundle cancelled after each run"},
}

// Every operation's curl, Go and Node samples, copied from the built
// reference, run as pasted against the local stack with the variables their
// first line names: each answers a status its operation documents, with a
// body valid against that response's schema, an error code its operation
// lists, and never a 5xx. The Go samples are gofmt-clean and built in one go
// build; the Node samples run in one node process (plain fetch). Resources
// the variables name are made first (a wallet, an invoice, a customer, a
// webhook endpoint, an API client); the others are well-formed ids that do
// not exist, which the operation answers with its documented 404.
func TestReferenceSamplesRunAgainstTheStack(t *testing.T) {
	e := stack(t)
	samples := referenceSamples(t)
	ops := map[string]*openapi3.Operation{}
	scopes := map[string]bool{}
	n := 0
	for path, item := range e.spec.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			ops[op.OperationID] = op
			for i := range samples {
				if samples[i].id == op.OperationID {
					samples[i].method, samples[i].path = method, path
				}
			}
			if op.Security != nil {
				for _, req := range *op.Security {
					for _, ss := range req {
						for _, s := range ss {
							scopes[s] = true
						}
					}
				}
			}
		}
	}
	if len(samples) != n {
		t.Fatalf("%d operations on the reference pages; the spec has %d", len(samples), n)
	}
	var all []string
	for s := range scopes {
		all = append(all, s)
	}
	ten := tenant()
	tok := e.token(t, ten, all...)
	vars := e.referenceFixtures(t, ten, tok)
	env := append(os.Environ(), "API="+e.api, "TOKEN="+tok)
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	// Reads first, then writes, deletions last: a sample does not remove what
	// a later one reads. A POST that ends a resource (.../revoke, .../cancel)
	// is a deletion: run beside the writes on the same resource (the API
	// client's rotate and revoke, four curl samples at a time) it raced them
	// into api_client_changed (503).
	rank := func(s refSample) int {
		switch {
		case s.method == "GET":
			return 0
		case s.method == "DELETE" || strings.HasSuffix(s.path, "/revoke") || strings.HasSuffix(s.path, "/cancel"):
			return 2
		}
		return 1
	}
	sort.SliceStable(samples, func(i, j int) bool { return rank(samples[i]) < rank(samples[j]) })
	var run, platform []refSample
	for _, s := range samples {
		if s.curl == "" || s.goSrc == "" || s.node == "" {
			t.Errorf("%s: a sample is missing on %s (curl %t, Go %t, Node %t)", s.id, s.page, s.curl != "", s.goSrc != "", s.node != "")
			continue
		}
		if got, err := format.Source([]byte(s.goSrc)); err != nil || !bytes.Equal(got, []byte(s.goSrc)) {
			t.Errorf("%s: the Go sample is not gofmt-clean (%v)", s.id, err)
		}
		if _, p := refPlatformRun[s.id]; p {
			platform = append(platform, s)
		} else {
			run = append(run, s)
		}
	}
	if len(platform) != len(refPlatformRun) {
		t.Errorf("%d of the platform's %d operations (%v) are on the reference pages", len(platform), len(refPlatformRun), refPlatformRun)
	}
	dir := t.TempDir()

	// curl: each as pasted, in bash; a curlrc adds the status after the body.
	curlrc := filepath.Join(dir, "curlhome")
	if err := os.MkdirAll(curlrc, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(curlrc, ".curlrc"), []byte("write-out = \"\\n%{http_code}\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	results := map[string]map[string][2]string{"curl": {}, "go": {}, "node": {}} // lang -> op -> status, body
	runCurl := func(s refSample, env []string) [2]string {
		cmd := exec.Command("bash", "-c", s.curl)
		cmd.Env = append(append([]string{}, env...), "CURL_HOME="+curlrc)
		cmd.WaitDelay = time.Minute
		out, err := cmd.Output()
		body, status := string(out), ""
		if i := strings.LastIndexByte(body, '\n'); i >= 0 {
			body, status = body[:i], body[i+1:]
		}
		if err != nil {
			status = "exit: " + err.Error()
		}
		return [2]string{status, body}
	}
	var mu sync.Mutex

	// Go: every sample in one module, each main renamed into a package of its
	// own, one build, one binary that runs them in order.
	mod := filepath.Join(dir, "gosamples")
	var imports, calls strings.Builder
	for i, s := range samples {
		pkg := fmt.Sprintf("s%03d", i)
		src := strings.Replace(strings.Replace(s.goSrc, "package main\n", "package "+pkg+"\n", 1), "func main() {", "func Main() {", 1)
		if err := os.MkdirAll(filepath.Join(mod, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, pkg, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&imports, "\t%s \"refsamples/%s\"\n", pkg, pkg)
		fmt.Fprintf(&calls, "\tif want[%q] {\n\t\tfmt.Println(%q)\n\t\t%s.Main()\n\t}\n", s.id, "==== "+s.id, pkg)
	}
	runner := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"strings\"\n" + imports.String() + ")\n\nfunc main() {\n" +
		"\twant := map[string]bool{}\n\tfor _, id := range strings.Split(os.Getenv(\"REF_RUN\"), \",\") {\n\t\twant[id] = true\n\t}\n" + calls.String() + "}\n"
	for name, text := range map[string]string{"go.mod": "module refsamples\n\ngo 1.24\n", "main.go": runner} {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "gosamples.bin"), ".")
	build.Dir, build.Env = mod, append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the Go samples do not build: %v\n%s", err, out)
	}

	// Node: every sample a module of its own, imported in order by one node
	// process (per phase) that notes what each prints.
	ndir := filepath.Join(dir, "nodesamples")
	if err := os.MkdirAll(ndir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		if err := os.WriteFile(filepath.Join(ndir, s.id+".mjs"), []byte(s.node+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	nrunner := `for (const id of process.env.REF_RUN.split(",")) {
  console.log("==== " + id);
  await import("./" + id + ".mjs");
}
`
	if err := os.WriteFile(filepath.Join(ndir, "run.mjs"), []byte(nrunner), 0o644); err != nil {
		t.Fatal(err)
	}

	// runGoNode runs the named samples in order in the Go binary or in node.
	runGoNode := func(lang string, ids []string, env []string) {
		cmd := exec.Command(filepath.Join(dir, "gosamples.bin"))
		if lang == "node" {
			cmd = exec.Command("node", "run.mjs")
			cmd.Dir = ndir
		}
		cmd.Env = append(append([]string{}, env...), "REF_RUN="+strings.Join(ids, ","))
		cmd.WaitDelay = time.Minute
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("the %s samples: %v\n%s", lang, err, out)
		}
		splitRuns(string(out), results[lang])
	}

	// Each phase (reads, writes, deletions) in curl, then Go, then Node.
	for _, phase := range []int{0, 1, 2} {
		var ids []string
		for _, s := range run {
			if rank(s) == phase {
				ids = append(ids, s.id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for _, s := range run {
			if rank(s) != phase {
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func(s refSample) {
				defer wg.Done()
				defer func() { <-sem }()
				r := runCurl(s, env)
				mu.Lock()
				results["curl"][s.id] = r
				mu.Unlock()
			}(s)
		}
		wg.Wait()
		runGoNode("go", ids, env)
		runGoNode("node", ids, env)
	}

	// The platform's operations, last, one at a time (refPlatformRun): a
	// refused one with a token that lacks platform:admin; the cold payout
	// with the suite's token, its bundle withdrawn after each language.
	var noAdmin []string
	for _, sc := range all {
		if sc != "platform:admin" {
			noAdmin = append(noAdmin, sc)
		}
	}
	refusing := append(append([]string{}, env...), "TOKEN="+e.token(t, ten, noAdmin...)) // exec keeps the last TOKEN
	sort.Slice(platform, func(i, j int) bool { return platform[i].id < platform[j].id })
	for _, s := range platform {
		penv := env
		if refPlatformRun[s.id].refuse {
			penv = refusing
		}
		for _, lang := range []string{"curl", "go", "node"} {
			if lang == "curl" {
				results["curl"][s.id] = runCurl(s, penv)
			} else {
				runGoNode(lang, []string{s.id}, penv)
			}
			r := results[lang][s.id]
			if refPlatformRun[s.id].refuse {
				// The gateway refuses the scope before the function runs
				// (the spec's Forbidden, its GatewayError body).
				var gw struct {
					Message string `json:"message"`
				}
				if st := strings.TrimSpace(r[0]); st != "403" || json.Unmarshal([]byte(r[1]), &gw) != nil || gw.Message != "Forbidden" {
					t.Errorf("%s %s: the %s sample without platform:admin answered %s %.300s; want the gateway's 403", s.method, s.path, lang, st, r[1])
				}
				continue
			}
			if strings.TrimSpace(r[0]) == "201" {
				var b struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal([]byte(r[1]), &b); err != nil || b.ID == "" {
					t.Fatalf("%s: the %s sample's bundle has no id: %.300s", s.id, lang, r[1])
				}
				if c := e.do(t, "POST", "/v1/platform/cold-payouts/"+b.ID+"/cancel", tok, nil, nil); c.status != 200 || !strings.Contains(string(c.body), `"state":"cancelled"`) {
					t.Fatalf("%s: the %s sample's bundle %s was not withdrawn: %d %s", s.id, lang, b.ID, c.status, c.body)
				}
			}
		}
	}
	// Nothing was rotated: the stack still has no rotation.
	if r := e.do(t, "GET", "/v1/platform/hot-key-rotations/current", tok, nil, nil); r.status != 404 {
		t.Errorf("after the refused samples the stack has a hot-key rotation: %d %.300s", r.status, r.body)
	}

	// What each answered: documented, valid, listed, never a fault.
	ok := map[string]int{}
	var notOK []string
	for _, s := range append(append([]refSample{}, run...), platform...) {
		op := ops[s.id]
		for _, lang := range []string{"curl", "go", "node"} {
			r, found := results[lang][s.id]
			if !found {
				t.Errorf("%s %s: the %s sample printed nothing", s.method, s.path, lang)
				continue
			}
			status, err := strconv.Atoi(strings.TrimSpace(r[0]))
			if err != nil {
				t.Errorf("%s %s: the %s sample did not answer: %q %.200s", s.method, s.path, lang, r[0], r[1])
				continue
			}
			if status >= 500 {
				t.Errorf("%s %s: the %s sample answered %d: %.300s", s.method, s.path, lang, status, r[1])
				continue
			}
			checkSampleAnswer(t, op, s, lang, status, r[1])
			if status < 300 {
				ok[lang]++
			} else if lang == "curl" {
				notOK = append(notOK, fmt.Sprintf("%s %d %s", s.id, status, errorResponseCode([]byte(r[1]))))
			}
		}
	}
	sort.Strings(notOK)
	t.Logf("%d operations run in curl, Go and Node, %d of them the platform's, run last (%v); 2xx: curl %d, Go %d, Node %d; the others answered a documented refusal: %s",
		len(run)+len(platform), len(platform), refPlatformRun, ok["curl"], ok["go"], ok["node"], strings.Join(notOK, "; "))
	if ok["curl"] < len(run)/3 {
		t.Errorf("only %d of %d curl samples succeeded", ok["curl"], len(run))
	}
}

// splitRuns cuts a runner's output at its "==== id" lines: the first line
// after is the status, the rest the body.
func splitRuns(out string, into map[string][2]string) {
	for _, part := range strings.Split(out, "==== ")[1:] {
		id, rest, _ := strings.Cut(part, "\n")
		status, body, _ := strings.Cut(rest, "\n")
		into[id] = [2]string{status, strings.TrimRight(body, "\n")}
	}
}

// checkSampleAnswer checks an answer against the operation's documented
// responses: its status, its body's schema, its error code's listing.
func checkSampleAnswer(t *testing.T, op *openapi3.Operation, s refSample, lang string, status int, body string) {
	t.Helper()
	rr := op.Responses.Status(status)
	if rr == nil {
		rr = op.Responses.Default()
	}
	if rr == nil || rr.Value == nil {
		t.Errorf("%s %s: the %s sample answered %d, which the operation does not document: %.300s", s.method, s.path, lang, status, body)
		return
	}
	if m := rr.Value.Content.Get("application/json"); m != nil && m.Schema != nil && m.Schema.Value != nil {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Errorf("%s %s: the %s sample's %d answer is not JSON: %.300s", s.method, s.path, lang, status, body)
			return
		}
		if err := m.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s %s: the %s sample's %d answer does not match its schema: %v\n%.300s", s.method, s.path, lang, status, err, body)
		}
	}
	checkErrorCodeListed(t, op, s.method, s.path, status, errorResponseCode([]byte(body)))
}

// referenceFixtures makes what the samples' variables name, in the tenant:
// a wallet, an invoice (and its checkout token), a customer, a webhook
// endpoint, an API client; the tenant itself; for the rest, ids of the right
// form that name nothing.
func (e *env) referenceFixtures(t *testing.T, ten, tok string) map[string]string {
	t.Helper()
	vars := map[string]string{"TENANT": ten, "TENANT_ID": ten, "CHAIN": "ethereum",
		"ADDRESS": "0x52908400098527886E0F7030069857D2E4169EE7", "COURSE_ID": "kyc-aml", "SEQ": "1", "PART": "1"}
	made := func(key, method, path, body string, pick func(map[string]any)) {
		r := e.do(t, method, path, tok, idem(), []byte(body))
		if r.status >= 300 {
			t.Fatalf("fixture %s: %d %s", path, r.status, r.body)
		}
		var v map[string]any
		r.json(t, &v)
		if key != "" {
			if id, ok := v["id"]; ok {
				vars[key] = fmt.Sprint(id)
			} else {
				vars[key] = fmt.Sprint(v["client_id"])
			}
		}
		if pick != nil {
			pick(v)
		}
	}
	made("WALLET_ID", "POST", "/v1/wallets", `{"customer_ref":"reference samples"}`, nil)
	made("INVOICE_ID", "POST", "/v1/invoices", `{"amount":"12.5","chains":["ethereum"]}`, func(v map[string]any) {
		if tok, ok := v["checkout_token"].(string); ok {
			vars["CHECKOUT_TOKEN"] = tok
		}
	})
	made("CUSTOMER_ID", "POST", "/v1/customers", `{"name":"Ada Example","date_of_birth":"1990-04-01","country":"DE"}`, nil)
	made("ENDPOINT_ID", "POST", "/v1/webhook-endpoints", `{"url":"https://merchant.example/hooks","enabled_events":["invoice.*"],"description":"reference samples"}`, nil)
	made("CLIENT_ID", "POST", "/v1/api-clients", `{"name":"reference-samples","scopes":["wallets:read"]}`, nil)
	// The rest: a well-formed id (the path parameter's pattern) that names nothing.
	for path, item := range e.spec.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value == nil || p.Value.In != "path" {
					continue
				}
				name := strings.ToUpper(p.Value.Name)
				if name == "TOKEN" {
					name = strings.ToUpper(strings.ReplaceAll(filepath.Base(strings.Split(path, "/{token}")[0]), "-", "_")) + "_TOKEN"
				}
				if _, ok := vars[name]; ok {
					continue
				}
				v := "x1"
				if s := p.Value.Schema; s != nil && s.Value != nil && s.Value.Pattern != "" {
					if g, ok := fromPattern(s.Value.Pattern); ok {
						v = g
					}
				}
				vars[name] = v
			}
		}
	}
	return vars
}
