package tests

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type refundLinkJSON struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	InvoiceID string `json:"invoice_id"`
	Amount    string `json:"amount"`
	Status    string `json:"status"`
	Token     string `json:"token"`
	URL       string `json:"url"`
	ToAddress string `json:"to_address"`
	Refund    *struct {
		ID, Type, Amount string
		State            string `json:"state"`
		ToAddress        string `json:"to_address"`
	} `json:"refund"`
}

// A payer who paid from an exchange gets a refund link: the merchant asks
// for it instead of an address, the payer reads it and gives an address
// with no token of the merchant's, and the refund is paid there through
// the withdrawal pipeline, once, whoever claims it how often; the refund
// cap holds across the link and the merchant's own refunds.
func TestRefundLinkPaysTheAddressThePayerGives(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "invoices:read", "invoices:write", "wallets:read", "transfers:read")
	skipUnlessInvoices(t, e, tok)
	inv := e.createInvoice(t, tok, `{"amount":"10","chains":["tron"]}`)
	usdt, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatalf("the local stack's Tron token: %v", err)
	}
	to, _ := address.Parse(sg.Tron, inv.address(t, "tron"))
	sendTronUSDT(t, &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}, usdt, to, 10_000_000)
	e.waitInvoice(t, tok, inv.ID, "paid on Tron", func(v invoiceJSON) bool { return v.Status == "paid" })

	refund := func(h map[string]string, body string) reply {
		h["Content-Type"] = "application/json"
		return e.do(t, "POST", "/v1/invoices/"+inv.ID+"/refunds", tok, h, []byte(body))
	}
	if r := refund(idem(), `{"amount":"1","payer_link":true,"to_address":"`+tronPayee()+`"}`); r.status != 400 || r.errCode() != "validation_failed" {
		t.Fatalf("a link and an address: %d %s", r.status, r.body)
	}
	if r := refund(idem(), `{"amount":"10.000001","payer_link":true}`); r.status != 422 || r.errCode() != "refund_exceeds_paid" {
		t.Fatalf("a link above what was paid: %d %s", r.status, r.body)
	}
	h := idem()
	var link, again refundLinkJSON
	r := refund(h, `{"amount":"4","payer_link":true,"reason":"paid from an exchange"}`)
	if r.status != 201 {
		t.Fatalf("refund link: %d %s", r.status, r.body)
	}
	r.json(t, &link)
	replay := refund(h, `{"amount":"4","payer_link":true,"reason":"paid from an exchange"}`)
	replay.json(t, &again)
	portal := os.Getenv("STABLEGATE_PORTAL_URL")
	if portal == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	if link.Object != "refund_link" || link.Status != "awaiting_address" || !strings.HasPrefix(link.Token, "rfl_") ||
		link.URL != portal+"/refund/?t="+link.Token || again.Token != link.Token || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("link %+v (%s), its replay %+v", link, r.body, again)
	}

	// The payer's side: no JWT, nothing of the merchant.
	var seen refundLinkJSON
	pub := e.do(t, "GET", "/v1/refund-links/"+link.Token, "", nil, nil)
	pub.json(t, &seen)
	if pub.status != 200 || seen.Amount != "4.000000" || seen.Status != "awaiting_address" || seen.Token != "" || seen.InvoiceID != "" ||
		strings.Contains(string(pub.body), ten) || pub.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("the payer's view: %d %s", pub.status, pub.body)
	}
	if r := e.do(t, "GET", "/v1/refund-links/rfl_"+randHex(16), "", nil, nil); r.status != 404 {
		t.Fatalf("an unknown link: %d %s", r.status, r.body)
	}
	claim := func(h map[string]string, addr string) reply {
		h["Content-Type"] = "application/json"
		return e.do(t, "POST", "/v1/refund-links/"+link.Token, "", h, []byte(`{"to_address":"`+addr+`"}`))
	}
	if r := claim(map[string]string{}, tronPayee()); r.status != 400 || r.errCode() != "idempotency_key_missing" {
		t.Fatalf("a claim with no Idempotency-Key: %d %s", r.status, r.body)
	}
	if r := claim(idem(), "0x52908400098527886E0F7030069857D2E4169EE7"); r.status != 400 {
		t.Fatalf("an Ethereum address for a Tron refund: %d %s", r.status, r.body)
	}
	// The payer claims on the hosted page, in a browser at phone size.
	payee := tronPayee()
	ctx := phone(t)
	run(t, ctx, "open the refund page", chromedp.Navigate(link.URL))
	run(t, ctx, "the form", chromedp.WaitVisible(chromedp.ID("rf-form")))
	if got := run(t, ctx, "amount", chromedp.Evaluate[string](jsText("rf-amount"))); got != "4.000000" {
		t.Fatalf("the page shows %q", got)
	}
	run(t, ctx, "type the address", chromedp.SendKeys(chromedp.ID("rf-address"), payee))
	run(t, ctx, "send", chromedp.Click(chromedp.ID("rf-submit")))
	run(t, ctx, "the refund", chromedp.WaitVisible(chromedp.ID("rf-done")))
	if got := run(t, ctx, "paid to", chromedp.Evaluate[string](jsText("rf-done-to"))); got != payee {
		t.Fatalf("the page says the refund goes to %q", got)
	}
	shot(t, ctx, "refund-claimed")
	var claimed refundLinkJSON
	e.do(t, "GET", "/v1/refund-links/"+link.Token, "", nil, nil).json(t, &claimed)
	if claimed.Status != "claimed" || claimed.ToAddress != payee || claimed.Refund == nil || claimed.Refund.Type != "withdrawal" ||
		claimed.Refund.Amount != "4.000000" || claimed.Refund.ToAddress != payee {
		t.Fatalf("claimed: %+v", claimed)
	}
	ck := idem()
	if r := claim(ck, payee); r.status != 201 {
		t.Fatalf("the claim again through the API: %d %s", r.status, r.body)
	}
	// Once: the same claim again (another key) answers the same refund;
	// another address is refused; the key reused for it too.
	var twice refundLinkJSON
	claim(idem(), payee).json(t, &twice)
	if twice.Refund == nil || twice.Refund.ID != claimed.Refund.ID {
		t.Fatalf("the claim again: %+v", twice)
	}
	if r := claim(idem(), tronPayee()); r.status != 409 || r.errCode() != "refund_link_used" {
		t.Fatalf("a claim for another address: %d %s", r.status, r.body)
	}
	if r := claim(ck, tronPayee()); r.status != 409 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("the claim's key with another address: %d %s", r.status, r.body)
	}
	// The cap holds across paths: 4 claimed, so 6.000001 more is refused.
	if r := refund(idem(), `{"amount":"6.000001","to_address":"`+tronPayee()+`"}`); r.status != 422 || r.errCode() != "refund_exceeds_paid" {
		t.Fatalf("a refund above what is left after the claim: %d %s", r.status, r.body)
	}
	w := e.waitState(t, tok, claimed.Refund.ID, "posted")
	if w.ToAddress != payee {
		t.Fatalf("the refund paid %+v", w)
	}
}
