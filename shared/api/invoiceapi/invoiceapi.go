// Package invoiceapi serves merchant invoices over HTTP: create (priced in
// USDT or in a fiat currency at a locked rate), read, list, cancel, payment
// links and QR codes, receipts (JSON and printable HTML), fx quotes and the
// tenant's invoice policy; and the hosted checkout's public routes, which a
// payer's browser calls with the invoice's checkout token and no JWT. The
// rules live in shared/acquiring; this package decodes, validates and
// renders in the shapes of infra/openapi.yaml.
package invoiceapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/checkoutview"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/paylink"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Scopes of the invoice routes (the checkout routes need none).
const (
	ScopeWrite = "invoices:write"
	ScopeRead  = "invoices:read"
)

// OpCancel names an invoice's cancellation in idempotency records.
const OpCancel = "invoices.cancel"

// CancelLease is how long a cancel holds its idempotency key before
// answering (a crashed call's key is free again after it).
const CancelLease = 30 * time.Second

// Named refusals of these routes.
var (
	// ErrInvoiceNotPaid: a receipt is issued only for a paid, overpaid or
	// paid_late invoice.
	ErrInvoiceNotPaid = &sg.Error{Kind: sg.KindConflict, Code: "invoice_not_paid",
		Message: "a receipt is issued once the invoice is paid, overpaid or paid late"}
	// ErrInvoiceNotPayable: a payment link or QR code is given only while
	// the invoice awaits payment (open or partially paid, not expired).
	ErrInvoiceNotPayable = &sg.Error{Kind: sg.KindConflict, Code: "invoice_not_payable",
		Message: "the invoice no longer awaits payment, so it has no payment link"}
)

// Handlers serve the invoice routes.
type Handlers struct {
	Svc *acquiring.Service
	// Idem holds the cancel route's idempotency keys.
	Idem sg.IdempotencyClaims
	// Networks are the deployment's networks (token contract, chain id)
	// payment links are written for; a chain missing here has no link.
	Networks map[sg.Chain]sg.Network
	// PortalURL is the portal's base URL ("https://pay.example.com"): the
	// checkout page is PortalURL/checkout/?t=<token>. "" gives no
	// checkout_url.
	PortalURL string
	// Fees finds the settlement line of a paid invoice, for the fee line
	// of its receipt (nil: receipts list no fees).
	Fees sg.SettlementLineFinder
	// Shown is the fee the merchant is shown for an invoice on a chain
	// (the schedule in force when it was made, on its amount; the most
	// its settlement will charge). Nil: invoices carry no fee preview.
	Shown FeeShower
}

// FeeShower is settlement.Fees' preview of an invoice's fee.
type FeeShower interface {
	Shown(ctx context.Context, inv sg.Invoice, c sg.Chain) (sg.Fee, error)
}

// FeePreview is the fee of an invoice on one chain it accepts, shown
// before it is paid: never more is charged.
type FeePreview struct {
	Chain           string `json:"chain"`
	Fee             string `json:"fee"`
	Net             string `json:"net"`
	ScheduleVersion int64  `json:"schedule_version"`
}

// withFees adds the fee preview to one invoice's view (not to lists: a
// read per invoice).
func (h Handlers) withFees(ctx context.Context, inv sg.Invoice, v InvoiceView) (InvoiceView, error) {
	if h.Shown == nil {
		return v, nil
	}
	for _, c := range inv.Chains {
		f, err := h.Shown.Shown(ctx, inv, c)
		if err != nil {
			return v, err
		}
		v.FeePreview = append(v.FeePreview, FeePreview{Chain: string(c), Fee: f.Amount.String(), Net: (inv.Amount - f.Amount).String(),
			ScheduleVersion: f.ScheduleVersion})
	}
	return v, nil
}

// Price is a fiat price: an ISO 4217 currency and an amount in its minor units.
type Price struct {
	Currency string `json:"currency" validate:"required,len=3"`
	Amount   string `json:"amount" validate:"required,max=40"`
}

// CreateRequest is the body of POST /v1/invoices: amount (USDT) or price.
type CreateRequest struct {
	Amount           string            `json:"amount,omitempty" validate:"max=40"`
	Price            *Price            `json:"price,omitempty"`
	FxQuoteID        string            `json:"fx_quote_id,omitempty" validate:"max=64"`
	Chains           []string          `json:"chains,omitempty" validate:"max=4"`
	ExpiresInSeconds int64             `json:"expires_in_seconds,omitempty"`
	OrderID          string            `json:"order_id,omitempty" validate:"max=200"`
	Description      string            `json:"description,omitempty" validate:"max=1000"`
	Metadata         map[string]string `json:"metadata,omitempty" validate:"max=20"`
	RedirectURL      string            `json:"redirect_url,omitempty" validate:"max=2048"`
}

// The payer's views (package checkoutview, apart so that the stream
// consumer pushing them links no request handling).
type (
	// OptionView is one way to pay with its payment URI.
	OptionView = checkoutview.OptionView
	// CheckoutView is the public Checkout schema.
	CheckoutView = checkoutview.CheckoutView
)

// InvoiceView is the Invoice schema: the acquiring view with the hosted
// checkout's URL and the options' payment URIs.
type InvoiceView struct {
	acquiring.View
	Options     []OptionView `json:"options"`
	CheckoutURL string       `json:"checkout_url,omitempty"`
	FeePreview  []FeePreview `json:"fee_preview,omitempty"`
}

func (h Handlers) view(inv sg.Invoice) InvoiceView {
	v := InvoiceView{View: acquiring.ViewOf(inv, true), Options: h.options(h.payable(inv), acquiring.ViewOf(inv, false).Options)}
	v.View.Options = nil
	if h.PortalURL != "" && inv.CheckoutToken != "" {
		v.CheckoutURL = strings.TrimRight(h.PortalURL, "/") + "/checkout/?t=" + url.QueryEscape(inv.CheckoutToken)
	}
	return v
}

// options adds the payment URI to each option while the invoice awaits payment.
func (h Handlers) options(payable bool, in []acquiring.OptionView) []OptionView {
	return checkoutview.Networks(h.Networks).Options(payable, in)
}

// request is the payment request of an option.
func (h Handlers) request(o acquiring.OptionView) (paylink.Request, error) {
	return checkoutview.Networks(h.Networks).Request(o)
}

// params maps the service's parameter names to the request's.
var params = map[string]string{"fiat_currency": "price.currency", "fiat_amount": "price.amount", "expires_in": "expires_in_seconds"}

func renamed(err error) error {
	var e *sg.Error
	if !errors.As(err, &e) {
		return err
	}
	if p, ok := params[e.Param]; ok {
		e = e.WithParam(p)
	}
	if e.Code == sg.ErrPriceAmbiguous.Code {
		e = e.WithMessage("give either amount (USDT) or price {currency, amount}")
	}
	return e
}

// maxExpires bounds expires_in_seconds before it becomes a duration (the
// service refuses anything above 30 days with a named code).
const maxExpires = int64(365 * 24 * 3600)

// Create is POST /v1/invoices.
func (h Handlers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	in := acquiring.CreateInvoice{Amount: body.Amount, FxQuoteID: body.FxQuoteID, OrderID: body.OrderID,
		Description: body.Description, Metadata: body.Metadata, RedirectURL: body.RedirectURL}
	if body.Price != nil {
		in.FiatCurrency, in.FiatAmount = body.Price.Currency, body.Price.Amount
	}
	for _, c := range body.Chains {
		in.Chains = append(in.Chains, sg.Chain(c))
	}
	switch s := body.ExpiresInSeconds; {
	case s < 0 || s > maxExpires:
		return httpapi.Response{}, sg.ErrExpiresInRange.WithParam("expires_in_seconds")
	case s > 0:
		in.ExpiresIn = time.Duration(s) * time.Second
	}
	idem := acquiring.Idem{Key: key, Hash: httpapi.RequestHash(acquiring.OpCreate, body)}
	r, err := h.Svc.Create(ctx, p.TenantID, in, idem, func(inv sg.Invoice) (int, []byte, error) {
		v, err := h.withFees(ctx, inv, h.view(inv))
		if err != nil {
			return 0, nil, err
		}
		b, err := json.Marshal(v)
		return http.StatusCreated, b, err
	})
	if err != nil {
		return httpapi.Response{}, renamed(err)
	}
	if r.Replayed {
		return httpapi.Replay(sg.Idempotency{Status: r.Status, Response: r.Body}), nil
	}
	return httpapi.Raw(r.Status, r.Body), nil
}

// invoice reads the tenant's invoice named in the path.
func (h Handlers) invoice(ctx context.Context, req httpapi.Request) (sg.Invoice, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return sg.Invoice{}, err
	}
	return h.Svc.Get(ctx, p.TenantID, req.PathParameters["invoice_id"])
}

// Get is GET /v1/invoices/{invoice_id}.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	inv, err := h.invoice(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	v, err := h.withFees(ctx, inv, h.view(inv))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// FilterOf reads ?status=&order_id=&created_from=&created_to=.
func FilterOf(q map[string]string) (sg.InvoiceFilter, error) {
	var f sg.InvoiceFilter
	if v, ok := q["status"]; ok {
		if !sg.InvoiceStatus(v).Valid() {
			return f, sg.ErrValidation.WithParam("status").WithMessage("status must be open, partially_paid, paid, overpaid, expired, paid_late or cancelled")
		}
		f.Status = sg.InvoiceStatus(v)
	}
	if v, ok := q["order_id"]; ok {
		if v == "" || len(v) > acquiring.MaxOrderID {
			return f, sg.ErrValidation.WithParam("order_id")
		}
		f.OrderID = v
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"created_from", &f.CreatedFrom}, {"created_to", &f.CreatedTo}} {
		if v, ok := q[p.name]; ok {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, sg.ErrValidation.WithParam(p.name).WithMessage("%s must be an RFC 3339 time such as 2026-11-01T00:00:00Z", p.name)
			}
			*p.dst = t.UTC()
		}
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && !f.CreatedFrom.Before(f.CreatedTo) {
		return f, sg.ErrValidation.WithParam("created_to").WithMessage("created_to must be after created_from")
	}
	return f, nil
}

// List is GET /v1/invoices.
func (h Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	f, err := FilterOf(req.QueryStringParameters)
	if err != nil {
		return httpapi.Response{}, err
	}
	page, err := api.PageOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	invs, next, err := h.Svc.List(ctx, p.TenantID, f, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[InvoiceView]{Object: "list", Data: make([]InvoiceView, 0, len(invs)), HasMore: next != ""}
	for _, inv := range invs {
		out.Data = append(out.Data, h.view(inv))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Cancel is POST /v1/invoices/{invoice_id}/cancel (Idempotency-Key; no
// body). A replay answers as the first call did.
func (h Handlers) Cancel(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, key, err := httpapi.Keyed(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if strings.TrimSpace(req.Body) != "" && strings.TrimSpace(req.Body) != "{}" {
		var none struct{}
		if err := httpapi.Decode(req, &none, httpapi.MaxBody); err != nil {
			return httpapi.Response{}, err
		}
	}
	id := req.PathParameters["invoice_id"]
	return httpapi.Once(ctx, h.Idem, p.TenantID, OpCancel, key, httpapi.RequestHash(OpCancel, id), CancelLease, h.Svc.Now,
		func() (int, any, error) {
			inv, err := h.Svc.Cancel(ctx, p.TenantID, id)
			return http.StatusOK, h.view(inv), err
		})
}

// chainOf reads ?chain= (optional when the invoice takes one chain).
func chainOf(req httpapi.Request, inv sg.Invoice) (sg.Chain, error) {
	c, ok := req.QueryStringParameters["chain"]
	if !ok || c == "" {
		if len(inv.Chains) == 1 {
			return inv.Chains[0], nil
		}
		return "", sg.ErrValidation.WithParam("chain").WithMessage("chain is required: the invoice accepts more than one")
	}
	if !sg.Chain(c).Valid() {
		return "", sg.ErrUnsupportedChain.WithParam("chain")
	}
	return sg.Chain(c), nil
}

// link renders the payment link of inv on the query's chain in the query's
// format (def when none is given).
func (h Handlers) link(req httpapi.Request, inv sg.Invoice, payable bool, def string) (httpapi.Response, error) {
	format := req.QueryStringParameters["format"]
	if format == "" {
		format = def
	}
	c, err := chainOf(req, inv)
	if err != nil {
		return httpapi.Response{}, err
	}
	o, err := acquiring.Option(inv, c)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !payable {
		return httpapi.Response{}, ErrInvoiceNotPayable
	}
	r, err := h.request(o)
	if err != nil {
		return httpapi.Response{}, err
	}
	ct, body, err := paylink.Render(r, format)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.Response{StatusCode: http.StatusOK, Headers: map[string]string{"content-type": ct, "cache-control": "no-store"}}
	switch format {
	case paylink.FormatURI, paylink.FormatSVG:
		resp.Body = string(body)
	default:
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	if format == paylink.FormatNDEF {
		uri, _ := paylink.Build(r)
		name, _, _ := paylink.NDEFFile(uri)
		resp.Headers["content-disposition"] = `attachment; filename="` + name + `"`
	}
	return resp, nil
}

// payable reports whether inv takes payments now.
func (h Handlers) payable(inv sg.Invoice) bool {
	return inv.Status.Awaiting() && h.Svc.Now().Before(inv.ExpiresAt)
}

// PaymentLink is GET /v1/invoices/{invoice_id}/payment-link?chain=&format=uri|png|svg|ndef.
func (h Handlers) PaymentLink(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	inv, err := h.invoice(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.link(req, inv, h.payable(inv), paylink.FormatURI)
}

// wantsHTML reports whether the receipt is asked for as HTML (?format=html
// or an Accept header that prefers text/html).
func wantsHTML(req httpapi.Request) (bool, error) {
	switch f := req.QueryStringParameters["format"]; f {
	case "html":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, sg.ErrValidation.WithParam("format").WithMessage("format must be json or html")
	}
	accept, _ := httpapi.Header(req, "accept")
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/json":
			return false, nil
		case "text/html":
			return true, nil
		}
	}
	return false, nil
}

// paid reports whether inv has a receipt.
func paid(inv sg.Invoice) bool {
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
		return true
	}
	return false
}

// receiptCSP keeps the printable receipt inert: its own inline style and nothing else.
const receiptCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func htmlResponse(body []byte) httpapi.Response {
	return httpapi.Response{StatusCode: http.StatusOK, Body: string(body), Headers: map[string]string{
		"content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": receiptCSP,
		"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}}
}

// Receipt is GET /v1/invoices/{invoice_id}/receipt (JSON, or HTML with
// Accept: text/html or ?format=html).
func (h Handlers) Receipt(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	asHTML, err := wantsHTML(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	inv, err := h.invoice(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !paid(inv) {
		return httpapi.Response{}, ErrInvoiceNotPaid
	}
	r := acquiring.ReceiptOf(inv, h.Svc.Now().UTC())
	if r.Fees, err = h.feeLines(ctx, inv); err != nil {
		return httpapi.Response{}, err
	}
	if !asHTML {
		return httpapi.JSON(http.StatusOK, ReceiptView{Object: "receipt", Receipt: r}), nil
	}
	b, err := acquiring.RenderReceiptHTML(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	return htmlResponse(b), nil
}

// feeLines are the platform's fees charged on inv: the fee of its
// settlement line on each chain it was paid on (what the schedule said,
// never more than the fee shown), none where no settlement took it.
func (h Handlers) feeLines(ctx context.Context, inv sg.Invoice) ([]acquiring.FeeLine, error) {
	out := []acquiring.FeeLine{}
	if h.Fees == nil {
		return out, nil
	}
	seen := map[sg.Chain]bool{}
	for _, p := range inv.Payments {
		if seen[p.Chain] {
			continue
		}
		seen[p.Chain] = true
		l, err := h.Fees.SettlementLineByRef(ctx, inv.TenantID, sg.LineInvoice, p.Chain, inv.ID)
		if errors.Is(err, sg.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if l.Fee > 0 {
			out = append(out, acquiring.FeeLine{Amount: l.Fee.String(),
				Description: fmt.Sprintf("Platform fee on %s of %s USDT (fee schedule version %d)", p.Chain, l.Gross, l.ScheduleVersion)})
		}
	}
	return out, nil
}

// ReceiptView is the Receipt schema.
type ReceiptView struct {
	Object string `json:"object"`
	acquiring.Receipt
}

// FxQuoteRequest is the body of POST /v1/fx-quotes.
type FxQuoteRequest struct {
	Currency string `json:"currency" validate:"required,len=3"`
}

// FxQuoteView is the FxQuote schema.
type FxQuoteView struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Currency  string `json:"currency"`
	Rate      string `json:"rate"`
	Source    string `json:"source"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
}

// QuoteFx is POST /v1/fx-quotes: the source's rate, locked for the tenant.
func (h Handlers) QuoteFx(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body FxQuoteRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	q, err := h.Svc.QuoteFx(ctx, p.TenantID, body.Currency)
	if err != nil {
		return httpapi.Response{}, asParam(err, "currency")
	}
	return httpapi.JSON(http.StatusCreated, FxQuoteView{ID: q.ID, Object: "fx_quote", Currency: q.Currency, Rate: q.Rate, Source: q.Source,
		CreatedAt: q.CreatedAt.UTC().Format(time.RFC3339Nano), ExpiresAt: q.ExpiresAt.UTC().Format(time.RFC3339Nano)}), nil
}

func asParam(err error, param string) error {
	var e *sg.Error
	if errors.As(err, &e) && e.Param == "fiat_currency" {
		return e.WithParam(param)
	}
	return err
}

// PolicyView is the InvoicePolicy schema (GET and PUT /v1/invoice-policy).
type PolicyView struct {
	Object string `json:"object"`
	acquiring.PolicyView
}

// PolicyRequest is the body of PUT /v1/invoice-policy.
type PolicyRequest struct {
	Underpaid             string `json:"underpaid" validate:"required,oneof=ask_rest accept_within_tolerance"`
	UnderpaidTolerance    string `json:"underpaid_tolerance,omitempty" validate:"max=40"`
	UnderpaidToleranceBPS int    `json:"underpaid_tolerance_bps,omitempty" validate:"min=0,max=10000"`
	Overpaid              string `json:"overpaid" validate:"required,oneof=credit refund"`
	LateWindowSeconds     int64  `json:"late_window_seconds" validate:"min=0,max=2592000"`
	Late                  string `json:"late" validate:"required,oneof=accept refund"`
}

func policyView(p sg.InvoicePolicy) PolicyView {
	return PolicyView{Object: "invoice_policy", PolicyView: acquiring.PolicyViewOf(p)}
}

// GetPolicy is GET /v1/invoice-policy (the default if none was set).
func (h Handlers) GetPolicy(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	pol, err := h.Svc.Policy(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, policyView(pol)), nil
}

// PutPolicy is PUT /v1/invoice-policy: the policy of invoices created from
// now on (an invoice keeps the policy it was created under).
func (h Handlers) PutPolicy(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body PolicyRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	pol := sg.InvoicePolicy{UnderpaidToleranceBPS: body.UnderpaidToleranceBPS, Underpaid: body.Underpaid, Overpaid: body.Overpaid,
		LateWindow: time.Duration(body.LateWindowSeconds) * time.Second, Late: body.Late}
	if body.UnderpaidTolerance != "" {
		if pol.UnderpaidTolerance, err = sg.ParseAmount(body.UnderpaidTolerance, sg.USDTDecimals); err != nil {
			var e *sg.Error
			if errors.As(err, &e) {
				return httpapi.Response{}, e.WithParam("underpaid_tolerance")
			}
			return httpapi.Response{}, err
		}
	}
	if err := h.Svc.SetPolicy(ctx, p.TenantID, pol); err != nil {
		var e *sg.Error
		if errors.As(err, &e) && e.Param == "late_window" {
			return httpapi.Response{}, e.WithParam("late_window_seconds")
		}
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, policyView(pol)), nil
}

// Public wraps a checkout route: every answer, refusals included, may be
// read by any origin (the hosted checkout page, a merchant's own page);
// the routes are GETs that need no credentials.
func Public(h httpapi.Handler) httpapi.Handler {
	return func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
		resp, err := h(ctx, req)
		if err != nil {
			resp = httpapi.Fail(ctx, req, err)
		}
		if resp.Headers == nil {
			resp.Headers = map[string]string{}
		}
		resp.Headers["access-control-allow-origin"] = "*"
		return resp, nil
	}
}

// byToken reads the invoice of the path's checkout token.
func (h Handlers) byToken(ctx context.Context, req httpapi.Request) (sg.Invoice, error) {
	tok := req.PathParameters["token"]
	if !sg.ValidCheckoutToken(tok) {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("token")
	}
	inv, err := h.Svc.Store.InvoiceByToken(ctx, tok)
	if errors.Is(err, sg.ErrNotFound) {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("token")
	}
	return inv, err
}

// CheckoutOf renders inv for its payer at now (the view the checkout route
// answers and the WebSocket pushes).
func (h Handlers) CheckoutOf(inv sg.Invoice, now time.Time) CheckoutView {
	return checkoutview.Networks(h.Networks).Of(inv, now)
}

// Checkout is GET /v1/checkout/{token} (public).
func (h Handlers) Checkout(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	inv, err := h.byToken(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, h.CheckoutOf(inv, h.Svc.Now())), nil
}

// CheckoutQR is GET /v1/checkout/{token}/qr?chain=&format=svg|png|ndef|uri (public).
func (h Handlers) CheckoutQR(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	inv, err := h.byToken(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.link(req, inv, h.payable(inv), paylink.FormatSVG)
}

// CheckoutReceipt is GET /v1/checkout/{token}/receipt (public, HTML): the
// payer's printable receipt, without the merchant's order id.
func (h Handlers) CheckoutReceipt(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	inv, err := h.byToken(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !paid(inv) {
		return httpapi.Response{}, ErrInvoiceNotPaid
	}
	r := acquiring.ReceiptOf(inv, h.Svc.Now().UTC())
	r.OrderID = ""
	b, err := acquiring.RenderReceiptHTML(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	return htmlResponse(b), nil
}
