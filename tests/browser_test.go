package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stablegate/stablegate/shared/courses"
)

// artifacts is where the browser tests write their screenshots.
func artifacts(t *testing.T) string {
	dir, _ := filepath.Abs(filepath.Join("artifacts", "portal"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Chromium (Debian's, which make test installs)
// with the flags this closed network needs, for at most two minutes.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no Chromium at %s (make test installs it): %v", bin, err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil && strings.Contains(err.Error(), "too large") {
		// A page taller than Chrome can capture whole (the one-page API
		// reference): what the window shows is the evidence.
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(artifacts(t), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// run runs one browser action or fails the test.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// The portal in a real browser: the quickstart shows its samples, the API
// reference jumps to an operation, and the offline console renders every
// operation and reaches the local API through the portal's own origin.
func TestPortalInABrowser(t *testing.T) {
	e := stack(t)
	base := os.Getenv("STABLEGATE_PORTAL_URL")
	if base == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	ctx := browser(t)
	run(t, ctx, "open the quickstart", chromedp.Navigate(base+"/guides/quickstart/"))
	run(t, ctx, "its samples", chromedp.WaitVisible(chromedp.CSS("figure.sample")))
	if n := run(t, ctx, "count samples", chromedp.Evaluate[int](`document.querySelectorAll("figure.sample").length`)); n != 2 {
		t.Fatalf("the quickstart shows %d samples; want 2", n)
	}
	shot(t, ctx, "quickstart")

	run(t, ctx, "open the reference", chromedp.Navigate(base+"/reference/payouts/#createWithdrawal"))
	run(t, ctx, "the operation", chromedp.WaitVisible(chromedp.ID("createWithdrawal")))
	if h := run(t, ctx, "its heading", chromedp.Text(chromedp.CSS("#createWithdrawal h2"))); h != "POST /v1/withdrawals" {
		t.Fatalf("reference entry heading %q", h)
	}
	shot(t, ctx, "reference")

	ops := 0
	for _, item := range loadSpec(t).Paths.Map() {
		ops += len(item.Operations())
	}
	run(t, ctx, "open the console", chromedp.Navigate(base+"/console/"))
	run(t, ctx, "its operations", chromedp.WaitVisible(chromedp.CSS(".opblock")))
	if n := run(t, ctx, "count operations", chromedp.Evaluate[int](`document.querySelectorAll(".opblock").length`)); n != ops {
		t.Fatalf("the console shows %d operations; the spec has %d", n, ops)
	}
	shot(t, ctx, "console")
	// What the console sends goes through the portal's origin to the local API.
	tok := e.token(t, tenant())
	js := fmt.Sprintf(`fetch("/v1/wallets", {headers: {Authorization: "Bearer %s"}}).then(r => r.status)`, tok)
	if st := run(t, ctx, "fetch through the portal", chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise)); st != 200 {
		t.Fatalf("GET /v1/wallets through the portal: %d", st)
	}

	// ---- ref: "try it" on a reference page sends with the pasted token, and the console is then
	// authorized with the same token.
	run(t, ctx, "open the wallets reference", chromedp.Navigate(base+"/reference/wallets/#listWallets"))
	run(t, ctx, "paste the token", chromedp.SendKeys(chromedp.ID("sg-token"), tok))
	run(t, ctx, "try it", chromedp.Click(chromedp.CSS("#listWallets form.tryit button[type=submit]")))
	waitJS(t, ctx, "its answer", `document.querySelector("#listWallets .tryit-out").textContent.startsWith("200")`, 60*time.Second)
	if out := run(t, ctx, "the answer", chromedp.Evaluate[string](`document.querySelector("#listWallets .tryit-out").textContent`)); !strings.Contains(out, `"object": "list"`) || strings.Contains(out, tok) {
		t.Errorf("try it answered %q", out)
	}
	shot(t, ctx, "reference-try-it")
	run(t, ctx, "open the console again", chromedp.Navigate(base+"/console/"))
	run(t, ctx, "its operations", chromedp.WaitVisible(chromedp.CSS(".opblock")))
	waitJS(t, ctx, "the console holds the token", `JSON.stringify(window.ui.authSelectors.authorized().toJS()).includes(`+jsString(tok)+`)`, 30*time.Second)
}

// A course in a real browser: the practice quiz is scored in the page; the
// graded assessment, answered and submitted with the learner's token, is
// scored on the server, and its signed certificate is shown verified; the
// learner's progress shows the pass.
func TestCourseInABrowser(t *testing.T) {
	e := stack(t)
	base := os.Getenv("STABLEGATE_PORTAL_URL")
	if base == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	ctx := browser(t)
	const course = "incident-response"
	run(t, ctx, "open the course", chromedp.Navigate(base+"/courses/"+course+"/"))
	if n := run(t, ctx, "its steps", chromedp.Evaluate[int](`document.querySelectorAll(".course-steps li").length`)); n != 4 {
		t.Fatalf("the course lists %d steps; want 2 lessons, practice and assessment", n)
	}
	shot(t, ctx, "course")

	run(t, ctx, "open the practice quiz", chromedp.Navigate(base+"/courses/"+course+"/practice/"))
	// Choose each question's right answer as the page knows it (practice is scored in the browser).
	run(t, ctx, "answer the practice quiz", chromedp.Evaluate[int](`(() => { let n = 0;
		for (const q of document.querySelectorAll("#practice .question")) { q.querySelector('input[value="' + q.dataset.answer + '"]').click(); n++ }
		document.querySelector("#practice button").click(); return n })()`))
	if got := run(t, ctx, "its score", chromedp.Text(chromedp.ID("practice-score"))); got != "You got 2 of 2." {
		t.Fatalf("practice score %q", got)
	}
	shot(t, ctx, "practice")

	learner := tenant()
	tok := e.token(t, learner)
	run(t, ctx, "open the assessment", chromedp.Navigate(base+"/courses/"+course+"/assessment/"))
	run(t, ctx, "type the token", chromedp.SendKeys(chromedp.ID("sg-token"), tok))
	run(t, ctx, "type the name", chromedp.SendKeys(chromedp.ID("learner-name"), "Ada Lovelace"))
	run(t, ctx, "begin", chromedp.Evaluate[bool](`document.querySelector("#begin button").click(); true`))
	run(t, ctx, "the drawn questions", chromedp.WaitVisible(chromedp.CSS("#assessment fieldset")))
	answers := map[string]string{}
	for _, q := range courses.Banks()[course].Questions {
		answers[q.ID] = q.Answer
	}
	key, _ := json.Marshal(answers)
	// Pick each drawn question's answer by its text (the options are shuffled).
	if n := run(t, ctx, "answer and submit", chromedp.Evaluate[int](`(() => { const key = `+string(key)+`; let n = 0;
		for (const input of document.querySelectorAll("#assessment input")) {
			if (input.parentElement.textContent.trim() === key[input.name]) { input.click(); n++ } }
		document.querySelector("#assessment button").click(); return n })()`)); n != courses.Banks()[course].Ask {
		t.Fatalf("picked %d answers; want %d", n, courses.Banks()[course].Ask)
	}
	run(t, ctx, "the certificate", chromedp.WaitVisible(chromedp.ID("certificate")))
	if got := run(t, ctx, "the score", chromedp.Text(chromedp.CSS("#result .score"))); !strings.Contains(got, "100%") || !strings.Contains(got, "passed") {
		t.Fatalf("score shown as %q", got)
	}
	certID := run(t, ctx, "the certificate id", chromedp.Text(chromedp.CSS(".cert-id")))
	shot(t, ctx, "certificate")
	// The printable certificate page, checked by the public endpoint.
	run(t, ctx, "open the printable certificate", chromedp.Evaluate[bool](`document.querySelector(".cert-link").click(); true`))
	run(t, ctx, "its check", chromedp.WaitVisible(chromedp.CSS("#cert-status.cert-valid")))
	if got := run(t, ctx, "its name", chromedp.Text(chromedp.ID("cert-name"))); got != "Ada Lovelace" {
		t.Fatalf("the printable certificate names %q", got)
	}
	shot(t, ctx, "certificate-printable")
	// The recorded result, as the API has it.
	var check struct{ Valid bool }
	if r := e.do(t, "GET", "/v1/certificates/"+certID, tok, nil, nil); r.status != 200 {
		t.Fatalf("certificate %s: %d %s", certID, r.status, r.body)
	} else if r.json(t, &check); !check.Valid {
		t.Fatalf("certificate %s does not verify", certID)
	}
	run(t, ctx, "open the courses", chromedp.Navigate(base+"/courses/"))
	run(t, ctx, "show progress", chromedp.Evaluate[bool](`document.getElementById("load-progress").click(); true`))
	run(t, ctx, "the progress table", chromedp.WaitVisible(chromedp.CSS("#progress-table table")))
	if got := run(t, ctx, "progress", chromedp.Text(chromedp.ID("progress-table"))); !strings.Contains(got, "passed") || !strings.Contains(got, certID) {
		t.Fatalf("progress shows %q", got)
	}
	shot(t, ctx, "progress")
}
