package tests

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The hosted checkout end to end on the local stack, in a real browser at
// phone size: a merchant creates an invoice through the API, the payer
// opens its checkout page (served by the local portal, which passes /v1/
// and /live to the local API), sees the amount, the address and the QR,
// pays on the local Ethereum chain, and the page goes to paid (screenshot
// kept in tests/artifacts/portal/checkout-stack-paid.png).
//
// Until the invoice routes are wired, POST /v1/invoices answers 404
// (route_not_found, or the gateway's "Not Found") and this test skips,
// saying so.
func TestCheckoutPageOnTheLocalStack(t *testing.T) {
	e := stack(t)
	base := os.Getenv("STABLEGATE_PORTAL_URL")
	if base == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	ten := tenant()
	tok := e.token(t, ten, "wallets:read", "wallets:write", "transfers:read", "invoices:read", "invoices:write")
	r := e.do(t, "POST", "/v1/invoices", tok, idem(), []byte(`{"amount":"25","chains":["ethereum"],`+
		`"description":"Checkout browser test","redirect_url":"https://shop.example/orders/7"}`))
	// The API's route_not_found, or the gateway's own {"message":"Not Found"}
	// for a path no route of the template names.
	if code := r.errCode(); r.status == 404 && (code == "route_not_found" || code == "Not Found") {
		t.Skipf("POST /v1/invoices answers 404 %s: the invoice routes are not wired yet", code)
	}
	if r.status != 201 {
		t.Fatalf("create invoice: %d %s", r.status, r.body)
	}
	var inv struct {
		ID            string `json:"id"`
		Amount        string `json:"amount"`
		CheckoutToken string `json:"checkout_token"`
		Options       []struct {
			Chain, Address, Amount string
		} `json:"options"`
	}
	r.json(t, &inv)
	var addr, due string
	for _, o := range inv.Options {
		if o.Chain == "ethereum" {
			addr, due = o.Address, o.Amount
		}
	}
	if inv.CheckoutToken == "" || addr == "" {
		t.Fatalf("the invoice has no checkout token or Ethereum option: %s", r.body)
	}
	// The checkout route answers the page's contract, without a token.
	if c := e.do(t, "GET", "/v1/checkout/"+inv.CheckoutToken, "", nil, nil); c.status != 200 {
		t.Fatalf("GET /v1/checkout/{token}: %d %s", c.status, c.body)
	} else {
		var v map[string]any
		if err := json.Unmarshal(c.body, &v); err != nil || v["status"] != "open" {
			t.Fatalf("checkout view %s (%v)", c.body, err)
		}
	}

	ctx := phone(t)
	run(t, ctx, "open the checkout", chromedp.Navigate(base+"/checkout/#"+inv.CheckoutToken))
	run(t, ctx, "the invoice", chromedp.WaitVisible(chromedp.ID("co-body")))
	if got := run(t, ctx, "amount", chromedp.Evaluate[string](jsText("co-amount"))); got != inv.Amount {
		t.Errorf("the page shows %q; the invoice is for %q", got, inv.Amount)
	}
	if got := run(t, ctx, "address", chromedp.Value(chromedp.ID("co-address"))); got != addr {
		t.Errorf("the page shows address %q; the invoice's is %q", got, addr)
	}
	if got := run(t, ctx, "amount to send", chromedp.Value(chromedp.ID("co-pay-amount"))); got != due {
		t.Errorf("the page asks for %q; the option says %q", got, due)
	}
	waitJS(t, ctx, "the QR", `(q => q.complete && q.naturalWidth > 0)(document.getElementById("co-qr"))`, 20*time.Second)
	waitJS(t, ctx, "live updates", `document.getElementById("co-live").dataset.mode === "live"`, 30*time.Second)
	shot(t, ctx, "checkout-stack-open")

	amt, err := sg.ParseAmount(due, sg.USDTDecimals)
	if err != nil {
		t.Fatalf("option amount %q: %v", due, err)
	}
	_, ec, auth, token := localChain(t)
	tx, err := token.Transfer(auth, common.HexToAddress(addr), big.NewInt(int64(amt)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitMined(context.Background(), ec, tx); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "paid", `document.getElementById("co-status").dataset.status === "paid"`, 90*time.Second)
	waitJS(t, ctx, "the end state", `!document.getElementById("co-end").hidden && !document.getElementById("co-return").hidden`, 60*time.Second)
	shot(t, ctx, "checkout-stack-paid")
}
