// Package checkoutview is an invoice as its payer sees it (the public
// Checkout schema of infra/openapi.yaml), with each option's payment URI:
// what the checkout route answers and what the WebSocket pushes to a
// checkout page on every change of its invoice. It is apart from package
// invoiceapi so that the stream consumer that pushes it (live-notify)
// links no request handling (issue 18).
package checkoutview

import (
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/paylink"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Networks are the deployment's networks (token contract, chain id)
// payment links are written for; a chain missing here has no link.
type Networks map[sg.Chain]sg.Network

// OptionView is one way to pay with its payment URI (EIP-681 or Tron's
// BIP-21 form), for a wallet that reads links or QR codes.
type OptionView struct {
	acquiring.OptionView
	PaymentURI string `json:"payment_uri,omitempty"`
}

// CheckoutView is the public Checkout schema: the invoice as its payer
// sees it, with the options' payment URIs; no tenant, wallet, order or
// metadata.
type CheckoutView struct {
	acquiring.CheckoutView
	Options []OptionView `json:"options"`
}

// Of renders inv for its payer at now.
func (n Networks) Of(inv sg.Invoice, now time.Time) CheckoutView {
	v := acquiring.CheckoutOf(inv, now)
	out := CheckoutView{CheckoutView: v, Options: n.Options(true, v.Options)}
	out.CheckoutView.Options = nil
	return out
}

// Options adds the payment URI to each option while the invoice awaits
// payment; an option whose link cannot be written goes without one.
func (n Networks) Options(payable bool, in []acquiring.OptionView) []OptionView {
	out := make([]OptionView, 0, len(in))
	for _, o := range in {
		v := OptionView{OptionView: o}
		if payable {
			if r, err := n.Request(o); err == nil {
				if uri, err := paylink.Build(r); err == nil {
					v.PaymentURI = uri
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// Request is the payment request of an option.
func (n Networks) Request(o acquiring.OptionView) (paylink.Request, error) {
	net, ok := n[sg.Chain(o.Chain)]
	if !ok {
		return paylink.Request{}, sg.ErrChainNotConfigured.WithParam("chain")
	}
	amount, err := sg.ParseAmount(o.Amount, sg.USDTDecimals)
	if err != nil {
		return paylink.Request{}, sg.Internal("checkoutview.Request", err)
	}
	return paylink.NewRequest(net, o.Address, amount), nil
}
