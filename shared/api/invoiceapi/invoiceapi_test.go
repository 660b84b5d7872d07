package invoiceapi_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/fxrate"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/paylink"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// The routes run as their functions run them (through httpapi.Wrap), over
// the in-memory twin (shared/memstore), which shared/storetest holds to
// the DynamoDB adapter; invoices get their wallets from the real wallet
// service.

var bg = context.Background()

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// deriver gives wallet index i an Ethereum address 0x…(i+1) and a Tron
// address of the HD test vector's form.
type deriver struct{}

func (deriver) DepositAddress(c sg.Chain, index uint32) (sg.DepositAddress, error) {
	var a address.Account
	binary.BigEndian.PutUint32(a[16:], index+1)
	addr := a.Format(c)
	return sg.DepositAddress{Chain: c, Asset: sg.USDT, Address: addr, Scheme: sg.SchemeBIP32, Path: fmt.Sprintf("m/44'/0'/0'/0/%d", index)}, nil
}

var networks = map[sg.Chain]sg.Network{sg.Ethereum: sg.EthereumMainnet, sg.Tron: sg.TronMainnet}

type env struct {
	t     *testing.T
	clock *testClock
	inv   *memstore.Invoices
	st    *memstore.Store
	svc   *acquiring.Service
	h     invoiceapi.Handlers
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &testClock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	inv := memstore.NewInvoices()
	inv.Now = c.Now
	rates, err := fxrate.ParseStatic("EUR=0.92,CNY=7.10,GBP=0.79,USD=1")
	if err != nil {
		t.Fatal(err)
	}
	ws := &wallet.Service{Store: st, Idem: st, Balances: st, Deriver: deriver{}, Freezes: st, Now: c.Now}
	svc := &acquiring.Service{Store: inv, Policies: inv, Quotes: inv, Rates: rates, Addresses: invoiceapi.InvoiceWallets{Wallets: ws}, Now: c.Now}
	return &env{t: t, clock: c, inv: inv, st: st, svc: svc,
		h: invoiceapi.Handlers{Svc: svc, Idem: st, Networks: networks, PortalURL: "https://pay.example.com/"}}
}

type call struct {
	tenant  string // "acme" when empty
	key     string
	path    map[string]string
	query   map[string]string
	headers map[string]string
	body    string
	public  bool // no authorizer (the checkout routes)
}

type reply struct {
	status  int
	headers map[string]string
	body    string
	b64     bool
}

func (e *env) do(h httpapi.Handler, c call) reply {
	e.t.Helper()
	tenant := c.tenant
	if tenant == "" {
		tenant = "acme"
	}
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: c.body,
		PathParameters: c.path, QueryStringParameters: c.query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": "alice"}, Scopes: []string{invoiceapi.ScopeRead, invoiceapi.ScopeWrite}}}}}
	if c.public {
		req.RequestContext.Authorizer = nil
	}
	if c.key != "" {
		req.Headers["idempotency-key"] = c.key
	}
	for k, v := range c.headers {
		req.Headers[k] = v
	}
	resp, err := httpapi.Wrap("invoices-test", h)(bg, req)
	if err != nil {
		e.t.Fatalf("Wrap returned an error: %v", err)
	}
	return reply{status: resp.StatusCode, headers: resp.Headers, body: resp.Body, b64: resp.IsBase64Encoded}
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (r reply) want(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, status)
	}
}

func (r reply) wantError(t *testing.T, status int, code, param string) {
	t.Helper()
	var e httpapi.ErrorBody
	r.decode(t, &e)
	if r.status != status || e.Error.Code != code || e.Error.Param != param {
		t.Fatalf("got %d %s (param %q); want %d %s (param %q); body %s", r.status, e.Error.Code, e.Error.Param, status, code, param, r.body)
	}
	if e.Error.Message == "" {
		t.Fatalf("error %s has no message", code)
	}
}

// invoiceView is the Invoice schema as a client reads it.
type invoiceView struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Amount        string `json:"amount"`
	Paid          string `json:"paid"`
	CheckoutToken string `json:"checkout_token"`
	CheckoutURL   string `json:"checkout_url"`
	WalletID      string `json:"wallet_id"`
	Fiat          *struct {
		Currency, Amount, Rate string
		QuoteID                string `json:"fx_quote_id"`
	} `json:"fiat"`
	Options []struct {
		Chain, Address, Amount string
		PaymentURI             string `json:"payment_uri"`
	} `json:"options"`
}

func (e *env) create(tenant, key, body string) invoiceView {
	e.t.Helper()
	r := e.do(e.h.Create, call{tenant: tenant, key: key, body: body})
	r.want(e.t, 201)
	var v invoiceView
	r.decode(e.t, &v)
	return v
}

func (e *env) wallets(tenant string) int {
	e.t.Helper()
	ws, _, err := e.st.Wallets(bg, tenant, sg.Page{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(ws)
}

// pay records a confirmed deposit into the invoice's address on chain c,
// as the deposit sink reports it.
func (e *env) pay(tenant string, v invoiceView, c sg.Chain, amount string, ref string) {
	e.t.Helper()
	a, err := sg.ParseAmount(amount, sg.USDTDecimals)
	if err != nil {
		e.t.Fatal(err)
	}
	addr := ""
	for _, o := range v.Options {
		if o.Chain == string(c) {
			addr = o.Address
		}
	}
	err = e.svc.OnDeposit(bg, sg.WalletDeposit{Tenant: tenant, Wallet: v.WalletID, Chain: c, Address: addr, Amount: a, Ref: ref,
		TxHash: "0x" + strings.Repeat("ab", 32), Block: 7, State: sg.DepositConfirmed, Confirmations: 12})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestCreateInvoice(t *testing.T) {
	t.Run("priced in USDT: options on each chain with payment URIs that parse back, and the checkout URL", func(t *testing.T) {
		e := newEnv(t)
		v := e.create("", "k1", `{"amount":"25.5","order_id":"A-1","description":"Tea","metadata":{"k":"v"},"redirect_url":"https://shop.example/done"}`)
		if v.Status != "open" || v.Amount != "25.500000" || v.CheckoutToken == "" || v.WalletID == "" {
			t.Fatalf("invoice %+v", v)
		}
		if want := "https://pay.example.com/checkout/?t=" + v.CheckoutToken; v.CheckoutURL != want {
			t.Errorf("checkout_url %q, want %q", v.CheckoutURL, want)
		}
		if len(v.Options) != 2 {
			t.Fatalf("options %+v", v.Options)
		}
		for _, o := range v.Options {
			r, err := paylink.Parse(o.PaymentURI)
			if err != nil {
				t.Fatalf("%s: %q: %v", o.Chain, o.PaymentURI, err)
			}
			if string(r.Chain) != o.Chain || !strings.EqualFold(r.To, o.Address) || r.Amount != 25_500_000 || r.Token != networks[r.Chain].Token {
				t.Errorf("%s: the URI asks for %+v", o.Chain, r)
			}
		}
	})
	t.Run("priced in EUR at the source's rate, rounded up to the base unit", func(t *testing.T) {
		e := newEnv(t)
		v := e.create("", "k1", `{"price":{"currency":"EUR","amount":"10.00"},"chains":["ethereum"]}`)
		// 10 / 0.92 = 10.869565217... -> 10.869566
		if v.Amount != "10.869566" || v.Fiat == nil || v.Fiat.Currency != "EUR" || v.Fiat.Rate != "0.92" || len(v.Options) != 1 {
			t.Fatalf("invoice %+v fiat %+v", v, v.Fiat)
		}
	})
	t.Run("a replay answers the first body, marked; one wallet made", func(t *testing.T) {
		e := newEnv(t)
		body := `{"amount":"5"}`
		first := e.do(e.h.Create, call{key: "same", body: body})
		first.want(t, 201)
		again := e.do(e.h.Create, call{key: "same", body: body})
		if again.status != 201 || again.body != first.body || again.headers["idempotent-replayed"] != "true" {
			t.Fatalf("replay %d %s %v", again.status, again.body, again.headers)
		}
		if n := e.wallets("acme"); n != 1 {
			t.Errorf("%d wallets after a replay, want 1", n)
		}
		e.do(e.h.Create, call{key: "same", body: `{"amount":"6"}`}).wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")
	})
	refusals := []struct {
		name, key, body string
		status          int
		code, param     string
	}{
		{"an unknown currency", "k", `{"price":{"currency":"XAU","amount":"1"}}`, 400, "currency_unsupported", "price.currency"},
		{"a currency with no rate configured", "k", `{"price":{"currency":"JPY","amount":"100"}}`, 400, "currency_unsupported", "price.currency"},
		{"a fiat amount with too many decimals", "k", `{"price":{"currency":"EUR","amount":"1.001"}}`, 400, "amount_too_precise", "price.amount"},
		{"no price at all", "k", `{"description":"x"}`, 400, "price_ambiguous", "amount"},
		{"both amount and price", "k", `{"amount":"1","price":{"currency":"EUR","amount":"1"}}`, 400, "price_ambiguous", "amount"},
		{"an unknown fx quote", "k", `{"price":{"currency":"EUR","amount":"1"},"fx_quote_id":"fxq_nope"}`, 404, "fx_quote_not_found", "fx_quote_id"},
		{"a chain no deployment has", "k", `{"amount":"1","chains":["bitcoin"]}`, 400, "unsupported_chain", "chains"},
		{"an http redirect URL", "k", `{"amount":"1","redirect_url":"http://shop.example/done"}`, 400, "redirect_url_not_https", "redirect_url"},
		{"an unknown field", "k", `{"amount":"1","tip":"2"}`, 400, "unknown_field", "tip"},
		{"a zero amount", "k", `{"amount":"0"}`, 400, "amount_not_positive", ""},
		{"an expiry under a minute", "k", `{"amount":"1","expires_in_seconds":30}`, 400, "expires_in_out_of_range", "expires_in_seconds"},
		{"a negative expiry", "k", `{"amount":"1","expires_in_seconds":-5}`, 400, "expires_in_out_of_range", "expires_in_seconds"},
		{"no idempotency key", "", `{"amount":"1"}`, 400, "idempotency_key_missing", "Idempotency-Key"},
	}
	for _, c := range refusals {
		t.Run("refuses "+c.name+" and writes nothing", func(t *testing.T) {
			e := newEnv(t)
			before := e.inv.Writes()
			r := e.do(e.h.Create, call{key: c.key, body: c.body})
			var eb httpapi.ErrorBody
			r.decode(t, &eb)
			if r.status != c.status || eb.Error.Code != c.code || (c.param != "" && eb.Error.Param != c.param) {
				t.Fatalf("got %d %s (param %q); want %d %s (param %q)", r.status, eb.Error.Code, eb.Error.Param, c.status, c.code, c.param)
			}
			if e.inv.Writes() != before || e.wallets("acme") != 0 {
				t.Errorf("a refused create wrote: %d invoice writes, %d wallets", e.inv.Writes()-before, e.wallets("acme"))
			}
		})
	}
}

func TestFxQuotes(t *testing.T) {
	e := newEnv(t)
	r := e.do(e.h.QuoteFx, call{body: `{"currency":"CNY"}`})
	r.want(t, 201)
	var q invoiceapi.FxQuoteView
	r.decode(t, &q)
	if q.Object != "fx_quote" || q.Rate != "7.10" || q.Currency != "CNY" || !strings.HasPrefix(q.ID, "fxq_") {
		t.Fatalf("quote %+v", q)
	}
	t.Run("an invoice priced with the quote keeps its rate", func(t *testing.T) {
		v := e.create("", "q1", `{"price":{"currency":"CNY","amount":"71.00"},"fx_quote_id":"`+q.ID+`"}`)
		if v.Amount != "10.000000" || v.Fiat.QuoteID != q.ID {
			t.Fatalf("invoice %+v %+v", v, v.Fiat)
		}
	})
	t.Run("another tenant cannot use it", func(t *testing.T) {
		e.do(e.h.Create, call{tenant: "globex", key: "q2", body: `{"price":{"currency":"CNY","amount":"1"},"fx_quote_id":"` + q.ID + `"}`}).
			wantError(t, 404, "fx_quote_not_found", "fx_quote_id")
	})
	t.Run("an expired quote is refused and nothing is written", func(t *testing.T) {
		e.clock.Add(sg.FxQuoteTTL + time.Second)
		before := e.inv.Writes()
		e.do(e.h.Create, call{key: "q3", body: `{"price":{"currency":"CNY","amount":"1"},"fx_quote_id":"` + q.ID + `"}`}).
			wantError(t, 422, "rate_expired", "fx_quote_id")
		if e.inv.Writes() != before {
			t.Error("an expired quote wrote")
		}
	})
	t.Run("an unsupported currency is refused by name", func(t *testing.T) {
		e.do(e.h.QuoteFx, call{body: `{"currency":"XAU"}`}).wantError(t, 400, "currency_unsupported", "currency")
		e.do(e.h.QuoteFx, call{body: `{"currency":"EUR","x":1}`}).wantError(t, 400, "unknown_field", "x")
	})
}

func TestGetListCancel(t *testing.T) {
	e := newEnv(t)
	a := e.create("", "a", `{"amount":"1","order_id":"O-1"}`)
	e.clock.Add(time.Minute)
	b := e.create("", "b", `{"amount":"2","order_id":"O-2"}`)
	other := e.create("globex", "a", `{"amount":"3"}`)

	t.Run("get answers the tenant's invoice; another tenant's is not found", func(t *testing.T) {
		var v invoiceView
		r := e.do(e.h.Get, call{path: map[string]string{"invoice_id": a.ID}})
		r.want(t, 200)
		r.decode(t, &v)
		if v.ID != a.ID || v.CheckoutToken != a.CheckoutToken {
			t.Fatalf("got %+v", v)
		}
		e.do(e.h.Get, call{path: map[string]string{"invoice_id": other.ID}}).wantError(t, 404, "not_found", "invoice_id")
		e.do(e.h.Get, call{path: map[string]string{"invoice_id": "nonsense"}}).wantError(t, 404, "not_found", "invoice_id")
	})
	t.Run("list is newest first and filters", func(t *testing.T) {
		var l struct {
			Data []invoiceView `json:"data"`
		}
		r := e.do(e.h.List, call{})
		r.want(t, 200)
		r.decode(t, &l)
		if len(l.Data) != 2 || l.Data[0].ID != b.ID || l.Data[1].ID != a.ID {
			t.Fatalf("list %+v", l.Data)
		}
		e.do(e.h.List, call{query: map[string]string{"order_id": "O-1"}}).decode(t, &l)
		if len(l.Data) != 1 || l.Data[0].ID != a.ID {
			t.Fatalf("order filter %+v", l.Data)
		}
		e.do(e.h.List, call{query: map[string]string{"created_from": "2026-12-06T09:00:30Z"}}).decode(t, &l)
		if len(l.Data) != 1 || l.Data[0].ID != b.ID {
			t.Fatalf("created_from filter %+v", l.Data)
		}
		e.do(e.h.List, call{query: map[string]string{"status": "paid"}}).decode(t, &l)
		if len(l.Data) != 0 {
			t.Fatalf("status filter %+v", l.Data)
		}
		e.do(e.h.List, call{query: map[string]string{"status": "bogus"}}).wantError(t, 400, "validation_failed", "status")
		e.do(e.h.List, call{query: map[string]string{"created_to": "yesterday"}}).wantError(t, 400, "validation_failed", "created_to")
		e.do(e.h.List, call{query: map[string]string{"limit": "0"}}).wantError(t, 400, "validation_failed", "limit")
	})
	t.Run("cancel: once, replayed under its key, refused after", func(t *testing.T) {
		path := map[string]string{"invoice_id": a.ID}
		r := e.do(e.h.Cancel, call{key: "c1", path: path})
		r.want(t, 200)
		var v invoiceView
		r.decode(t, &v)
		if v.Status != "cancelled" {
			t.Fatalf("status %s", v.Status)
		}
		again := e.do(e.h.Cancel, call{key: "c1", path: path})
		if again.status != 200 || again.body != r.body || again.headers["idempotent-replayed"] != "true" {
			t.Fatalf("replay %d %s", again.status, again.body)
		}
		e.do(e.h.Cancel, call{key: "c2", path: path}).wantError(t, 409, "invoice_not_cancellable", "")
		e.do(e.h.Cancel, call{key: "c1", path: map[string]string{"invoice_id": b.ID}}).wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")
		e.do(e.h.Cancel, call{path: map[string]string{"invoice_id": b.ID}}).wantError(t, 400, "idempotency_key_missing", "Idempotency-Key")
		e.do(e.h.Cancel, call{key: "c3", path: map[string]string{"invoice_id": other.ID}}).wantError(t, 404, "not_found", "invoice_id")
	})
}

func TestPaymentLink(t *testing.T) {
	e := newEnv(t)
	v := e.create("", "a", `{"amount":"12.34","chains":["tron"]}`)
	path := map[string]string{"invoice_id": v.ID}
	t.Run("uri is the invoice's address and amount", func(t *testing.T) {
		r := e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"format": "uri"}})
		r.want(t, 200)
		req, err := paylink.Parse(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if req.To != v.Options[0].Address || req.Amount != 12_340_000 || req.Chain != sg.Tron {
			t.Fatalf("request %+v for %+v", req, v.Options[0])
		}
	})
	t.Run("png and ndef come base64-encoded with their content types", func(t *testing.T) {
		r := e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"chain": "tron", "format": "png"}})
		r.want(t, 200)
		png, err := base64.StdEncoding.DecodeString(r.body)
		if err != nil || !r.b64 || r.headers["content-type"] != "image/png" || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Fatalf("png: %v %v %q", err, r.b64, r.headers)
		}
		r = e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"format": "ndef"}})
		r.want(t, 200)
		if !strings.HasPrefix(r.headers["content-disposition"], "attachment; filename=") {
			t.Errorf("ndef headers %v", r.headers)
		}
	})
	t.Run("refusals are named", func(t *testing.T) {
		e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"chain": "ethereum"}}).wantError(t, 400, "chain_not_accepted", "chain")
		e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"chain": "doge"}}).wantError(t, 400, "unsupported_chain", "chain")
		e.do(e.h.PaymentLink, call{path: path, query: map[string]string{"format": "gif"}}).wantError(t, 400, "payment_link_format_unknown", "format")
	})
	t.Run("a paid invoice has no link", func(t *testing.T) {
		e.pay("acme", v, sg.Tron, "12.34", "ref-1")
		e.do(e.h.PaymentLink, call{path: path}).wantError(t, 409, "invoice_not_payable", "")
	})
}

func TestReceipt(t *testing.T) {
	e := newEnv(t)
	v := e.create("", "a", `{"price":{"currency":"EUR","amount":"9.20"},"order_id":"O-9","chains":["ethereum"]}`)
	path := map[string]string{"invoice_id": v.ID}
	e.do(e.h.Receipt, call{path: path}).wantError(t, 409, "invoice_not_paid", "")
	e.pay("acme", v, sg.Ethereum, "10", "ref-1")
	t.Run("JSON lists each payment", func(t *testing.T) {
		r := e.do(e.h.Receipt, call{path: path})
		r.want(t, 200)
		var rc invoiceapi.ReceiptView
		r.decode(t, &rc)
		if rc.Object != "receipt" || rc.Status != "paid" || len(rc.Lines) != 1 || rc.Lines[0].Amount != "10.000000" || rc.Lines[0].Network != "ERC20" ||
			rc.Lines[0].FiatAmount != "9.20 EUR" {
			t.Fatalf("receipt %+v", rc)
		}
	})
	for _, c := range []call{{path: path, query: map[string]string{"format": "html"}}, {path: path, headers: map[string]string{"accept": "text/html,*/*"}}} {
		r := e.do(e.h.Receipt, c)
		r.want(t, 200)
		if !strings.HasPrefix(r.headers["content-type"], "text/html") || !strings.Contains(r.body, v.ID) || r.headers["content-security-policy"] == "" {
			t.Errorf("html receipt %v", r.headers)
		}
	}
	e.do(e.h.Receipt, call{path: path, query: map[string]string{"format": "pdf"}}).wantError(t, 400, "validation_failed", "format")
	e.do(e.h.Receipt, call{tenant: "globex", path: path}).wantError(t, 404, "not_found", "invoice_id")
}

func TestCheckoutPublic(t *testing.T) {
	e := newEnv(t)
	v := e.create("", "a", `{"amount":"3","order_id":"SECRET-ORDER","metadata":{"customer":"SECRET-META"},"chains":["ethereum"]}`)
	tok := map[string]string{"token": v.CheckoutToken}
	t.Run("the view tells the payer what to pay and nothing of the merchant", func(t *testing.T) {
		r := e.do(invoiceapi.Public(e.h.Checkout), call{public: true, path: tok})
		r.want(t, 200)
		if r.headers["access-control-allow-origin"] != "*" {
			t.Errorf("no CORS header: %v", r.headers)
		}
		for _, secret := range []string{"acme", v.WalletID, "SECRET-ORDER", "SECRET-META", "tenant", "wallet"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("the public view holds %q: %s", secret, r.body)
			}
		}
		var c struct {
			Status  string
			Options []struct {
				Address    string
				PaymentURI string `json:"payment_uri"`
			}
		}
		r.decode(t, &c)
		if c.Status != "open" || len(c.Options) != 1 || c.Options[0].PaymentURI == "" {
			t.Fatalf("checkout %s", r.body)
		}
	})
	t.Run("an unknown or malformed token is not found, with CORS", func(t *testing.T) {
		for _, bad := range []string{"chk_" + strings.Repeat("A", 32), "x", "../../etc"} {
			r := e.do(invoiceapi.Public(e.h.Checkout), call{public: true, path: map[string]string{"token": bad}})
			r.wantError(t, 404, "not_found", "token")
			if r.headers["access-control-allow-origin"] != "*" {
				t.Errorf("no CORS header on a refusal")
			}
		}
	})
	t.Run("qr: svg by default, uri parses to the invoice's address and amount", func(t *testing.T) {
		r := e.do(invoiceapi.Public(e.h.CheckoutQR), call{public: true, path: tok})
		r.want(t, 200)
		if r.headers["content-type"] != "image/svg+xml" || !strings.Contains(r.body, "<svg") {
			t.Fatalf("qr %v", r.headers)
		}
		r = e.do(invoiceapi.Public(e.h.CheckoutQR), call{public: true, path: tok, query: map[string]string{"format": "uri"}})
		req, err := paylink.Parse(r.body)
		if err != nil || !strings.EqualFold(req.To, v.Options[0].Address) || req.Amount != 3_000_000 {
			t.Fatalf("uri %q: %+v %v", r.body, req, err)
		}
		e.do(invoiceapi.Public(e.h.CheckoutQR), call{public: true, path: tok, query: map[string]string{"chain": "tron"}}).wantError(t, 400, "chain_not_accepted", "chain")
	})
	t.Run("receipt: refused until paid, then HTML without the order id", func(t *testing.T) {
		e.do(invoiceapi.Public(e.h.CheckoutReceipt), call{public: true, path: tok}).wantError(t, 409, "invoice_not_paid", "")
		e.pay("acme", v, sg.Ethereum, "3", "ref-1")
		r := e.do(invoiceapi.Public(e.h.CheckoutReceipt), call{public: true, path: tok})
		r.want(t, 200)
		if strings.Contains(r.body, "SECRET-ORDER") || strings.Contains(r.body, "acme") || !strings.Contains(r.body, "3.000000") {
			t.Errorf("public receipt: %s", r.body)
		}
	})
}

func TestPolicy(t *testing.T) {
	e := newEnv(t)
	var p invoiceapi.PolicyView
	r := e.do(e.h.GetPolicy, call{})
	r.want(t, 200)
	r.decode(t, &p)
	if p.Underpaid != sg.UnderpaidAskRest || p.Overpaid != sg.OverpaidCredit || p.LateWindowSeconds != 3600 || p.Late != sg.LateAccept {
		t.Fatalf("default policy %+v", p)
	}
	body := `{"underpaid":"accept_within_tolerance","underpaid_tolerance":"0.5","overpaid":"refund","late_window_seconds":600,"late":"refund"}`
	e.do(e.h.PutPolicy, call{body: body}).want(t, 200)
	e.do(e.h.GetPolicy, call{}).decode(t, &p)
	if p.Underpaid != sg.UnderpaidAcceptTolerance || p.UnderpaidTolerance != "0.500000" || p.Overpaid != "refund" || p.LateWindowSeconds != 600 {
		t.Fatalf("policy %+v", p)
	}
	t.Run("another tenant keeps the default", func(t *testing.T) {
		e.do(e.h.GetPolicy, call{tenant: "globex"}).decode(t, &p)
		if p.Overpaid != sg.OverpaidCredit {
			t.Fatalf("globex %+v", p)
		}
	})
	t.Run("the policy decides an underpayment", func(t *testing.T) {
		v := e.create("", "u", `{"amount":"10","chains":["ethereum"]}`)
		e.pay("acme", v, sg.Ethereum, "9.6", "ref-u")
		var got invoiceView
		e.do(e.h.Get, call{path: map[string]string{"invoice_id": v.ID}}).decode(t, &got)
		if got.Status != "paid" {
			t.Fatalf("9.6 of 10 within a 0.5 tolerance: %s", got.Status)
		}
	})
	for _, c := range []struct{ name, body, code, param string }{
		{"an unknown underpaid rule", `{"underpaid":"shrug","overpaid":"credit","late_window_seconds":0,"late":"accept"}`, "validation_failed", "underpaid"},
		{"a window over 30 days", `{"underpaid":"ask_rest","overpaid":"credit","late_window_seconds":2592001,"late":"accept"}`, "validation_failed", "late_window_seconds"},
		{"a bad tolerance", `{"underpaid":"ask_rest","underpaid_tolerance":"-1","overpaid":"credit","late_window_seconds":0,"late":"accept"}`, "amount_invalid", "underpaid_tolerance"},
		{"an unknown field", `{"underpaid":"ask_rest","overpaid":"credit","late_window_seconds":0,"late":"accept","x":1}`, "unknown_field", "x"},
	} {
		t.Run("refuses "+c.name, func(t *testing.T) {
			e.do(e.h.PutPolicy, call{body: c.body}).wantError(t, 400, c.code, c.param)
		})
	}
}

func TestInvoiceWalletsOnePerInvoice(t *testing.T) {
	e := newEnv(t)
	w := invoiceapi.InvoiceWallets{Wallets: &wallet.Service{Store: e.st, Idem: e.st, Balances: e.st, Deriver: deriver{}, Freezes: e.st, Now: e.clock.Now}}
	id := sg.NewID("inv", e.clock.Now())
	a, err := w.NewInvoiceWallet(bg, "acme", id, sg.Chains)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.NewInvoiceWallet(bg, "acme", id, sg.Chains)
	if err != nil || b.ID != a.ID {
		t.Fatalf("a retry made %s (%v); the first was %s", b.ID, err, a.ID)
	}
	c, err := w.NewInvoiceWallet(bg, "acme", sg.NewID("inv", e.clock.Now().Add(time.Second)), sg.Chains)
	if err != nil || c.ID == a.ID || c.Addresses[0].Address == a.Addresses[0].Address {
		t.Fatalf("another invoice shares the wallet or address: %+v %+v", a, c)
	}
	if _, err := w.NewInvoiceWallet(bg, "acme", "wal_x", sg.Chains); err == nil {
		t.Fatal("a wallet for what is no invoice id")
	}
}

// FuzzCreateInvoice sends any body to the create route: it is refused or
// created, never a fault of ours, and a refusal writes nothing.
func FuzzCreateInvoice(f *testing.F) {
	for _, s := range []string{`{"amount":"1"}`, `{"price":{"currency":"EUR","amount":"10.00"}}`, `{"amount":"1","chains":["tron","tron"]}`,
		`{"amount":"1","expires_in_seconds":9223372036854775807}`, `{"amount":"1","metadata":{"":"x"}}`, `{"price":null}`, `[]`, `{"amount":1}`,
		`{"amount":"1","redirect_url":"https://u@x/"}`, `{"price":{"currency":"JPY","amount":"1e3"}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newEnv(t)
		before := e.inv.Writes()
		r := e.do(e.h.Create, call{key: "k", body: body})
		switch {
		case r.status >= 500:
			t.Fatalf("%q: %d %s", body, r.status, r.body)
		case r.status != 201 && e.inv.Writes() != before:
			t.Fatalf("%q refused (%d) but wrote", body, r.status)
		}
	})
}

// FuzzInvoiceQueries reads any list filter and link query: refused by
// name or answered, never a fault.
func FuzzInvoiceQueries(f *testing.F) {
	f.Add("paid", "O-1", "2026-12-06T09:00:00Z", "", "tron", "png", "html")
	f.Add("", "", "", "2026-12-06T09:00:00+01:00", "ethereum", "ndef", "json")
	f.Add("x", "\x00", "not a time", "2026", "bitcoin", "gif", "pdf")
	f.Fuzz(func(t *testing.T, status, order, from, to, chain, format, rformat string) {
		e := newEnv(t)
		v := e.create("", "k", `{"amount":"1"}`)
		q := map[string]string{"status": status, "order_id": order, "created_from": from, "created_to": to}
		for k, x := range q {
			if x == "" {
				delete(q, k)
			}
		}
		for _, r := range []reply{
			e.do(e.h.List, call{query: q}),
			e.do(e.h.PaymentLink, call{path: map[string]string{"invoice_id": v.ID}, query: map[string]string{"chain": chain, "format": format}}),
			e.do(e.h.Receipt, call{path: map[string]string{"invoice_id": v.ID}, query: map[string]string{"format": rformat}}),
			e.do(invoiceapi.Public(e.h.CheckoutQR), call{public: true, path: map[string]string{"token": chain}, query: map[string]string{"format": format}}),
		} {
			if r.status >= 500 {
				t.Fatalf("%d %s", r.status, r.body)
			}
		}
	})
}
