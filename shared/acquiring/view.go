package acquiring

import (
	"bytes"
	"context"
	"math/big"
	"strconv"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// View is an invoice as its merchant sees it (the API's body and the
// events' data).
type View struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	Status        string            `json:"status"`
	Amount        string            `json:"amount"`
	Asset         string            `json:"asset"`
	Fiat          *FiatView         `json:"fiat,omitempty"`
	Chains        []string          `json:"chains"`
	Options       []OptionView      `json:"options"`
	WalletID      string            `json:"wallet_id"`
	OrderID       string            `json:"order_id,omitempty"`
	Description   string            `json:"description,omitempty"`
	Metadata      map[string]string `json:"metadata"`
	RedirectURL   string            `json:"redirect_url,omitempty"`
	Paid          string            `json:"paid"`
	Pending       string            `json:"pending"`
	Remaining     string            `json:"remaining"`
	RefundDue     string            `json:"refund_due"`
	CheckoutToken string            `json:"checkout_token,omitempty"`
	Policy        PolicyView        `json:"policy"`
	Payments      []PaymentView     `json:"payments"`
	ExpiresAt     string            `json:"expires_at"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
	CancelledAt   string            `json:"cancelled_at,omitempty"`
}

// FiatView is the fiat price and the rate locked for it.
type FiatView struct {
	Currency      string `json:"currency"`
	Amount        string `json:"amount"`
	Rate          string `json:"rate"`
	Source        string `json:"source"`
	QuoteID       string `json:"fx_quote_id,omitempty"`
	RateExpiresAt string `json:"rate_expires_at"`
}

// OptionView is one way to pay: the chain, its token standard, the
// invoice's address there and the amount still due.
type OptionView struct {
	Chain   string `json:"chain"`
	Network string `json:"network"`
	Asset   string `json:"asset"`
	Address string `json:"address"`
	Amount  string `json:"amount"`
}

// PaymentView is one payment as merchant and payer see it.
type PaymentView struct {
	Chain         string `json:"chain"`
	TxHash        string `json:"tx_hash"`
	Amount        string `json:"amount"`
	Confirmations int    `json:"confirmations"`
	State         string `json:"state"`
	Late          bool   `json:"late"`
	SeenAt        string `json:"seen_at"`
}

// PolicyView is the policy an invoice was created under.
type PolicyView struct {
	UnderpaidTolerance    string `json:"underpaid_tolerance"`
	UnderpaidToleranceBPS int    `json:"underpaid_tolerance_bps"`
	Underpaid             string `json:"underpaid"`
	Overpaid              string `json:"overpaid"`
	LateWindowSeconds     int64  `json:"late_window_seconds"`
	Late                  string `json:"late"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// PolicyViewOf is a policy as the API shows it (on an invoice and at
// GET /v1/invoice-policy).
func PolicyViewOf(p sg.InvoicePolicy) PolicyView {
	return PolicyView{UnderpaidTolerance: p.UnderpaidTolerance.String(), UnderpaidToleranceBPS: p.UnderpaidToleranceBPS,
		Underpaid: p.Underpaid, Overpaid: p.Overpaid, LateWindowSeconds: int64(p.LateWindow / time.Second), Late: p.Late}
}

func fiatView(f *sg.FiatPrice) *FiatView {
	if f == nil {
		return nil
	}
	return &FiatView{Currency: f.Currency, Amount: f.Amount, Rate: f.Rate, Source: f.Source, QuoteID: f.QuoteID, RateExpiresAt: ts(f.RateExpiresAt)}
}

func options(inv sg.Invoice) []OptionView {
	out := []OptionView{}
	for _, c := range inv.Chains {
		if o, err := Option(inv, c); err == nil {
			out = append(out, o)
		}
	}
	return out
}

func payments(inv sg.Invoice) []PaymentView {
	out := []PaymentView{}
	for _, p := range inv.Payments {
		out = append(out, PaymentView{Chain: string(p.Chain), TxHash: p.TxHash, Amount: p.Amount.String(), Confirmations: p.Confirmations,
			State: string(p.State), Late: p.Late, SeenAt: ts(p.SeenAt)})
	}
	return out
}

// ViewOf renders inv for its merchant; withToken includes the checkout
// token (the create answer and GET; events leave it out).
func ViewOf(inv sg.Invoice, withToken bool) View {
	v := View{ID: inv.ID, Object: "invoice", Status: string(inv.Status), Amount: inv.Amount.String(), Asset: string(sg.USDT),
		Fiat: fiatView(inv.Fiat), Options: options(inv), WalletID: inv.WalletID, OrderID: inv.OrderID, Description: inv.Description,
		Metadata: inv.Metadata, RedirectURL: inv.RedirectURL, Paid: inv.Paid.String(), Pending: inv.Pending.String(),
		Remaining: inv.Remaining().String(), RefundDue: inv.RefundDue.String(), Payments: payments(inv),
		ExpiresAt: ts(inv.ExpiresAt), CreatedAt: ts(inv.CreatedAt), UpdatedAt: ts(inv.UpdatedAt), CancelledAt: ts(inv.CancelledAt),
		Policy: PolicyViewOf(inv.Policy)}
	for _, c := range inv.Chains {
		v.Chains = append(v.Chains, string(c))
	}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	if withToken {
		v.CheckoutToken = inv.CheckoutToken
	}
	return v
}

// CheckoutView is what the hosted checkout shows the payer: this invoice
// only, with no tenant, wallet, order, metadata or personal data.
type CheckoutView struct {
	Invoice     string            `json:"invoice"`
	Status      string            `json:"status"`
	Amount      string            `json:"amount"`
	Asset       string            `json:"asset"`
	Fiat        *CheckoutFiat     `json:"fiat,omitempty"`
	Paid        string            `json:"paid"`
	Pending     string            `json:"pending"`
	Remaining   string            `json:"remaining"`
	ExpiresAt   string            `json:"expires_at"`
	Description string            `json:"description,omitempty"`
	RedirectURL string            `json:"redirect_url,omitempty"`
	Options     []OptionView      `json:"options"`
	Payments    []CheckoutPayment `json:"payments"`
}

// CheckoutPayment is a payment as the payer sees it (no addresses, no times).
type CheckoutPayment struct {
	Chain         string `json:"chain"`
	TxHash        string `json:"tx_hash"`
	Amount        string `json:"amount"`
	Confirmations int    `json:"confirmations"`
	State         string `json:"state"`
}

// CheckoutFiat is the fiat price shown to the payer.
type CheckoutFiat struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
	Rate     string `json:"rate"`
}

// CheckoutOf renders inv for the payer. Options are offered only while
// the invoice awaits payment and its time is not over.
func CheckoutOf(inv sg.Invoice, now time.Time) CheckoutView {
	v := CheckoutView{Invoice: inv.ID, Status: string(inv.Status), Amount: inv.Amount.String(), Asset: string(sg.USDT),
		Paid: inv.Paid.String(), Pending: inv.Pending.String(), Remaining: inv.Remaining().String(), ExpiresAt: ts(inv.ExpiresAt),
		Description: inv.Description, RedirectURL: inv.RedirectURL, Options: []OptionView{}, Payments: []CheckoutPayment{}}
	if inv.Fiat != nil {
		v.Fiat = &CheckoutFiat{Currency: inv.Fiat.Currency, Amount: inv.Fiat.Amount, Rate: inv.Fiat.Rate}
	}
	if inv.Status.Awaiting() && now.Before(inv.ExpiresAt) {
		v.Options = options(inv)
	}
	for _, p := range inv.Payments {
		v.Payments = append(v.Payments, CheckoutPayment{Chain: string(p.Chain), TxHash: p.TxHash, Amount: p.Amount.String(),
			Confirmations: p.Confirmations, State: string(p.State)})
	}
	return v
}

// Receipt is the record of a paid invoice: every payment line with its
// network, transaction, confirmations and fees.
type Receipt struct {
	Invoice     string        `json:"invoice"`
	Status      string        `json:"status"`
	OrderID     string        `json:"order_id,omitempty"`
	Description string        `json:"description,omitempty"`
	Amount      string        `json:"amount"`
	Asset       string        `json:"asset"`
	Fiat        *FiatView     `json:"fiat,omitempty"`
	Paid        string        `json:"paid"`
	RefundDue   string        `json:"refund_due"`
	Lines       []ReceiptLine `json:"lines"`
	// Fees are the platform's fee lines: the fee its settlement took on
	// each chain (filled by the receipt route; none where none was taken).
	Fees      []FeeLine `json:"fees"`
	CreatedAt string    `json:"created_at"`
	IssuedAt  string    `json:"issued_at"`
}

// ReceiptLine is one payment. NetworkFee is absent: the payer paid it and
// the chain event does not tell us how much.
type ReceiptLine struct {
	Chain         string `json:"chain"`
	Network       string `json:"network"`
	TxHash        string `json:"tx_hash"`
	From          string `json:"from,omitempty"`
	To            string `json:"to"`
	Amount        string `json:"amount"`
	Confirmations int    `json:"confirmations"`
	State         string `json:"state"`
	Late          bool   `json:"late"`
	NetworkFee    string `json:"network_fee,omitempty"`
	FiatAmount    string `json:"fiat_amount,omitempty"`
	SeenAt        string `json:"seen_at"`
	ConfirmedAt   string `json:"confirmed_at,omitempty"`
}

// FeeLine is one fee the platform charged.
type FeeLine struct {
	Description string `json:"description"`
	Amount      string `json:"amount"`
}

// Receipt returns the receipt of the tenant's invoice. Every invoice has
// one; it lists confirmed and reversed payments alike (each line says its
// state).
func (s *Service) Receipt(ctx context.Context, tenant, id string) (Receipt, error) {
	inv, err := s.Get(ctx, tenant, id)
	if err != nil {
		return Receipt{}, err
	}
	return ReceiptOf(inv, s.now()), nil
}

// ReceiptOf renders inv's receipt.
func ReceiptOf(inv sg.Invoice, now time.Time) Receipt {
	r := Receipt{Invoice: inv.ID, Status: string(inv.Status), OrderID: inv.OrderID, Description: inv.Description,
		Amount: inv.Amount.String(), Asset: string(sg.USDT), Fiat: fiatView(inv.Fiat), Paid: inv.Paid.String(),
		RefundDue: inv.RefundDue.String(), Lines: []ReceiptLine{}, Fees: []FeeLine{}, CreatedAt: ts(inv.CreatedAt), IssuedAt: ts(now)}
	for _, p := range inv.Payments {
		l := ReceiptLine{Chain: string(p.Chain), Network: network(p.Chain), TxHash: p.TxHash, From: p.From, To: p.Address,
			Amount: p.Amount.String(), Confirmations: p.Confirmations, State: string(p.State), Late: p.Late,
			SeenAt: ts(p.SeenAt), ConfirmedAt: ts(p.ConfirmedAt)}
		if inv.Fiat != nil {
			l.FiatAmount = fiatOf(p.Amount, inv.Fiat)
		}
		r.Lines = append(r.Lines, l)
	}
	return r
}

// ReceiptHTML renders the receipt as a printable page: one file, no
// scripts or outside assets, every value escaped.
func (s *Service) ReceiptHTML(ctx context.Context, tenant, id string) ([]byte, error) {
	r, err := s.Receipt(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	return RenderReceiptHTML(r)
}

// RenderReceiptHTML renders a receipt as HTML: every value escaped as
// html/template escapes text (receipt_test.go checks the page byte for
// byte against the same page rendered by html/template). It is written out
// rather than templated because html/template calls methods by name, which
// makes the linker keep every exported method of every type in each
// function that links it (2-3 MB more per function; issue 18).
func RenderReceiptHTML(r Receipt) ([]byte, error) {
	var b bytes.Buffer
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	e := htmlText.Replace
	row := func(th, td string) { w("<tr><th>", th, "</th><td>", td, "</td></tr>") }
	w(receiptHead, "<title>Receipt ", e(r.Invoice), "</title>\n", receiptStyle,
		"<h1>Receipt</h1>\n<table>\n<tr><th>Invoice</th><td class=\"mono\">", e(r.Invoice), "</td></tr>\n")
	if r.OrderID != "" {
		row("Order", e(r.OrderID))
	}
	w("\n")
	if r.Description != "" {
		row("Description", e(r.Description))
	}
	w("\n")
	row("Status", e(r.Status))
	w("\n")
	row("Amount due", e(r.Amount)+" "+e(r.Asset))
	w("\n")
	if f := r.Fiat; f != nil {
		row("Price", e(f.Amount)+" "+e(f.Currency)+" at "+e(f.Rate)+" "+e(f.Currency)+" per USDT ("+e(f.Source)+")")
	}
	w("\n")
	row("Paid", e(r.Paid)+" "+e(r.Asset))
	w("\n")
	row("Refund due", e(r.RefundDue)+" "+e(r.Asset))
	w("\n")
	row("Created", e(r.CreatedAt))
	w("\n")
	row("Issued", e(r.IssuedAt))
	w("\n</table>\n<h2>Payments</h2>\n",
		"<table><thead><tr><th>Network</th><th>Transaction</th><th>Amount</th><th>Confirmations</th><th>State</th><th>Network fee</th></tr></thead><tbody>\n")
	for _, l := range r.Lines {
		w("<tr><td>", e(l.Chain), " (", e(l.Network), ")</td><td class=\"mono\">", e(l.TxHash), "</td><td class=\"n\">", e(l.Amount))
		if l.FiatAmount != "" {
			w(" (≈ ", e(l.FiatAmount), ")")
		}
		w("</td><td class=\"n\">", strconv.Itoa(l.Confirmations), "</td><td>", e(l.State))
		if l.Late {
			w(", late")
		}
		w("</td><td>")
		if l.NetworkFee != "" {
			w(e(l.NetworkFee))
		} else {
			w("paid by the payer")
		}
		w("</td></tr>\n")
	}
	if len(r.Lines) == 0 {
		w("<tr><td colspan=\"6\">No payments.</td></tr>")
	}
	w("\n</tbody></table>\n<h2>Fees</h2>\n<table><tbody>")
	for _, f := range r.Fees {
		w("<tr><td>", e(f.Description), "</td><td class=\"n\">", e(f.Amount), "</td></tr>")
	}
	if len(r.Fees) == 0 {
		w("<tr><td>No platform fees.</td></tr>")
	}
	w("</tbody></table>\n</body></html>\n")
	return b.Bytes(), nil
}

// htmlText escapes a value in HTML text as html/template does: NUL, the
// quotes, &, + and the angle brackets.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

const receiptHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
`

const receiptStyle = `<style>
body{font:14px/1.4 system-ui,sans-serif;color:#111;margin:2rem auto;max-width:48rem;padding:0 1rem}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.mono{font-family:ui-monospace,monospace;word-break:break-all}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
</style></head><body>
`

// fiatOf prices a USDT amount in the invoice's fiat currency at its rate
// (for display), rounded half up to the currency's minor units.
func fiatOf(a sg.Amount, f *sg.FiatPrice) string {
	rate, err := sg.ParseRate(f.Rate)
	if err != nil {
		return ""
	}
	dec, err := sg.FiatDecimals(f.Currency)
	if err != nil {
		return ""
	}
	v := new(big.Rat).SetFrac64(int64(a), 1_000_000)
	return v.Mul(v, rate).FloatString(dec) + " " + f.Currency
}
