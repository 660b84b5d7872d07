package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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

	run(t, ctx, "open the reference", chromedp.Navigate(base+"/reference/#createWithdrawal"))
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
}
