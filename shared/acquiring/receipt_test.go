package acquiring

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"testing"
)

// The receipt page is written out by hand (RenderReceiptHTML) so that no
// function links html/template. It must be the page html/template makes of
// the template below, byte for byte, escaping included, whatever the
// receipt holds.
func TestReceiptHTMLIsTheTemplatesPage(t *testing.T) {
	tmpl := template.Must(template.New("receipt").Parse(templateReceipt))
	hostile := []string{"", "plain", `<script>alert("x")</script>`, "a&b+c", "it's", "\x00nul", "≈ 1,00 €", `"><img src=x>`, "{{.Invoice}}"}
	rng := rand.New(rand.NewPCG(18, 1))
	pick := func() string { return hostile[rng.IntN(len(hostile))] }
	for i := 0; i < 300; i++ {
		r := Receipt{Invoice: pick(), Status: pick(), OrderID: pick(), Description: pick(), Amount: pick(), Asset: pick(),
			Paid: pick(), RefundDue: pick(), CreatedAt: pick(), IssuedAt: pick(), Lines: []ReceiptLine{}, Fees: []FeeLine{}}
		if i%3 == 1 {
			r.Fiat = &FiatView{Currency: pick(), Amount: pick(), Rate: pick(), Source: pick()}
		}
		for n := rng.IntN(3); n > 0; n-- {
			r.Lines = append(r.Lines, ReceiptLine{Chain: pick(), Network: pick(), TxHash: pick(), Amount: pick(),
				Confirmations: rng.IntN(40) - 2, State: pick(), Late: rng.IntN(2) == 0, NetworkFee: pick(), FiatAmount: pick()})
		}
		for n := rng.IntN(3); n > 0; n-- {
			r.Fees = append(r.Fees, FeeLine{Description: pick(), Amount: pick()})
		}
		var want bytes.Buffer
		if err := tmpl.Execute(&want, r); err != nil {
			t.Fatal(err)
		}
		got, err := RenderReceiptHTML(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("receipt %d: hand-written page differs from the template's\ngot:\n%s\nwant:\n%s", i, got, want.Bytes())
		}
	}
}

const templateReceipt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Receipt {{.Invoice}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;color:#111;margin:2rem auto;max-width:48rem;padding:0 1rem}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.mono{font-family:ui-monospace,monospace;word-break:break-all}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
</style></head><body>
<h1>Receipt</h1>
<table>
<tr><th>Invoice</th><td class="mono">{{.Invoice}}</td></tr>
{{if .OrderID}}<tr><th>Order</th><td>{{.OrderID}}</td></tr>{{end}}
{{if .Description}}<tr><th>Description</th><td>{{.Description}}</td></tr>{{end}}
<tr><th>Status</th><td>{{.Status}}</td></tr>
<tr><th>Amount due</th><td>{{.Amount}} {{.Asset}}</td></tr>
{{with .Fiat}}<tr><th>Price</th><td>{{.Amount}} {{.Currency}} at {{.Rate}} {{.Currency}} per USDT ({{.Source}})</td></tr>{{end}}
<tr><th>Paid</th><td>{{.Paid}} {{.Asset}}</td></tr>
<tr><th>Refund due</th><td>{{.RefundDue}} {{.Asset}}</td></tr>
<tr><th>Created</th><td>{{.CreatedAt}}</td></tr>
<tr><th>Issued</th><td>{{.IssuedAt}}</td></tr>
</table>
<h2>Payments</h2>
<table><thead><tr><th>Network</th><th>Transaction</th><th>Amount</th><th>Confirmations</th><th>State</th><th>Network fee</th></tr></thead><tbody>
{{range .Lines}}<tr><td>{{.Chain}} ({{.Network}})</td><td class="mono">{{.TxHash}}</td><td class="n">{{.Amount}}{{if .FiatAmount}} (≈ {{.FiatAmount}}){{end}}</td><td class="n">{{.Confirmations}}</td><td>{{.State}}{{if .Late}}, late{{end}}</td><td>{{if .NetworkFee}}{{.NetworkFee}}{{else}}paid by the payer{{end}}</td></tr>
{{else}}<tr><td colspan="6">No payments.</td></tr>{{end}}
</tbody></table>
<h2>Fees</h2>
<table><tbody>{{range .Fees}}<tr><td>{{.Description}}</td><td class="n">{{.Amount}}</td></tr>{{else}}<tr><td>No platform fees.</td></tr>{{end}}</tbody></table>
</body></html>
`
