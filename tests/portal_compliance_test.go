package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/net/html"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/courses"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The compliance guide and the officer's console page are in the built
// portal, reachable from its index pages, and held to the API contract so
// they cannot drift from it: every route the guide names and every route the
// console calls is an operation of infra/openapi.yaml (with the method
// given), every refusal code the guide's tables list is one of the spec's
// error codes, every operation that takes scope compliance is explained in
// the guide, and a token with scope compliance is enough for the console.

const (
	complianceGuide = "/guides/compliance/index.html"
	officerConsole  = "/console/officer/index.html"
	officerScript   = "console/officer.js"
)

// builtHTML parses one page of the built site.
func builtHTML(t *testing.T, rel string) *html.Node {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("%s is not in the built site (make -s portal builds it): %v", rel, err)
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc
}

// textOf is the text content of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// elements are the elements named tag under n, in document order.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// prose is the guide's own code elements: all but those of an included
// sample (figure.sample), which its own test runs against the stack.
func prose(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "figure" && slices.ContainsFunc(n.Attr, func(a html.Attribute) bool {
			return a.Key == "class" && slices.Contains(strings.Fields(a.Val), "sample")
		}) {
			return
		}
		if n.Type == html.ElementNode && n.Data == "code" {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// routeRef is a route as a page names it: a method (or "" when the page
// names the path alone) and a path template.
type routeRef struct{ method, path string }

func (r routeRef) String() string { return strings.TrimSpace(r.method + " " + r.path) }

// A route as prose and code write it: "GET /v1/cases/{case_id}", or a bare
// path; a query string or punctuation after it is not part of it.
var routeText = regexp.MustCompile(`(?:\b(GET|POST|PUT|PATCH|DELETE)\s+)?(/v1/[A-Za-z0-9_{}/.-]*[A-Za-z0-9_}])`)

func routesIn(text string) []routeRef {
	var out []routeRef
	for _, m := range routeText.FindAllStringSubmatch(text, -1) {
		out = append(out, routeRef{m[1], m[2]})
	}
	return out
}

// specOps indexes the spec's operations by path shape (parameter names
// aside: "/v1/cases/{}") and method.
type specOps map[string]map[string]*openapi3.Operation

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

func shape(path string) string { return pathParam.ReplaceAllString(path, "{}") }

func indexSpec(doc *openapi3.T) specOps {
	ops := specOps{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if ops[shape(path)] == nil {
				ops[shape(path)] = map[string]*openapi3.Operation{}
			}
			ops[shape(path)][method] = op
		}
	}
	return ops
}

// find is the operation r names, or why there is none.
func (s specOps) find(r routeRef) (*openapi3.Operation, string) {
	byMethod, ok := s[shape(r.path)]
	if !ok {
		return nil, "no such path in infra/openapi.yaml"
	}
	if r.method == "" {
		return nil, ""
	}
	op, ok := byMethod[r.method]
	if !ok {
		return nil, "the spec has no " + r.method + " for this path"
	}
	return op, ""
}

func scopesOf(doc *openapi3.T, op *openapi3.Operation) []string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []string
	for _, req := range reqs {
		for _, scopes := range req {
			out = append(out, scopes...)
		}
	}
	return out
}

// The guide and the console are built and reachable: the home page links
// both, the guides' index lists the guide, the console's index links the
// officer's page, and the guide and the console page link each other. The
// console page has its token field, its four parts and its script.
func TestPortalComplianceGuideAndConsoleAreLinked(t *testing.T) {
	pages := readSite(t)
	for _, p := range []string{complianceGuide, officerConsole} {
		if pages[p] == nil {
			t.Fatalf("%s is not in the built site", p)
		}
	}
	links := func(from, to string) {
		t.Helper()
		pg := pages[from]
		if pg == nil {
			t.Errorf("no %s in the built site", from)
			return
		}
		if !slices.ContainsFunc(pg.links, func(l string) bool { return strings.SplitN(l, "#", 2)[0] == to }) {
			t.Errorf("%s does not link to %s", from, to)
		}
	}
	links("/index.html", "/guides/compliance/")
	links("/index.html", "/console/officer/")
	links("/guides/index.html", "/guides/compliance/")
	links("/console/index.html", "/console/officer/")
	links(complianceGuide, "/console/officer/")
	links(officerConsole, "/guides/compliance/")
	links(officerConsole, "/"+officerScript)

	console := pages[officerConsole]
	for _, id := range []string{"sg-token", "reviews", "cases", "case-detail", "blocklist", "rules", "off-status"} {
		if !console.ids[id] {
			t.Errorf("the officer's console has no #%s", id)
		}
	}
	if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(officerScript))); err != nil {
		t.Errorf("the console's script is not in the built site: %v", err)
	}
	guide := builtHTML(t, complianceGuide)
	var heads []string
	for _, h := range elements(guide, "h2") {
		heads = append(heads, strings.ToLower(textOf(h)))
	}
	for _, want := range []string{"screening", "customers and kyc", "tiers and limits", "monitoring rules", "cases", "travel rule", "audit chain", "privacy"} {
		if !slices.Contains(heads, want) {
			t.Errorf("the guide has no section %q (it has %q)", want, heads)
		}
	}
}

// Every route the guide names is an operation of the spec, with the method
// it gives; and every operation that takes scope compliance (and the KYC
// provider's callback) is named in the guide with its method, so an officer
// route added to the API without a word in the guide fails here.
func TestPortalComplianceGuideRoutesAreInTheSpec(t *testing.T) {
	doc := loadSpec(t)
	ops := indexSpec(doc)
	guide := builtHTML(t, complianceGuide)
	named := map[string]bool{}
	n := 0
	for _, c := range prose(guide) {
		for _, r := range routesIn(textOf(c)) {
			n++
			if _, why := ops.find(r); why != "" {
				t.Errorf("the compliance guide names %s: %s", r, why)
			}
			if r.method != "" {
				named[r.method+" "+shape(r.path)] = true
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d routes found in the compliance guide", n)
	}
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			isOfficer := slices.Contains(scopesOf(doc, op), "compliance")
			if (isOfficer || path == "/v1/kyc/callback") && !named[method+" "+shape(path)] {
				missing = append(missing, method+" "+path)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s takes scope compliance but the compliance guide does not name it", m)
	}
}

// domainCodes are the error codes the Go code defines (Code: "..." in
// shared/, tests aside).
func domainCodes(t *testing.T) map[string]bool {
	t.Helper()
	def := regexp.MustCompile(`Code:\s*"([a-z0-9_]+)"`)
	codes := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "shared"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range def.FindAllStringSubmatch(string(raw), -1) {
			codes[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 50 {
		t.Fatalf("only %d error codes found in shared/", len(codes))
	}
	return codes
}

// Every refusal the guide's tables list (a table whose first column is
// "code") is a code of the spec's ErrorCode, and so is every error code of
// the Go code that the guide's prose names: a refusal renamed in the API
// cannot stay in the guide under its old name, and one the guide explains is
// documented in the reference too.
func TestPortalComplianceGuideCodesAreInTheSpec(t *testing.T) {
	doc := loadSpec(t)
	ec := doc.Components.Schemas["ErrorCode"]
	if ec == nil || ec.Value == nil || len(ec.Value.Enum) == 0 {
		t.Fatal("the spec has no ErrorCode enum")
	}
	known := map[string]bool{}
	for _, v := range ec.Value.Enum {
		if s, ok := v.(string); ok {
			known[s] = true
		}
	}
	guide := builtHTML(t, complianceGuide)
	n := 0
	for _, table := range elements(guide, "table") {
		ths := elements(table, "th")
		if len(ths) == 0 || strings.TrimSpace(textOf(ths[0])) != "code" {
			continue
		}
		for _, tr := range elements(table, "tr") {
			tds := elements(tr, "td")
			if len(tds) == 0 {
				continue
			}
			code := strings.TrimSpace(textOf(tds[0]))
			n++
			if !known[code] {
				t.Errorf("the compliance guide lists the refusal %q, which is not in the spec's ErrorCode", code)
			}
		}
	}
	if n < 9 {
		t.Fatalf("only %d refusal codes found in the guide's tables", n)
	}
	domain := domainCodes(t)
	inline := map[string]bool{}
	for _, c := range prose(guide) {
		if code := strings.TrimSpace(textOf(c)); domain[code] {
			inline[code] = true
		}
	}
	if len(inline) < 20 {
		t.Fatalf("only %d error codes named in the guide's prose", len(inline))
	}
	var names []string
	for code := range inline {
		names = append(names, code)
	}
	sort.Strings(names)
	for _, code := range names {
		if !known[code] {
			t.Errorf("the compliance guide names the refusal %q, which is not in the spec's ErrorCode", code)
		}
	}
}

// Every route the officer's console calls (its ROUTES table, the only
// place it names one) is an operation of the spec with that method, and
// takes scope compliance, the one scope the page asks the officer's token
// to hold.
func TestPortalOfficerConsoleRoutesAreInTheSpec(t *testing.T) {
	doc := loadSpec(t)
	ops := indexSpec(doc)
	raw, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(officerScript)))
	if err != nil {
		t.Fatalf("the console's script is not in the built site (make -s portal): %v", err)
	}
	src := string(raw)
	table := regexp.MustCompile(`(?s)const ROUTES = \{(.*?)\};`).FindStringSubmatch(src)
	if table == nil {
		t.Fatal("officer.js has no ROUTES table")
	}
	entry := regexp.MustCompile(`(\w+): "(GET|POST|PUT|PATCH|DELETE) (/v1/[^"]+)"`)
	entries := entry.FindAllStringSubmatch(table[1], -1)
	rest := strings.Replace(src, table[0], "", 1)
	if len(entries) < 12 {
		t.Fatalf("only %d routes in the console's ROUTES table", len(entries))
	}
	for _, m := range entries {
		r := routeRef{m[2], m[3]}
		op, why := ops.find(r)
		if why != "" {
			t.Errorf("the officer's console calls %s (%s): %s", r, m[1], why)
			continue
		}
		if !slices.Contains(scopesOf(doc, op), "compliance") {
			t.Errorf("the officer's console calls %s, which does not take scope compliance (it takes %q)", r, scopesOf(doc, op))
		}
		// The page calls each route by its name in the table, so an entry
		// whose name appears nowhere else is a route the page claims and
		// does not call.
		if !strings.Contains(rest, `"`+m[1]+`"`) {
			t.Errorf("the console's route %s (%s) is never called", m[1], r)
		}
	}
	// Outside the table, the page builds no URL of its own.
	if r := routesIn(rest); len(r) > 0 {
		t.Errorf("officer.js names routes outside its ROUTES table: %v", r)
	}
}

// The officer's console in a real browser against the local stack, with a
// token of scope compliance: the review queue shows a pending customer and
// approves it; the cases list shows a case, which the officer opens,
// assigns, notes and decides; the blocklist takes an address and gives it
// back; the rules part shows the sanctions list and the rule set in force.
// Each step is checked through the API, not only on the page.
func TestOfficerConsoleInABrowser(t *testing.T) {
	e := stack(t)
	base := os.Getenv("STABLEGATE_PORTAL_URL")
	if base == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	ten := tenant()
	tok := e.token(t, ten, "compliance")
	ctx := context.Background()

	// A customer waiting for review: created and handed to the stack's KYC provider.
	r := e.do(t, "POST", "/v1/customers", tok, idem(), []byte(`{"name":"Console Reviewee","country":"PT","date_of_birth":"1991-03-04"}`))
	if r.status != 201 {
		t.Fatalf("create customer: %d %s", r.status, r.body)
	}
	var cust struct{ ID string }
	r.json(t, &cust)
	if r = e.do(t, "POST", "/v1/customers/"+cust.ID+"/kyc", tok, idem(), []byte(`{}`)); r.status != 200 {
		t.Fatalf("start KYC: %d %s", r.status, r.body)
	}
	// A case to work: opened as monitoring or screening would open one.
	_, st := ledgerOn(t, rawDB(t))
	cases := &compliance.Cases{Store: st.Compliance, Now: time.Now}
	opened, _, err := cases.Open(ctx, ten, sg.CaseManual, "console-"+randHex(4), "wal_console", "opened for the console test",
		sg.CaseEvidence{Addresses: []string{"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	// The officer holds a certificate of every course, so a deployment that
	// requires one (OFFICER_COURSE) lets the decision through.
	learner := e.token(t, ten, "courses:write", "courses:read")
	for id := range courses.Banks() {
		passCourse(t, e, learner, id)
	}
	// A rule set in force, to be shown.
	if r := e.do(t, "PUT", "/v1/compliance/rules", tok, idem(), []byte(`{"version":0,"rules":[{"id":"console-velocity","kind":"velocity","enabled":true,"window":"1h","direction":"out","count":10}]}`)); r.status != 200 {
		t.Fatalf("put rules: %d %s", r.status, r.body)
	}

	b := browser(t)
	do := func(what string, a chromedp.Action[chromedp.Void]) { t.Helper(); run(t, b, what, a) }
	// settled waits for the console's status line to report the end of an
	// action and returns it; a refusal fails the test.
	settled := func(what string) string {
		t.Helper()
		run(t, b, what, chromedp.Poll[bool](`(() => { const s = document.getElementById("off-status").textContent; return s !== "" && !s.endsWith("…") })()`))
		s := run(t, b, what, chromedp.Text(chromedp.ID("off-status")))
		if strings.HasPrefix(s, "Refused") || strings.Contains(s, "cannot be reached") {
			t.Fatalf("%s: the console says %q", what, s)
		}
		return s
	}
	reset := func() {
		run(t, b, "clear the status", chromedp.Evaluate[bool](`document.getElementById("off-status").textContent = ""; true`))
	}

	do("open the console", chromedp.Navigate(base+"/console/officer/"))
	do("type the token", chromedp.SendKeys(chromedp.ID("sg-token"), tok))

	// The review queue.
	row := fmt.Sprintf(`#reviews-table tr[data-customer="%s"]`, cust.ID)
	reset()
	do("load the queue", chromedp.Click(chromedp.ID("reviews-load")))
	settled("the queue")
	do("the pending customer", chromedp.WaitVisible(chromedp.CSS(row)))
	if got := run(t, b, "its row", chromedp.Text(chromedp.CSS(row))); !strings.Contains(got, "Console Reviewee") {
		t.Fatalf("the queue's row reads %q", got)
	}
	shot(t, b, "officer-reviews")
	do("give a reason", chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "documents match"))
	reset()
	do("approve", chromedp.Click(chromedp.CSS(row+` button[value="approve"]`)))
	settled("the approval")
	do("the row leaves the queue", chromedp.WaitNotPresent(chromedp.CSS(row)))
	var afterKYC struct {
		KYC struct {
			Status     string `json:"status"`
			ReviewedBy string `json:"reviewed_by"`
		} `json:"kyc"`
	}
	e.do(t, "GET", "/v1/customers/"+cust.ID, tok, nil, nil).json(t, &afterKYC)
	if afterKYC.KYC.Status != "verified" || afterKYC.KYC.ReviewedBy != "test-user" {
		t.Fatalf("after approval in the console the customer's KYC is %+v", afterKYC.KYC)
	}

	// Cases: list, open, assign, note, decide.
	caseRow := fmt.Sprintf(`#cases-table tr[data-case="%s"]`, opened.ID)
	reset()
	do("list cases", chromedp.Click(chromedp.CSS(`#cases-filter button`)))
	settled("the cases")
	do("the case", chromedp.WaitVisible(chromedp.CSS(caseRow)))
	reset()
	do("open the case", chromedp.Click(chromedp.CSS(caseRow+" a")))
	settled("the case read")
	do("its detail", chromedp.WaitVisible(chromedp.ID("case-detail")))
	if got := run(t, b, "its title", chromedp.Text(chromedp.ID("case-title"))); got != "Case "+opened.ID {
		t.Fatalf("the detail shows %q", got)
	}
	if got := run(t, b, "its evidence", chromedp.Text(chromedp.ID("case-evidence"))); !strings.Contains(got, "tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH") {
		t.Fatalf("the evidence reads %q", got)
	}
	do("name the assignee", chromedp.SendKeys(chromedp.CSS(`#case-assign input[name="assignee"]`), "officer-2"))
	reset()
	do("assign", chromedp.Click(chromedp.CSS(`#case-assign button`)))
	settled("the assignment")
	const note = "checked the address's history: <b>one</b> payout"
	do("write a note", chromedp.SendKeys(chromedp.CSS(`#case-note textarea`), note))
	reset()
	do("add the note", chromedp.Click(chromedp.CSS(`#case-note button`)))
	settled("the note")
	if got := run(t, b, "the notes", chromedp.Text(chromedp.ID("case-notes"))); !strings.Contains(got, note) {
		t.Fatalf("the notes read %q; want the note as text", got)
	}
	if n := run(t, b, "no markup from a note", chromedp.Evaluate[int](`document.querySelectorAll("#case-notes b").length`)); n != 0 {
		t.Fatal("a note's text was put in the page as HTML")
	}
	releaseOffered := `[...document.querySelectorAll("#case-release button")].filter(b => !b.disabled).length`
	if n := run(t, b, "no release before a decision", chromedp.Evaluate[int](releaseOffered)); n != 0 {
		t.Fatal("the release of a deposit is offered on an undecided case")
	}
	do("give the reason", chromedp.SendKeys(chromedp.CSS(`#case-decide input[name="reason"]`), "no match on review"))
	reset()
	do("decide", chromedp.Click(chromedp.CSS(`#case-decide button`)))
	settled("the decision")
	shot(t, b, "officer-case")
	var decided struct {
		Status   string  `json:"status"`
		Assignee *string `json:"assignee"`
		Notes    []struct {
			Author string `json:"author"`
			Text   string `json:"text"`
		} `json:"notes"`
		Decision *struct {
			Outcome     string `json:"outcome"`
			By          string `json:"by"`
			Reason      string `json:"reason"`
			Certificate *struct {
				CertificateID string `json:"certificate_id"`
			} `json:"certificate"`
		} `json:"decision"`
	}
	e.do(t, "GET", "/v1/cases/"+opened.ID, tok, nil, nil).json(t, &decided)
	if decided.Status != "closed_no_action" || decided.Assignee == nil || *decided.Assignee != "officer-2" || len(decided.Notes) != 1 ||
		decided.Notes[0].Text != note || decided.Notes[0].Author != "test-user" || decided.Decision == nil ||
		decided.Decision.By != "test-user" || decided.Decision.Reason != "no match on review" {
		t.Fatalf("after the console's work the case is %+v", decided)
	}
	if c := decided.Decision.Certificate; c != nil {
		if got := run(t, b, "the decision's facts", chromedp.Text(chromedp.ID("case-facts"))); !strings.Contains(got, c.CertificateID) {
			t.Fatalf("the decision's certificate %s is not shown: %q", c.CertificateID, got)
		}
	}
	if n := run(t, b, "closed: no more actions", chromedp.Evaluate[int](`[...document.querySelectorAll("#case-actions button")].filter(b => !b.disabled).length`)); n != 0 {
		t.Fatalf("%d actions still offered on a closed case", n)
	}
	// Decided closed_no_action: the release is offered, and goes to the
	// API (this case names no deposit: the API says so, and the console
	// shows its refusal).
	if n := run(t, b, "the release offered", chromedp.Evaluate[int](releaseOffered)); n != 1 {
		t.Fatal("the release of a deposit is not offered on a case closed with no action")
	}
	do("name a deposit", chromedp.SendKeys(chromedp.CSS(`#case-release input[name="transfer_id"]`), "txn_01JD8Y3Q6A0M7F4R2W9X5K1B3C"))
	do("say why", chromedp.SendKeys(chromedp.CSS(`#case-release input[name="note"]`), "false positive"))
	reset()
	do("release", chromedp.Click(chromedp.CSS(`#case-release button`)))
	run(t, b, "the release's answer", chromedp.Poll[bool](`(() => { const s = document.getElementById("off-status").textContent; return s !== "" && !s.endsWith("…") })()`))
	if got := run(t, b, "the refusal", chromedp.Text(chromedp.ID("off-status"))); !strings.Contains(got, "Refused: not_found") {
		t.Fatalf("releasing a deposit the tenant does not have: the console says %q", got)
	}

	// The blocklist.
	const addr = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
	do("the chain", chromedp.SetValue(chromedp.CSS(`#block-add select[name="chain"]`), "tron"))
	do("the address", chromedp.SendKeys(chromedp.CSS(`#block-add input[name="address"]`), addr))
	do("the reason", chromedp.SendKeys(chromedp.CSS(`#block-add input[name="reason"]`), "fraud report 77"))
	reset()
	do("block", chromedp.Click(chromedp.CSS(`#block-add button`)))
	settled("the block")
	do("the entry", chromedp.WaitVisible(chromedp.CSS(`#blocklist-table tbody tr`)))
	var list struct {
		Data []struct{ Chain, Address, Reason string }
	}
	e.do(t, "GET", "/v1/compliance/blocklist", tok, nil, nil).json(t, &list)
	if len(list.Data) != 1 || list.Data[0].Address != addr || list.Data[0].Reason != "fraud report 77" {
		t.Fatalf("after blocking in the console the blocklist is %+v", list.Data)
	}
	shot(t, b, "officer-blocklist")
	reset()
	do("unblock", chromedp.Click(chromedp.CSS(`#blocklist-table tbody button`)))
	settled("the unblock")
	do("the entry leaves", chromedp.WaitNotVisible(chromedp.ID("blocklist-table")))
	e.do(t, "GET", "/v1/compliance/blocklist", tok, nil, nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("after unblocking in the console the blocklist is %+v", list.Data)
	}

	// The sanctions list and the rules, as the API has them.
	reset()
	do("load the rules", chromedp.Click(chromedp.ID("rules-load")))
	settled("the rules")
	do("the rules table", chromedp.WaitVisible(chromedp.ID("rules-table")))
	if got := run(t, b, "the rules", chromedp.Text(chromedp.ID("rules-table"))); !strings.Contains(got, "console-velocity") || !strings.Contains(got, "velocity") {
		t.Fatalf("the rules table reads %q", got)
	}
	facts := run(t, b, "the list", chromedp.Text(chromedp.ID("sanctions-facts")))
	if r := e.do(t, "GET", "/v1/compliance/sanctions", tok, nil, nil); r.status == 200 {
		var l struct{ Version string }
		r.json(t, &l)
		if l.Version == "" || !strings.Contains(facts, l.Version) {
			t.Fatalf("the console shows %q; the list in use is %s", facts, l.Version)
		}
	} else if r.errCode() != "sanctions_list_unavailable" || !strings.Contains(facts, "none loaded") {
		t.Fatalf("the API answers %d %s and the console shows %q", r.status, r.body, facts)
	}
	shot(t, b, "officer-rules")
}

// Every JSON request the guide shows is a valid body of the operation it
// illustrates (the last POST, PUT or PATCH the guide named before it): it
// validates against the operation's request schema in the spec, a
// withdrawal's travel_rule passes the travel-rule validator the API runs,
// and a rule set decodes as PUT /v1/compliance/rules reads it. A shape
// changed in the API fails here until the guide shows the new one.
func TestPortalComplianceGuideExamplesAreValid(t *testing.T) {
	doc := loadSpec(t)
	ops := indexSpec(doc)
	guide := builtHTML(t, complianceGuide)
	var last routeRef
	n := 0
	for _, c := range prose(guide) {
		text := textOf(c)
		if !slices.ContainsFunc(c.Attr, func(a html.Attribute) bool { return a.Key == "class" && a.Val == "language-json" }) {
			for _, r := range routesIn(text) {
				if r.method == "POST" || r.method == "PUT" || r.method == "PATCH" {
					last = r
				}
			}
			continue
		}
		n++
		if last.method == "" {
			t.Errorf("the guide's JSON example %d follows no request", n)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Errorf("the guide's example of %s is not JSON: %v", last, err)
			continue
		}
		op, why := ops.find(last)
		if why != "" {
			t.Errorf("the guide's example follows %s: %s", last, why)
			continue
		}
		if op.RequestBody == nil || op.RequestBody.Value == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
			t.Errorf("%s takes no JSON body in the spec, yet the guide shows one", last)
			continue
		}
		schema := op.RequestBody.Value.Content.Get("application/json").Schema
		if err := schema.Value.VisitJSON(v); err != nil {
			t.Errorf("the guide's example of %s does not validate against the spec: %v", last, err)
		}
		switch last.path {
		case "/v1/withdrawals":
			var w struct {
				TravelRule json.RawMessage `json:"travel_rule"`
			}
			_ = json.Unmarshal([]byte(text), &w)
			p, err := compliance.TravelFromRequest(w.TravelRule)
			if err == nil && p == nil {
				t.Error("the guide's withdrawal example carries no travel_rule")
			} else if err == nil {
				err = compliance.ValidateTravel(p)
			}
			if err != nil {
				t.Errorf("the guide's travel_rule example is refused by the validator: %v", err)
			}
		case "/v1/compliance/rules":
			if _, _, err := compliance.DecodeRules([]byte(text)); err != nil {
				t.Errorf("the guide's rule set example is refused by the decoder: %v", err)
			}
		}
	}
	if n < 4 {
		t.Fatalf("only %d JSON examples found in the guide", n)
	}
}

// The compliance guide's curl sample runs green against the local stack
// with a token of scopes compliance and audit:read: it reads the sanctions
// list, blocks and unblocks an address, puts a rule set, verifies a
// customer from the review queue, lists open cases, and exports the
// tenant's audit chain, which cmd/auditverify checks offline.
func TestComplianceSampleRunsAgainstTheStack(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "compliance", "audit:read")
	// The tenant's chain holds a record before the sample exports it, so
	// the verifier has a chain to check (the projector appends from the
	// table's stream, a moment after each change).
	if r := e.do(t, "PUT", "/v1/compliance/rules", tok, idem(), []byte(`{"version":0,"rules":[{"id":"big-first","kind":"new_destination_large","enabled":true,"threshold":"50000.00"}]}`)); r.status != 200 {
		t.Fatalf("put rules: %d %s", r.status, r.body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var page struct{ Head struct{ Seq int64 } }
		if r := e.do(t, "GET", "/v1/audit?limit=1", tok, nil, nil); r.status == 200 {
			r.json(t, &page)
			if page.Head.Seq > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the tenant's audit chain got no record within 60 s of a change")
		}
		time.Sleep(500 * time.Millisecond)
	}
	cmd := exec.Command("bash", "../portal/samples/compliance.sh")
	cmd.Env = append(os.Environ(), "API="+e.api, "TOKEN="+tok)
	cmd.WaitDelay = time.Minute
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("compliance sample: %v\n%s", err, out)
	}
	for _, w := range []string{"blocked TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "rules now at version 2", "created cus_", "kyc none",
		"waits for review", `"status":"verified"`, "open cases: ", "unblocked TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"} {
		if !strings.Contains(string(out), w) {
			t.Fatalf("the sample printed no %q:\n%s", w, out)
		}
	}
	if !regexp.MustCompile(`(?m)^(sanctions list \d{4}-\d{2}-\d{2}\.[0-9a-f]+, \d+ addresses|no sanctions list loaded: sanctions_list_unavailable)$`).Match(out) {
		t.Fatalf("the sample printed no sanctions list line:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^OK scope ` + ten + `: [1-9]\d* records`).Match(out) {
		t.Fatalf("the sample's audit check did not verify the tenant's chain:\n%s", out)
	}
	if strings.Contains(string(out), tok) {
		t.Fatal("the sample printed the token")
	}
}
