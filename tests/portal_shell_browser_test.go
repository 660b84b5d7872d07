package tests

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// The docs shell's browser tests serve the built portal (portal/public, with
// its Pagefind index) as the local stack does, without the stack: nothing
// here calls the API. Screenshots go to tests/artifacts/portal/shell-*.png.

func servedPortal(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives headless Chromium over the built portal (make test runs it); skipped under -short")
	}
	for _, f := range []string{"index.html", "404.html", "pagefind/pagefind-ui.js", "zh/guides/quickstart/index.html"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Fatalf("the portal is not built with both languages and its search index (make portal): %v", err)
		}
	}
	srv := httptest.NewServer(devstack.PortalFiles(site))
	t.Cleanup(srv.Close)
	return srv.URL
}

// builtTitle is a built page's h1, as a reader sees it.
func builtTitle(t *testing.T, rel string) string {
	t.Helper()
	for _, h := range elements(builtHTML(t, rel), "h1") {
		return strings.TrimSpace(textOf(h))
	}
	t.Fatalf("%s has no h1", rel)
	return ""
}

// searchFor types a query into the Pagefind box and returns the result links (pages and their sections).
func searchFor(t *testing.T, ctx context.Context, query, wantIn string) []string {
	t.Helper()
	run(t, ctx, "type "+query, chromedp.Evaluate[bool](`(() => { const i = document.querySelector("#search input");
		i.value = `+jsString(query)+`; i.dispatchEvent(new Event("input", {bubbles: true})); return true })()`))
	links := `[...document.querySelectorAll("#search .pagefind-ui__result-link")].map(a => a.getAttribute("href"))`
	waitJS(t, ctx, "results for "+query, links+`.some(h => h.includes(`+jsString(wantIn)+`))`, 60*time.Second)
	return run(t, ctx, "the results", chromedp.Evaluate[[]string](links))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The docs shell in a real browser: the sidebar marks the page and the
// on-page contents lists its sections; breadcrumbs and previous/next follow
// the sidebar's order; search finds an operation and a lesson; the dark
// theme follows the system and the toggle overrides it; a code block's copy
// button puts its code on the clipboard; the Chinese quickstart is built and
// reached by the language switch; an unknown address answers the 404 page;
// the reference reads at phone width without sideways scrolling.
func TestPortalShellInABrowser(t *testing.T) {
	base := servedPortal(t)
	ctx := browser(t)
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"}, Setting: cdpbrowser.PermissionSettingGranted}); err != nil {
		t.Fatalf("grant clipboard-read: %v", err)
	}

	// Sidebar, contents, breadcrumbs, previous/next.
	run(t, ctx, "open the quickstart", chromedp.Navigate(base+"/guides/quickstart/"))
	run(t, ctx, "the sidebar", chromedp.WaitVisible(chromedp.CSS(".side-nav")))
	if cur := run(t, ctx, "the sidebar's current page", chromedp.Evaluate[string](`document.querySelector('.side a[aria-current="page"]').getAttribute("href")`)); cur != "/guides/quickstart/" {
		t.Errorf("the sidebar marks %q as the current page", cur)
	}
	order := run(t, ctx, "the sidebar's guides", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".side-section.open > ul > li > a")].map(a => a.getAttribute("href"))`))
	if len(order) < 5 || order[0] != "/guides/quickstart/" {
		t.Fatalf("the sidebar lists the guides %v; want the quickstart first of them all", order)
	}
	if next := run(t, ctx, "next", chromedp.Evaluate[string](`document.querySelector(".prevnext .next").getAttribute("href")`)); next != order[1] {
		t.Errorf("next after the quickstart is %q; the sidebar has %q", next, order[1])
	}
	toc := run(t, ctx, "the contents", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".page-toc a")].map(a => a.getAttribute("href"))`))
	h2 := run(t, ctx, "the sections", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".prose h2[id]")].map(h => "#" + h.id)`))
	if len(h2) < 2 || strings.Join(toc, " ") != strings.Join(h2, " ") {
		t.Errorf("on this page lists %v; the page's sections are %v", toc, h2)
	}
	if crumbs := run(t, ctx, "breadcrumbs", chromedp.Evaluate[string](`[...document.querySelectorAll(".crumbs li")].map(l => l.textContent.trim()).join(" / ")`)); crumbs != "Home / Guides / Quickstart" {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	shot(t, ctx, "shell-sidebar-toc")

	// Copy: the first block's code, exactly, on the clipboard.
	want := run(t, ctx, "the block's code", chromedp.Evaluate[string](`document.querySelector(".code-block .highlight pre code").innerText.replace(/\n$/, "")`))
	run(t, ctx, "click copy", chromedp.Click(chromedp.CSS(".code-block .copy")))
	waitJS(t, ctx, "the button says so", `document.querySelector(".code-block .copy").textContent === "Copied"`, 30*time.Second)
	if got := run(t, ctx, "the clipboard", chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)); got != want || want == "" {
		t.Errorf("the clipboard holds %q; the block shows %q", got, want)
	}
	shot(t, ctx, "shell-copy")

	// Search: an operation (by its summary in the spec) and a lesson (by its title).
	item := loadSpec(t).Paths.Find("/v1/withdrawals")
	if item == nil || item.Post == nil {
		t.Fatal("no POST /v1/withdrawals in the spec")
	}
	op := item.Post
	hits := searchFor(t, ctx, op.Summary, "/reference/")
	if !contains(hits, "/reference/payouts/#"+op.OperationID) {
		t.Errorf("searching %q finds %v; want the operation's own entry", op.Summary, hits)
	}
	shot(t, ctx, "shell-search-operation")
	lesson := "/courses/kyc-aml/lesson-1/"
	title := builtTitle(t, "courses/kyc-aml/lesson-1/index.html")
	searchFor(t, ctx, title, lesson)
	shot(t, ctx, "shell-search-lesson")

	// Dark mode: the system's, then the reader's choice, kept across pages.
	bg := `getComputedStyle(document.body).backgroundColor`
	colorScheme(t, ctx, "dark")
	run(t, ctx, "open a lesson", chromedp.Navigate(base+lesson))
	run(t, ctx, "forget a choice", chromedp.Evaluate[bool](`localStorage.removeItem("sg-theme"); delete document.documentElement.dataset.theme; true`))
	run(t, ctx, "reload", chromedp.Reload())
	if got := run(t, ctx, "the background", chromedp.Evaluate[string](bg)); got != "rgb(13, 17, 23)" {
		t.Errorf("under a dark system the page is %s; want the dark theme", got)
	}
	shot(t, ctx, "shell-dark")
	run(t, ctx, "toggle", chromedp.Click(chromedp.ID("theme-toggle")))
	run(t, ctx, "another page", chromedp.Navigate(base+"/guides/quickstart/"))
	if got := run(t, ctx, "the background", chromedp.Evaluate[string](bg)); got != "rgb(255, 255, 255)" {
		t.Errorf("after choosing light the next page is %s", got)
	}
	run(t, ctx, "back to the system's", chromedp.Evaluate[bool](`localStorage.removeItem("sg-theme"); true`))
	colorScheme(t, ctx, "light")

	// Chinese: the switch leads to the translated quickstart, built in Chinese with its samples.
	run(t, ctx, "the language switch", chromedp.Click(chromedp.CSS(`.top-tools a.lang[hreflang="zh-CN"]`)))
	waitJS(t, ctx, "the Chinese quickstart", `location.pathname === "/zh/guides/quickstart/" && document.documentElement.lang === "zh-CN"`, 30*time.Second)
	if h := run(t, ctx, "its title", chromedp.Text(chromedp.CSS("h1"))); h != builtTitle(t, "zh/guides/quickstart/index.html") || !strings.Contains(h, "快速入门") {
		t.Errorf("the Chinese quickstart's title is %q", h)
	}
	if n := run(t, ctx, "its samples", chromedp.Evaluate[int](`document.querySelectorAll("figure.sample .highlight pre").length`)); n < 2 {
		t.Errorf("the Chinese quickstart shows %d highlighted samples", n)
	}
	if back := run(t, ctx, "the way back", chromedp.Evaluate[string](`document.querySelector('.top-tools a.lang').getAttribute("href")`)); back != "/guides/quickstart/" {
		t.Errorf("the Chinese quickstart switches back to %q", back)
	}
	shot(t, ctx, "shell-quickstart-zh")

	// 404.
	run(t, ctx, "an unknown page", chromedp.Navigate(base+"/guides/no-such-guide/"))
	if h := run(t, ctx, "its title", chromedp.Text(chromedp.CSS("h1"))); h != builtTitle(t, "404.html") {
		t.Errorf("an unknown address shows %q", h)
	}
	if st := run(t, ctx, "its status", chromedp.Evaluate[int](`fetch("/guides/no-such-guide/").then(r => r.status)`, chromedp.EvalAwaitPromise)); st != 404 {
		t.Errorf("an unknown address answers %d", st)
	}

	// The reference at phone width: the menu replaces the sidebar, nothing scrolls sideways.
	run(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	run(t, ctx, "the reference", chromedp.Navigate(base+"/reference/payouts/#createWithdrawal"))
	run(t, ctx, "the operation", chromedp.WaitVisible(chromedp.ID("createWithdrawal")))
	if w := run(t, ctx, "page width", chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`)); w[0] > w[1] {
		t.Errorf("at phone width the reference is %d px wide in a %d px window", w[0], w[1])
	}
	if vis := run(t, ctx, "menu, sidebar", chromedp.Evaluate[[]bool](`[".menu-toggle", ".side"].map(s => document.querySelector(s).offsetParent !== null)`)); !vis[0] || vis[1] {
		t.Errorf("at phone width the menu button shows %v and the sidebar %v; want the button only", vis[0], vis[1])
	}
	shot(t, ctx, "shell-reference-phone")
	run(t, ctx, "open the menu", chromedp.Click(chromedp.CSS(".menu-toggle")))
	run(t, ctx, "the sidebar", chromedp.WaitVisible(chromedp.CSS(".side")))
}

// colorScheme makes the page's system report a light or dark preference.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatalf("emulate a %s system: %v", scheme, err)
	}
}

// styleLeaks, run in a page, lists the site stylesheet's rules (style.css, the
// media rules in force included) that match an element of a highlighted block
// (its <pre> and everything in it) or of the API console, and the inline code
// rule's look showing inside a block. Empty: the site styles neither.
const styleLeaks = `(() => {
  const sheet = [...document.styleSheets].find(s => s.href && new URL(s.href).pathname === "/style.css");
  if (!sheet) return ["no /style.css on the page"];
  const rules = [];
  const walk = list => { for (const r of list) {
    if (r.selectorText) rules.push(r.selectorText);
    else if (r.media && r.cssRules) { if (matchMedia(r.media.mediaText).matches) walk(r.cssRules); }
  } };
  walk(sheet.cssRules);
  const inside = el => el.closest(".highlight pre, #console");
  const out = [];
  for (const sel of rules) for (const el of document.querySelectorAll(sel)) {
    if (inside(el)) out.push((el.closest("#console") ? "console " : "block ") + el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " ← " + sel);
  }
  const els = document.querySelectorAll(".highlight pre, #console");
  for (const code of document.querySelectorAll(".highlight pre code")) {
    const cs = getComputedStyle(code);
    if (cs.backgroundColor !== "rgba(0, 0, 0, 0)" || cs.paddingTop !== "0px" || cs.paddingBottom !== "0px")
      out.push("block code: background " + cs.backgroundColor + ", padding " + cs.paddingTop + "/" + cs.paddingBottom);
  }
  return [...new Set(out)].slice(0, 20).concat([String(els.length)]);
})()`

// No page's highlighted block or console pane gets the site's styles: a page
// of each layout is opened (on the console an operation is expanded, its
// parameters, example values and response keys shown) and every element of
// its blocks and of the console is matched against every rule of the sheet.
func TestPortalSiteCSSLeavesCodeAndConsoleAlone(t *testing.T) {
	base := servedPortal(t)
	// One page of each layout (the sheet is the same everywhere; what differs is the markup it meets);
	// TestPortalEveryCodeBlockIsHighlighted checks that every page's blocks are highlighted ones.
	pages := []string{"/", "/guides/quickstart/", "/guides/accept-payments/", "/reference/", "/reference/payouts/", "/console/", "/console/officer/",
		"/courses/", "/courses/kyc-aml/", "/courses/kyc-aml/lesson-1/", "/courses/kyc-aml/practice/", "/courses/kyc-aml/assessment/",
		"/zh/", "/zh/guides/quickstart/", "/changelog/", "/no-such-page/"}
	ctx := browser(t)
	blocks := 0
	for _, p := range pages {
		run(t, ctx, "open "+p, chromedp.Navigate(base+p))
		if p == "/console/" {
			run(t, ctx, "the console", chromedp.WaitVisible(chromedp.CSS(".opblock")))
			run(t, ctx, "expand an operation", chromedp.Click(chromedp.CSS(".opblock .opblock-summary")))
			run(t, ctx, "its details", chromedp.WaitVisible(chromedp.CSS(".opblock-body .responses-wrapper")))
			run(t, ctx, "scroll to it", chromedp.Evaluate[bool](`document.querySelector(".opblock.is-open").scrollIntoView(); true`))
			png := run(t, ctx, "the console", chromedp.CaptureScreenshot())
			if err := os.WriteFile(filepath.Join(artifacts(t), "shell-console.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		leaks := run(t, ctx, "the styles on "+p, chromedp.Evaluate[[]string](styleLeaks))
		n := leaks[len(leaks)-1]
		if leaks = leaks[:len(leaks)-1]; len(leaks) > 0 {
			t.Errorf("%s: the site's CSS reaches code or the console:\n  %s", p, strings.Join(leaks, "\n  "))
		}
		if n != "0" {
			blocks++
		}
	}
	if blocks < 5 {
		t.Fatalf("only %d of %d pages have a highlighted block or the console: the check saw nothing", blocks, len(pages))
	}
	t.Logf("%d pages checked, %d with highlighted blocks or the console", len(pages), blocks)
}

// Every code block on every built page, the included samples and the
// reference's examples too, is one the highlighter wrote (a .highlight in a
// .code-block, which gets the copy button), all in one style; a block filled
// by a page's script (the officer console's raw case) is not a code sample.
func TestPortalEveryCodeBlockIsHighlighted(t *testing.T) {
	readSite(t) // fails clearly when the portal is not built
	styles := map[string][]string{}
	blocks := 0
	err := filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(site, p)
		for _, pre := range elements(builtHTML(t, filepath.ToSlash(rel)), "pre") {
			if hasAncestor(pre, func(n *html.Node) bool { return attr(n, "id") == "officer" }) {
				continue
			}
			hl := pre.Parent
			if hl == nil || !hasClass(hl, "highlight") || hl.Parent == nil || !hasClass(hl.Parent, "code-block") {
				t.Errorf("%s: a code block the highlighter did not write: %.80q", rel, textOf(pre))
				continue
			}
			blocks++
			styles[attr(pre, "style")] = append(styles[attr(pre, "style")], rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(styles) != 1 {
		for s, pages := range styles {
			t.Errorf("block style %q on %d pages (%s, ...)", s, len(pages), pages[0])
		}
	}
	if blocks < 50 {
		t.Fatalf("only %d highlighted blocks in the whole site", blocks)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class)
}

func hasAncestor(n *html.Node, f func(*html.Node) bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && f(p) {
			return true
		}
	}
	return false
}
