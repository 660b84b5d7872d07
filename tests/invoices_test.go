package tests

import (
	"context"
	"encoding/json"
	"math/big"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	gethtypes "github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/paylink"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Merchant invoices end to end on the local stack: created through the
// API (priced in EUR at a locked rate, or in USDT), paid by real token
// transfers on the local Ethereum chain (geth --dev) and the Tron stand-in,
// found by the deposit watchers, settled by the acquiring service through
// the one deposit sink, and read back as the merchant (invoice, receipt)
// and as the payer (the public checkout routes).

// invoiceJSON is the Invoice schema as a client reads it.
type invoiceJSON struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Amount        string `json:"amount"`
	Paid          string `json:"paid"`
	Remaining     string `json:"remaining"`
	RefundDue     string `json:"refund_due"`
	WalletID      string `json:"wallet_id"`
	CheckoutToken string `json:"checkout_token"`
	CheckoutURL   string `json:"checkout_url"`
	Fiat          *struct {
		Currency string `json:"currency"`
		Amount   string `json:"amount"`
		Rate     string `json:"rate"`
		QuoteID  string `json:"fx_quote_id"`
	} `json:"fiat"`
	Options []struct {
		Chain      string `json:"chain"`
		Address    string `json:"address"`
		Amount     string `json:"amount"`
		PaymentURI string `json:"payment_uri"`
	} `json:"options"`
	Payments []struct {
		Chain  string `json:"chain"`
		TxHash string `json:"tx_hash"`
		Amount string `json:"amount"`
		State  string `json:"state"`
	} `json:"payments"`
}

func (v invoiceJSON) address(t testing.TB, chain string) string {
	t.Helper()
	for _, o := range v.Options {
		if o.Chain == chain {
			return o.Address
		}
	}
	t.Fatalf("invoice %s has no %s option: %+v", v.ID, chain, v.Options)
	return ""
}

func invoiceToken(e *env, t testing.TB, ten string) string {
	return e.token(t, ten, "invoices:read", "invoices:write", "wallets:read")
}

func (e *env) createInvoice(t testing.TB, tok, body string) invoiceJSON {
	t.Helper()
	r := e.do(t, "POST", "/v1/invoices", tok, idem(), []byte(body))
	if r.status != 201 {
		t.Fatalf("create invoice %s: %d %s", body, r.status, r.body)
	}
	var v invoiceJSON
	r.json(t, &v)
	return v
}

func (e *env) invoice(t testing.TB, tok, id string) invoiceJSON {
	t.Helper()
	r := e.do(t, "GET", "/v1/invoices/"+id, tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("get invoice: %d %s", r.status, r.body)
	}
	var v invoiceJSON
	r.json(t, &v)
	return v
}

// waitInvoice waits (generously: watchers run every second locally, with
// confirmations) until ok holds of the invoice.
func (e *env) waitInvoice(t testing.TB, tok, id, what string, ok func(invoiceJSON) bool) invoiceJSON {
	t.Helper()
	var v invoiceJSON
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		v = e.invoice(t, tok, id)
		if ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: invoice stuck at %s (paid %s, payments %+v)", what, v.Status, v.Paid, v.Payments)
		}
	}
}

// skipUnlessInvoices skips while the stack serves no invoice routes.
func skipUnlessInvoices(t *testing.T, e *env, tok string) {
	t.Helper()
	r := e.do(t, "GET", "/v1/invoice-policy", tok, nil, nil)
	if r.status == 404 {
		t.Skipf("GET /v1/invoice-policy answers 404 %s: the invoice routes are not on this stack", r.errCode())
	}
}

// sendEthUSDT transfers test USDT from the faucet to addr on the local
// chain and waits for it to be mined.
func sendEthUSDT(t *testing.T, to string, amount string) *gethtypes.Receipt {
	t.Helper()
	_, ec, auth, token := localChain(t)
	a, err := sg.ParseAmount(amount, sg.USDTDecimals)
	if err != nil {
		t.Fatal(err)
	}
	// A fixed gas limit, not the node's estimate: the estimate is made on
	// the pending state, and a sweep mined first (the address's balance
	// going to zero) makes the transfer's storage write dearer than
	// estimated, so an estimated transfer can run out of gas.
	opts := *auth
	opts.GasLimit = 1_000_000
	tx, err := token.Transfer(&opts, common.HexToAddress(to), big.NewInt(int64(a)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := bind.WaitMined(context.Background(), ec, tx)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Status != gethtypes.ReceiptStatusSuccessful {
		t.Fatalf("the payment of %s to %s reverted (tx %s, gas used %d)", amount, to, tx.Hash().Hex(), rc.GasUsed)
	}
	return rc
}

// An invoice priced in EUR at a locked rate is paid on the local Ethereum
// chain: it goes paid, its receipt lists the transfer, and the payer's
// public routes show the payment and nothing of the merchant.
func TestInvoicePaidInEUROnEthereum(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)

	r := e.do(t, "POST", "/v1/fx-quotes", tok, nil, []byte(`{"currency":"EUR"}`))
	if r.status != 201 {
		t.Fatalf("fx quote: %d %s", r.status, r.body)
	}
	var q struct {
		ID   string `json:"id"`
		Rate string `json:"rate"`
	}
	r.json(t, &q)
	v := e.createInvoice(t, tok, `{"price":{"currency":"EUR","amount":"46.00"},"fx_quote_id":"`+q.ID+`","chains":["ethereum","tron"],`+
		`"order_id":"ORD-SECRET-7","metadata":{"customer":"META-SECRET"},"description":"Stack test","redirect_url":"https://shop.example/orders/7"}`)
	if q.Rate != "0.92" || v.Amount != "50.000000" || v.Fiat == nil || v.Fiat.QuoteID != q.ID || v.Status != "open" {
		t.Fatalf("46.00 EUR at %s: %+v (fiat %+v)", q.Rate, v, v.Fiat)
	}
	if v.CheckoutURL != "" && !strings.HasSuffix(v.CheckoutURL, "/checkout/?t="+v.CheckoutToken) {
		t.Errorf("checkout_url %q", v.CheckoutURL)
	}
	addr := v.address(t, "ethereum")

	// The payer's side: no JWT, no tenant, a QR code and a link that parses.
	c := e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken, "", nil, nil)
	if c.status != 200 || c.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("checkout: %d %v %s", c.status, c.header, c.body)
	}
	for _, secret := range []string{ten, v.WalletID, "ORD-SECRET-7", "META-SECRET"} {
		if strings.Contains(string(c.body), secret) {
			t.Errorf("the public checkout view holds %q: %s", secret, c.body)
		}
	}
	png := e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken+"/qr?chain=ethereum&format=png", "", nil, nil)
	if png.status != 200 || png.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(png.body), "\x89PNG") {
		t.Fatalf("qr png: %d %v", png.status, png.header)
	}
	uri := e.do(t, "GET", "/v1/invoices/"+v.ID+"/payment-link?chain=ethereum&format=uri", tok, nil, nil)
	req, err := paylink.Parse(string(uri.body))
	if err != nil || !strings.EqualFold(req.To, addr) || req.Amount != 50_000_000 || req.Chain != sg.Ethereum {
		t.Fatalf("payment link %q: %+v %v", uri.body, req, err)
	}
	if r := e.do(t, "GET", "/v1/invoices/"+v.ID+"/receipt", tok, nil, nil); r.status != 409 || r.errCode() != "invoice_not_paid" {
		t.Fatalf("receipt before payment: %d %s", r.status, r.body)
	}

	rc := sendEthUSDT(t, addr, "50")
	paid := e.waitInvoice(t, tok, v.ID, "paid on Ethereum", func(v invoiceJSON) bool { return v.Status == "paid" && v.Paid == "50.000000" })
	if len(paid.Payments) != 1 || !strings.EqualFold(paid.Payments[0].TxHash, rc.TxHash.Hex()) || paid.Payments[0].State != "confirmed" {
		t.Fatalf("payments %+v; want the one transfer %s", paid.Payments, rc.TxHash.Hex())
	}

	r = e.do(t, "GET", "/v1/invoices/"+v.ID+"/receipt", tok, nil, nil)
	var receipt struct {
		Status string `json:"status"`
		Lines  []struct {
			Network    string `json:"network"`
			TxHash     string `json:"tx_hash"`
			Amount     string `json:"amount"`
			State      string `json:"state"`
			FiatAmount string `json:"fiat_amount"`
		} `json:"lines"`
	}
	r.json(t, &receipt)
	if r.status != 200 || receipt.Status != "paid" || len(receipt.Lines) != 1 || receipt.Lines[0].Network != "ERC20" ||
		receipt.Lines[0].Amount != "50.000000" || receipt.Lines[0].FiatAmount != "46.00 EUR" || !strings.EqualFold(receipt.Lines[0].TxHash, rc.TxHash.Hex()) {
		t.Fatalf("receipt %d %s", r.status, r.body)
	}
	html := e.do(t, "GET", "/v1/invoices/"+v.ID+"/receipt", tok, map[string]string{"Accept": "text/html"}, nil)
	if html.status != 200 || !strings.HasPrefix(html.header.Get("Content-Type"), "text/html") || !strings.Contains(string(html.body), rc.TxHash.Hex()[2:10]) {
		t.Fatalf("html receipt %d %v", html.status, html.header)
	}
	pub := e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken+"/receipt", "", nil, nil)
	if pub.status != 200 || strings.Contains(string(pub.body), "ORD-SECRET-7") || strings.Contains(string(pub.body), ten) {
		t.Fatalf("public receipt %d %s", pub.status, pub.body)
	}
	if r := e.do(t, "GET", "/v1/invoices/"+v.ID+"/payment-link?chain=ethereum", tok, nil, nil); r.status != 409 || r.errCode() != "invoice_not_payable" {
		t.Fatalf("payment link of a paid invoice: %d %s", r.status, r.body)
	}
}

// Two invoices for the same amount paid back to back (in the same block
// when the chain seals them together) each get their own payment: matched
// by address, never by amount.
func TestInvoiceSameAmountsNeverConfused(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	a := e.createInvoice(t, tok, `{"amount":"7.5","chains":["ethereum"]}`)
	b := e.createInvoice(t, tok, `{"amount":"7.5","chains":["ethereum"]}`)
	_, ec, auth, token := localChain(t)
	var txs []*gethtypes.Transaction
	for _, v := range []invoiceJSON{a, b} {
		tx, err := token.Transfer(auth, common.HexToAddress(v.address(t, "ethereum")), big.NewInt(7_500_000))
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
	}
	var blocks []uint64
	for _, tx := range txs {
		rc, err := bind.WaitMined(context.Background(), ec, tx)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, rc.BlockNumber.Uint64())
	}
	t.Logf("the two payments were mined in blocks %v", blocks)
	for i, v := range []invoiceJSON{a, b} {
		got := e.waitInvoice(t, tok, v.ID, "paid", func(v invoiceJSON) bool { return v.Status == "paid" })
		if len(got.Payments) != 1 || got.Paid != "7.500000" || !strings.EqualFold(got.Payments[0].TxHash, txs[i].Hash().Hex()) {
			t.Fatalf("invoice %d: %+v; want only %s", i, got.Payments, txs[i].Hash().Hex())
		}
	}
}

// An invoice priced in EUR paid on the Tron stand-in by a signed TRC20 transfer.
func TestInvoicePaidOnTron(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	usdt, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatalf("the local stack's Tron token: %v", err)
	}
	// Priced in EUR: 11.50 EUR at the local stack's 0.92 EUR per USDT is 12.5 USDT.
	v := e.createInvoice(t, tok, `{"price":{"currency":"EUR","amount":"11.50"},"chains":["tron"]}`)
	uri := e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken+"/qr?format=uri", "", nil, nil)
	req, err := paylink.Parse(string(uri.body))
	if err != nil || req.To != v.address(t, "tron") || req.Amount != 12_500_000 || req.Token != usdt.Tron() {
		t.Fatalf("tron link %q: %+v %v", uri.body, req, err)
	}
	to, _ := address.Parse(sg.Tron, v.address(t, "tron"))
	sendTronUSDT(t, grid, usdt, to, 12_500_000)
	got := e.waitInvoice(t, tok, v.ID, "paid on Tron", func(v invoiceJSON) bool { return v.Status == "paid" })
	if len(got.Payments) != 1 || got.Payments[0].Chain != "tron" || got.Payments[0].Amount != "12.500000" {
		t.Fatalf("payments %+v", got.Payments)
	}
	var receipt struct {
		Lines []struct{ Network string } `json:"lines"`
	}
	e.do(t, "GET", "/v1/invoices/"+v.ID+"/receipt", tok, nil, nil).json(t, &receipt)
	if len(receipt.Lines) != 1 || receipt.Lines[0].Network != "TRC20" {
		t.Fatalf("receipt lines %+v", receipt.Lines)
	}
}

// Payments that do not match: the rest of a partial payment completes
// the invoice; an overpayment under a refund policy shows what is owed.
func TestInvoicePartialAndOverpaymentsFollowThePolicy(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	put := e.do(t, "PUT", "/v1/invoice-policy", tok, nil,
		[]byte(`{"underpaid":"ask_rest","overpaid":"refund","late_window_seconds":3600,"late":"accept"}`))
	if put.status != 200 {
		t.Fatalf("policy: %d %s", put.status, put.body)
	}
	partial := e.createInvoice(t, tok, `{"amount":"10","chains":["ethereum"]}`)
	over := e.createInvoice(t, tok, `{"amount":"5","chains":["ethereum"]}`)

	sendEthUSDT(t, partial.address(t, "ethereum"), "4")
	e.waitInvoice(t, tok, partial.ID, "partially paid", func(v invoiceJSON) bool {
		return v.Status == "partially_paid" && v.Paid == "4.000000" && v.Remaining == "6.000000"
	})
	sendEthUSDT(t, partial.address(t, "ethereum"), "6")
	e.waitInvoice(t, tok, partial.ID, "paid with the rest", func(v invoiceJSON) bool { return v.Status == "paid" && len(v.Payments) == 2 })

	sendEthUSDT(t, over.address(t, "ethereum"), "8")
	e.waitInvoice(t, tok, over.ID, "overpaid", func(v invoiceJSON) bool { return v.Status == "overpaid" && v.RefundDue == "3.000000" })
}

// Bad input is refused with a named code and writes nothing; another
// tenant's invoice is not found.
func TestInvoiceRefusalsAndTenancy(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	eurQuote := e.do(t, "POST", "/v1/fx-quotes", tok, nil, []byte(`{"currency":"EUR"}`))
	var q struct {
		ID string `json:"id"`
	}
	eurQuote.json(t, &q)
	before := e.footprint(t, ten)
	for _, c := range []struct{ name, body, code, param string }{
		{"an unknown currency", `{"price":{"currency":"XAU","amount":"10"}}`, "currency_unsupported", "price.currency"},
		{"an fx quote for another currency", `{"price":{"currency":"GBP","amount":"10"},"fx_quote_id":"` + q.ID + `"}`, "fx_quote_mismatch", "fx_quote_id"},
		{"an fx quote that does not exist", `{"price":{"currency":"EUR","amount":"10"},"fx_quote_id":"fxq_01JD8Y3Q6A0M7F4R2W9X5K1B3C"}`, "fx_quote_not_found", "fx_quote_id"},
		{"a chain no deployment has", `{"amount":"1","chains":["solana"]}`, "unsupported_chain", "chains"},
		{"an http redirect URL", `{"amount":"1","redirect_url":"http://shop.example/x"}`, "redirect_url_not_https", "redirect_url"},
		{"an unknown field", `{"amount":"1","discount":"5"}`, "unknown_field", "discount"},
		{"both amount and price", `{"amount":"1","price":{"currency":"EUR","amount":"1"}}`, "price_ambiguous", "amount"},
	} {
		t.Run("refuses "+c.name, func(t *testing.T) {
			r := e.do(t, "POST", "/v1/invoices", tok, idem(), []byte(c.body))
			if r.status < 400 || r.status >= 500 || r.errCode() != c.code || r.errParam() != c.param {
				t.Fatalf("got %d %s (param %q); want %s (%s): %s", r.status, r.errCode(), r.errParam(), c.code, c.param, r.body)
			}
			if after := e.footprint(t, ten); after != before {
				t.Fatalf("a refused create wrote: %s -> %s", before, after)
			}
		})
	}
	v := e.createInvoice(t, tok, `{"amount":"3","chains":["ethereum"]}`)
	if r := e.do(t, "GET", "/v1/invoices/"+v.ID+"/payment-link?chain=tron", tok, nil, nil); r.status != 400 || r.errCode() != "chain_not_accepted" {
		t.Fatalf("a link on a chain the invoice does not take: %d %s", r.status, r.body)
	}
	other := invoiceToken(e, t, tenant())
	for _, p := range []struct{ method, path string }{
		{"GET", "/v1/invoices/" + v.ID}, {"GET", "/v1/invoices/" + v.ID + "/receipt"},
		{"GET", "/v1/invoices/" + v.ID + "/payment-link?chain=ethereum"}, {"POST", "/v1/invoices/" + v.ID + "/cancel"},
	} {
		var hdr map[string]string
		if p.method == "POST" {
			hdr = idem()
		}
		if r := e.do(t, p.method, p.path, other, hdr, nil); r.status != 404 || r.errCode() != "not_found" {
			t.Errorf("another tenant's %s %s: %d %s", p.method, p.path, r.status, r.body)
		}
	}
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	e.do(t, "GET", "/v1/invoices", other, nil, nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Errorf("another tenant lists %d invoices", len(list.Data))
	}
	if r := e.do(t, "GET", "/v1/invoices", e.token(t, ten, "wallets:read"), nil, nil); r.status != 403 {
		t.Errorf("a token without invoices:read: %d %s", r.status, r.body)
	}
	// Cancel once; a replay answers the same; the public view follows.
	h := idem()
	first := e.do(t, "POST", "/v1/invoices/"+v.ID+"/cancel", tok, h, nil)
	again := e.do(t, "POST", "/v1/invoices/"+v.ID+"/cancel", tok, h, nil)
	if first.status != 200 || again.status != 200 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("cancel %d %s / replay %d %s", first.status, first.body, again.status, again.body)
	}
	var c struct {
		Status  string            `json:"status"`
		Options []json.RawMessage `json:"options"`
	}
	e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken, "", nil, nil).json(t, &c)
	if c.Status != "cancelled" || len(c.Options) != 0 {
		t.Fatalf("checkout of a cancelled invoice: %+v", c)
	}
}

// The hosted checkout follows its invoice over the WebSocket with the
// checkout token alone: $connect admits ?checkout=<token> (an unknown
// token is refused), the connection subscribes to that checkout only, and
// every change of the invoice is pushed as the public checkout view, up
// to paid, with nothing of the merchant in it.
func TestInvoiceCheckoutPushedOverTheWebSocket(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	v := e.createInvoice(t, tok, `{"amount":"6","chains":["ethereum"],"order_id":"ORD-WS-SECRET"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dial := func(token string) (*websocket.Conn, int, error) {
		c, resp, err := websocket.Dial(ctx, os.Getenv("STABLEGATE_WS_URL")+"/?checkout="+url.QueryEscape(token), nil)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return c, status, err
	}
	if _, status, err := dial("chk_" + strings.Repeat("x", 32)); err == nil || status != 401 {
		t.Fatalf("a connection with an unknown checkout token: %d %v", status, err)
	}
	c, _, err := dial(v.CheckoutToken)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.CloseNow() }()
	read := func() (map[string]any, string) {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("read %s: %v", data, err)
		}
		return m, string(data)
	}
	send := func(msg string) {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"action":"subscribe","wallet_id":"` + v.WalletID + `"}`)
	if m, raw := read(); m["code"] != "checkout_only" {
		t.Fatalf("a checkout connection asked for a wallet: %s", raw)
	}
	send(`{"action":"subscribe_checkout","token":"` + v.CheckoutToken + `"}`)
	if m, raw := read(); m["type"] != "subscribed" || m["invoice"] != v.ID {
		t.Fatalf("subscribe_checkout: %s", raw)
	}
	sendEthUSDT(t, v.address(t, "ethereum"), "6")
	for {
		m, raw := read()
		if m["type"] != "checkout" {
			continue
		}
		for _, secret := range []string{ten, v.WalletID, "ORD-WS-SECRET"} {
			if strings.Contains(raw, secret) {
				t.Fatalf("a pushed checkout holds %q: %s", secret, raw)
			}
		}
		view, _ := m["checkout"].(map[string]any)
		if view["invoice"] != v.ID {
			t.Fatalf("pushed another invoice: %s", raw)
		}
		if view["status"] == "paid" {
			return
		}
	}
}

// An invoice whose time runs out is expired by the scheduled job (every
// second locally); a payment within the policy's late window then
// completes it as paid_late.
func TestInvoiceExpiredThenPaidLate(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := invoiceToken(e, t, ten)
	skipUnlessInvoices(t, e, tok)
	v := e.createInvoice(t, tok, `{"amount":"2","chains":["ethereum"],"expires_in_seconds":60}`)
	for deadline := time.Now().Add(150 * time.Second); ; time.Sleep(time.Second) {
		if got := e.invoice(t, tok, v.ID); got.Status == "expired" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("never expired: %s", got.Status)
		}
	}
	var c struct {
		Status  string            `json:"status"`
		Options []json.RawMessage `json:"options"`
	}
	e.do(t, "GET", "/v1/checkout/"+v.CheckoutToken, "", nil, nil).json(t, &c)
	if c.Status != "expired" || len(c.Options) != 0 {
		t.Fatalf("the checkout of an expired invoice offers %d options (%s)", len(c.Options), c.Status)
	}
	sendEthUSDT(t, v.address(t, "ethereum"), "2")
	got := e.waitInvoice(t, tok, v.ID, "paid late", func(v invoiceJSON) bool { return v.Status == "paid_late" })
	if got.Paid != "2.000000" || got.RefundDue != "0.000000" {
		t.Fatalf("paid late: %+v", got)
	}
}
