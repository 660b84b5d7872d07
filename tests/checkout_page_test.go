package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// The hosted checkout page (portal/content/checkout), tested as a page: the
// built portal is served by a small fake of the three routes it calls
// (GET /v1/checkout/{token}, its /qr, and the WebSocket at /live), on one
// 127.0.0.1 origin, and driven in headless Chromium at phone size. This
// tests the page, not the API (tests/checkout_browser_test.go runs it
// against the local stack).

const (
	fakeEthAddr  = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	fakeTronAddr = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
	fakeReturn   = "https://shop.example/orders/42?paid=1"
)

// fakeCheckouts serves the checkout contract for a few tokens, and pushes
// every change to the WebSocket subscribers of its token.
type fakeCheckouts struct {
	mu    sync.Mutex
	views map[string]map[string]any
	noWS  map[string]bool // tokens whose WebSocket connections are refused
	subs  map[string][]*websocket.Conn
	gets  map[string]int
	// subscribes counts each token's subscribe_checkout messages.
	subscribes map[string]int
	// holdFrom, when set for a token, holds that token's reads from the
	// nth on: each takes its view when it arrives and answers once release
	// is closed (a slow read racing a push).
	holdFrom map[string]int
	release  chan struct{}
}

func checkoutView(status string, expires time.Time) map[string]any {
	return map[string]any{
		"invoice": "inv_01JEXAMPLE0000000000000000", "status": status,
		"amount": "108.695653", "asset": "USDT",
		"fiat": map[string]any{"currency": "EUR", "amount": "100.00", "rate": "0.92"},
		"paid": "0", "pending": "0", "remaining": "108.695653",
		"expires_at": expires.UTC().Format(time.RFC3339), "description": "Order #42 at Example Shop",
		"redirect_url": fakeReturn,
		"options": []map[string]any{
			{"chain": "ethereum", "network": "ERC20", "asset": "USDT", "address": fakeEthAddr, "amount": "108.695653",
				"payment_uri": "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=" + fakeEthAddr + "&uint256=108695653"},
			{"chain": "tron", "network": "TRC20", "asset": "USDT", "address": fakeTronAddr, "amount": "108.695653",
				"payment_uri": "tron:" + fakeTronAddr + "?amount=108.695653&token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
		},
		"payments": []map[string]any{},
	}
}

func newFakeCheckouts(t *testing.T) (*fakeCheckouts, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("drives headless Chromium over the built portal (make test runs it); skipped under -short")
	}
	if _, err := os.Stat(filepath.Join(site, "checkout", "index.html")); err != nil {
		t.Fatalf("the portal is not built (make test builds it with make portal): %v", err)
	}
	f := &fakeCheckouts{views: map[string]map[string]any{}, noWS: map[string]bool{}, subs: map[string][]*websocket.Conn{}, gets: map[string]int{},
		subscribes: map[string]int{}, holdFrom: map[string]int{}, release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/checkout/{token}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		f.mu.Lock()
		v, ok := f.views[r.PathValue("token")]
		f.gets[r.PathValue("token")]++
		from := f.holdFrom[r.PathValue("token")]
		held := from > 0 && f.gets[r.PathValue("token")] >= from
		b, _ := json.Marshal(v)
		f.mu.Unlock()
		if held {
			<-f.release
		}
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"no such resource"}}`))
			return
		}
		_, _ = w.Write(b)
	})
	mux.HandleFunc("GET /v1/checkout/{token}/qr", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		_, ok := f.views[r.PathValue("token")]
		f.mu.Unlock()
		if !ok || r.URL.Query().Get("format") != "svg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="29" height="29" viewBox="0 0 29 29"><rect width="29" height="29" fill="#fff"/><rect x="2" y="2" width="7" height="7"/><text x="3" y="20" font-size="4">%s</text></svg>`, r.URL.Query().Get("chain"))
	})
	mux.HandleFunc("/live", func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("checkout")
		f.mu.Lock()
		_, ok := f.views[tok]
		refused := f.noWS[tok]
		f.mu.Unlock()
		if !ok || refused {
			http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var m struct{ Action, Token string }
			if json.Unmarshal(data, &m) != nil || m.Action != "subscribe_checkout" || m.Token != tok {
				_ = c.Write(context.Background(), websocket.MessageText, []byte(`{"type":"error","code":"checkout_not_found","param":"token"}`))
				continue
			}
			f.mu.Lock()
			f.subs[tok] = append(f.subs[tok], c)
			f.subscribes[tok]++
			f.mu.Unlock()
			_ = c.Write(context.Background(), websocket.MessageText, []byte(`{"type":"subscribed","invoice":"inv_01JEXAMPLE0000000000000000"}`))
		}
	})
	mux.Handle("/", http.FileServer(http.Dir(site)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeCheckouts) put(tok string, v map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views[tok] = v
}

// change edits a checkout and pushes it to its subscribers; it returns how
// many were pushed.
func (f *fakeCheckouts) change(t *testing.T, tok string, edit func(v map[string]any)) int {
	t.Helper()
	f.mu.Lock()
	edit(f.views[tok])
	msg, _ := json.Marshal(map[string]any{"type": "checkout", "checkout": f.views[tok]})
	subs := append([]*websocket.Conn(nil), f.subs[tok]...)
	f.mu.Unlock()
	n := 0
	for _, c := range subs {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if c.Write(ctx, websocket.MessageText, msg) == nil {
			n++
		}
		cancel()
	}
	return n
}

// drop closes the token's WebSocket connections, as a gateway restart would.
func (f *fakeCheckouts) drop(tok string) {
	f.mu.Lock()
	subs := f.subs[tok]
	f.subs[tok] = nil
	f.mu.Unlock()
	for _, c := range subs {
		_ = c.CloseNow() // the page sees its socket close
	}
}

func (f *fakeCheckouts) setWS(tok string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noWS[tok] = !on
}

func (f *fakeCheckouts) subscribeCount(tok string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.subscribes[tok]
}

func (f *fakeCheckouts) getCount(tok string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets[tok]
}

// phone opens a browser tab the size of a phone (390×844 CSS pixels).
func phone(t *testing.T) context.Context {
	t.Helper()
	ctx := browser(t)
	run(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	return ctx
}

// waitJS waits, with a generous bound, until the expression is true.
func waitJS(t *testing.T, ctx context.Context, what, expr string, bound time.Duration) {
	t.Helper()
	// Evaluated afresh each time (a Poll fails when the page's context is
	// replaced under it, as right after a navigation).
	var last error
	for end := time.Now().Add(bound); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		last = err
	}
	t.Fatalf("%s: not so within %v (last error: %v)", what, bound, last)
}

func jsText(id string) string {
	return `document.getElementById(` + fmt.Sprintf("%q", id) + `).textContent`
}

type checkoutLang struct {
	name, code, path                         string
	open, partly, paid, copied, announce     string
	confirmations, live, polling, expiredEnd string
}

var checkoutLangs = []checkoutLang{
	{name: "English", code: "en", path: "/checkout/", open: "Awaiting payment", partly: "Partly paid", paid: "Paid", copied: "Copied",
		announce: "Address copied", confirmations: "3 confirmations", live: "Live updates on", polling: "Checking for updates every 10 seconds",
		expiredEnd: "This invoice has expired."},
	{name: "Chinese", code: "zh", path: "/zh/checkout/", open: "等待付款", partly: "部分付款", paid: "已付款", copied: "已复制",
		announce: "地址已复制", confirmations: "3 个确认", live: "实时更新已开启", polling: "每 10 秒检查一次更新",
		expiredEnd: "该账单已过期。"},
}

// The page shows the invoice (description, amount, fiat price and rate,
// each network's QR, address and amount with working copy buttons, a
// running countdown), follows it over the WebSocket (partly paid with a
// pending payment and its confirmations, then paid: the end state with the
// return button), with no polling while the socket is up.
func TestCheckoutPageLiveInABrowser(t *testing.T) {
	for _, l := range checkoutLangs {
		t.Run(l.name, func(t *testing.T) {
			fake, base := newFakeCheckouts(t)
			tok := "chk_live" + l.code + "0123456789abcdef"
			fake.put(tok, checkoutView("open", time.Now().Add(15*time.Minute)))
			ctx := phone(t)
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"}, Setting: cdpbrowser.PermissionSettingGranted}); err != nil {
				t.Fatalf("grant clipboard-read: %v", err)
			}
			run(t, ctx, "open the checkout", chromedp.Navigate(base+l.path+"#"+tok))
			run(t, ctx, "the invoice", chromedp.WaitVisible(chromedp.ID("co-body")))
			waitJS(t, ctx, "live updates", `document.getElementById("co-live").dataset.mode === "live"`, 30*time.Second)
			for id, want := range map[string]string{"co-desc": "Order #42 at Example Shop", "co-amount": "108.695653", "co-asset": "USDT",
				"co-fiat": "100.00 EUR", "co-status": l.open, "co-live": l.live} {
				if got := run(t, ctx, id, chromedp.Evaluate[string](jsText(id))); got != want {
					t.Errorf("#%s shows %q; want %q", id, got, want)
				}
			}
			if got := run(t, ctx, "rate", chromedp.Evaluate[string](jsText("co-rate"))); got != "1 USDT = 0.92 EUR" {
				t.Errorf("rate shown as %q", got)
			}
			if got := run(t, ctx, "address", chromedp.Value(chromedp.ID("co-address"))); got != fakeEthAddr {
				t.Errorf("address %q; want the Ethereum option's %s", got, fakeEthAddr)
			}
			if got := run(t, ctx, "amount to send", chromedp.Value(chromedp.ID("co-pay-amount"))); got != "108.695653" {
				t.Errorf("amount to send %q", got)
			}
			waitJS(t, ctx, "the Ethereum QR", `(q => q.complete && q.naturalWidth > 0 && q.src.includes("chain=ethereum") && q.alt.includes("`+fakeEthAddr+`"))(document.getElementById("co-qr"))`, 60*time.Second)
			if w := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
				t.Errorf("the page is %d px wide on a 390 px phone", w)
			}
			if got := run(t, ctx, "tabs", chromedp.Evaluate[string](jsText("co-chains"))); got != "EthereumERC20TronTRC20" {
				t.Errorf("network tabs read %q", got)
			}
			if got := run(t, ctx, "wallet link", chromedp.Evaluate[string](`document.getElementById("co-wallet").getAttribute("href")`)); !strings.HasPrefix(got, "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address="+fakeEthAddr) {
				t.Errorf("open-in-wallet link %q", got)
			}
			if shown := run(t, ctx, "return button", chromedp.Evaluate[bool](`!document.getElementById("co-return").hidden`)); shown {
				t.Error("the return button is offered before the invoice is settled")
			}
			if lang := run(t, ctx, "language link", chromedp.Evaluate[string](`document.getElementById("co-lang").getAttribute("href")`)); !strings.HasSuffix(lang, "#"+tok) {
				t.Errorf("the language link %q loses the token", lang)
			}

			// The countdown runs: from 14:xx, and it ticks.
			waitJS(t, ctx, "the countdown", `/^1[34]:[0-5]\d$/.test(`+jsText("co-timer")+`)`, 60*time.Second)
			first := run(t, ctx, "countdown", chromedp.Evaluate[string](jsText("co-timer")))
			waitJS(t, ctx, "the countdown ticks", jsText("co-timer")+` !== `+fmt.Sprintf("%q", first), 60*time.Second)

			// Copy the address: feedback on the button and for screen readers, and the clipboard holds it.
			run(t, ctx, "copy the address", chromedp.Click(chromedp.ID("co-copy-address")))
			waitJS(t, ctx, "copy feedback", `document.getElementById("co-copy-address").textContent === `+fmt.Sprintf("%q", l.copied)+
				` && `+jsText("co-announce")+` === `+fmt.Sprintf("%q", l.announce), 10*time.Second)
			if got := run(t, ctx, "the clipboard", chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)); got != fakeEthAddr {
				t.Errorf("clipboard holds %q; want %s", got, fakeEthAddr)
			}

			run(t, ctx, "copy the amount", chromedp.Click(chromedp.ID("co-copy-amount")))
			waitJS(t, ctx, "amount copy feedback", `document.getElementById("co-copy-amount").dataset.copied === "yes"`, 60*time.Second)
			if got := run(t, ctx, "the clipboard", chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)); got != "108.695653" {
				t.Errorf("clipboard holds %q; want the amount", got)
			}
			// Nothing is loaded from anywhere but the page's origin.
			if n := run(t, ctx, "outside resources", chromedp.Evaluate[int](`performance.getEntriesByType("resource").filter(e => !e.name.startsWith(location.origin)).length`)); n != 0 {
				t.Errorf("%d resources loaded from another origin", n)
			}

			// Choose Tron: its address, amount and QR.
			run(t, ctx, "choose Tron", chromedp.Click(chromedp.CSS(`label[for="co-chain-tron"]`)))
			waitJS(t, ctx, "the Tron option", `document.getElementById("co-address").value === "`+fakeTronAddr+`"`, 60*time.Second)
			waitJS(t, ctx, "the Tron QR", `(q => q.complete && q.naturalWidth > 0 && q.src.includes("chain=tron"))(document.getElementById("co-qr"))`, 60*time.Second)
			shot(t, ctx, "checkout-"+l.code+"-open")

			// Partly paid, pushed over the socket.
			gets := fake.getCount(tok)
			if n := fake.change(t, tok, func(v map[string]any) {
				v["status"], v["paid"], v["pending"], v["remaining"] = "partially_paid", "50", "50", "58.695653"
				v["payments"] = []map[string]any{{"chain": "tron", "tx_hash": "9f1c0ffee", "amount": "50", "confirmations": 3, "state": "pending"}}
			}); n != 1 {
				t.Fatalf("pushed to %d subscribers; want 1", n)
			}
			waitJS(t, ctx, "partly paid", jsText("co-status")+` === `+fmt.Sprintf("%q", l.partly), 60*time.Second)
			if got := run(t, ctx, "payments", chromedp.Evaluate[string](jsText("co-payments-list"))); !strings.Contains(got, l.confirmations) || !strings.Contains(got, "9f1c0ffee") {
				t.Errorf("payments show %q; want %q and the transaction", got, l.confirmations)
			}
			if got := run(t, ctx, "remaining", chromedp.Evaluate[string](jsText("co-remaining"))); got != "58.695653 USDT" {
				t.Errorf("remaining %q", got)
			}

			// Paid: the end state.
			fake.change(t, tok, func(v map[string]any) {
				v["status"], v["paid"], v["pending"], v["remaining"] = "paid", "108.695653", "0", "0"
				v["payments"] = []map[string]any{
					{"chain": "tron", "tx_hash": "9f1c0ffee", "amount": "50", "confirmations": 20, "state": "confirmed"},
					{"chain": "tron", "tx_hash": "a11ce", "amount": "58.695653", "confirmations": 19, "state": "confirmed"}}
			})
			waitJS(t, ctx, "paid", `document.getElementById("co-status").dataset.status === "paid" && `+jsText("co-status")+` === `+fmt.Sprintf("%q", l.paid), 60*time.Second)
			waitJS(t, ctx, "the end state", `!document.getElementById("co-end").hidden && document.getElementById("co-pay").hidden && !document.getElementById("co-return").hidden`, 60*time.Second)
			if got := run(t, ctx, "return link", chromedp.Evaluate[string](`document.getElementById("co-return").href`)); got != fakeReturn {
				t.Errorf("return to merchant leads to %q; want %q", got, fakeReturn)
			}
			if after := fake.getCount(tok); after != gets {
				t.Errorf("the page fetched the checkout %d times while the socket was up; want the pushes only", after-gets)
			}
			shot(t, ctx, "checkout-"+l.code+"-paid")
		})
	}
}

// Without the WebSocket the page polls the checkout every 10 s and still
// reaches the end state.
func TestCheckoutPagePollsWithoutTheSocket(t *testing.T) {
	for _, l := range checkoutLangs {
		t.Run(l.name, func(t *testing.T) {
			fake, base := newFakeCheckouts(t)
			tok := "chk_poll" + l.code + "0123456789abcdef"
			fake.put(tok, checkoutView("open", time.Now().Add(15*time.Minute)))
			fake.setWS(tok, false)
			ctx := phone(t)
			run(t, ctx, "open the checkout", chromedp.Navigate(base+l.path+"?t="+tok))
			waitJS(t, ctx, "polling", `document.getElementById("co-live").dataset.mode === "polling" && `+jsText("co-live")+` === `+fmt.Sprintf("%q", l.polling), 30*time.Second)
			gets := fake.getCount(tok)
			fake.change(t, tok, func(v map[string]any) {
				v["status"], v["paid"], v["remaining"] = "paid", "108.695653", "0"
				v["payments"] = []map[string]any{{"chain": "ethereum", "tx_hash": "0xabc", "amount": "108.695653", "confirmations": 12, "state": "confirmed"}}
			})
			waitJS(t, ctx, "paid, by polling", `document.getElementById("co-status").dataset.status === "paid" && `+jsText("co-status")+` === `+fmt.Sprintf("%q", l.paid), 45*time.Second)
			if fake.getCount(tok) <= gets {
				t.Error("the page reached paid without fetching the checkout again")
			}
			// At the end state it stops polling.
			waitJS(t, ctx, "stopped", `window.stablegateCheckout.state().stopped`, 60*time.Second)
		})
	}
}

// The end and error states: an expired or cancelled invoice shows no
// payment details; an unknown token and a link without one say so.
func TestCheckoutPageEndAndErrorStates(t *testing.T) {
	fake, base := newFakeCheckouts(t)
	exp := checkoutView("expired", time.Now().Add(-time.Minute))
	fake.put("chk_expired0123456789", exp)
	can := checkoutView("cancelled", time.Now().Add(time.Hour))
	can["redirect_url"] = "javascript:alert(1)"
	fake.put("chk_cancelled0123456789", can)
	ctx := phone(t)
	for _, tc := range []struct {
		name, url, wantID, wantText string
	}{
		{"expired", base + "/checkout/#chk_expired0123456789", "co-end-text", "This invoice has expired."},
		{"expired in Chinese", base + "/zh/checkout/#chk_expired0123456789", "co-end-text", "该账单已过期。"},
		{"cancelled", base + "/checkout/#t=chk_cancelled0123456789", "co-end-text", "This invoice was cancelled."},
		{"unknown token", base + "/checkout/#chk_unknown0123456789", "co-error", "No such payment."},
		{"no token", base + "/checkout/", "co-error", "This payment link is incomplete."},
		{"no token in Chinese", base + "/zh/checkout/", "co-error", "付款链接不完整。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, ctx, "leave", chromedp.Navigate("about:blank"))
			run(t, ctx, "open", chromedp.Navigate(tc.url))
			waitJS(t, ctx, tc.wantText, jsText(tc.wantID)+`.startsWith(`+fmt.Sprintf("%q", tc.wantText)+`)`, 15*time.Second)
			if tc.wantID == "co-end-text" {
				if shown := run(t, ctx, "payment details", chromedp.Evaluate[bool](`!document.getElementById("co-pay").hidden`)); shown {
					t.Error("payment details shown for an invoice that takes no payment")
				}
			}
		})
	}
	run(t, ctx, "leave", chromedp.Navigate("about:blank"))
	run(t, ctx, "open the cancelled one", chromedp.Navigate(base+"/checkout/#chk_cancelled0123456789"))
	waitJS(t, ctx, "cancelled", `document.getElementById("co-status").dataset.status === "cancelled"`, 15*time.Second)
	if shown := run(t, ctx, "return button", chromedp.Evaluate[bool](`!document.getElementById("co-return").hidden`)); shown {
		t.Error("a javascript: redirect_url is offered as the return button")
	}
}

// The page reconnects: refused at first, it polls, and goes live once the
// WebSocket API takes it; when its socket drops it subscribes again, and a
// change pushed then reaches it.
func TestCheckoutPageReconnects(t *testing.T) {
	fake, base := newFakeCheckouts(t)
	tok := "chk_reconnect0123456789"
	fake.put(tok, checkoutView("open", time.Now().Add(15*time.Minute)))
	fake.setWS(tok, false)
	ctx := phone(t)
	run(t, ctx, "open the checkout", chromedp.Navigate(base+"/checkout/#"+tok))
	waitJS(t, ctx, "polling", `document.getElementById("co-live").dataset.mode === "polling"`, 30*time.Second)
	fake.setWS(tok, true)
	waitJS(t, ctx, "live once the socket is back", `document.getElementById("co-live").dataset.mode === "live"`, 60*time.Second)
	n := fake.subscribeCount(tok)
	fake.drop(tok)
	deadline := time.Now().Add(60 * time.Second)
	for fake.subscribeCount(tok) == n {
		if time.Now().After(deadline) {
			t.Fatal("the page did not subscribe again after its socket dropped")
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitJS(t, ctx, "live again", `document.getElementById("co-live").dataset.mode === "live"`, 30*time.Second)
	if pushed := fake.change(t, tok, func(v map[string]any) { v["status"], v["paid"], v["remaining"] = "paid", "108.695653", "0" }); pushed != 1 {
		t.Fatalf("pushed to %d subscribers; want 1", pushed)
	}
	waitJS(t, ctx, "paid", `document.getElementById("co-status").dataset.status === "paid"`, 60*time.Second)
}

// A read that was in flight when a push arrived does not show its older
// state over the pushed one: the page subscribes, reads the checkout again
// (a change between the first read and the subscription), the invoice is
// paid and pushed while that read is slow, and the read then answers
// "open". The page must stay paid; it used to fall back to open, with
// nothing to correct it until the next reload.
func TestCheckoutPageKeepsAPushOverAnOlderRead(t *testing.T) {
	fake, base := newFakeCheckouts(t)
	tok := "chk_slowread0123456789ab"
	fake.put(tok, checkoutView("open", time.Now().Add(15*time.Minute)))
	fake.mu.Lock()
	fake.holdFrom[tok] = 2 // the first read answers; the one after subscribing is held
	fake.mu.Unlock()
	ctx := phone(t)
	run(t, ctx, "open the checkout", chromedp.Navigate(base+"/checkout/#"+tok))
	waitJS(t, ctx, "live", `document.getElementById("co-live").dataset.mode === "live"`, 60*time.Second)
	deadline := time.Now().Add(60 * time.Second)
	for fake.getCount(tok) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the page did not read the checkout again after subscribing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if pushed := fake.change(t, tok, func(v map[string]any) { v["status"], v["paid"], v["remaining"] = "paid", "108.695653", "0" }); pushed != 1 {
		t.Fatalf("pushed to %d subscribers; want 1", pushed)
	}
	waitJS(t, ctx, "paid", `document.getElementById("co-status").dataset.status === "paid"`, 60*time.Second)
	// The held read took its view before the change: it answers "open".
	close(fake.release)
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if status := run(t, ctx, "read the status", chromedp.Evaluate[string](`document.getElementById("co-status").dataset.status`)); status != "paid" {
			t.Fatalf("the page shows %q after the older read answered; want paid", status)
		}
	}
}
