package settlementapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpRefund names refunds in idempotency records.
const OpRefund = "invoices.refund"

// InvoiceReader reads the tenant's invoice with its payments.
type InvoiceReader interface {
	Invoice(ctx context.Context, tenant, id string) (sg.Invoice, error)
}

// Refunds serves POST /v1/invoices/{invoice_id}/refunds: a full or
// partial refund, paid back through the withdrawal pipeline (its policy,
// approvals and freezes), never more than paid less refunded.
type Refunds struct {
	Invoices InvoiceReader
	W        *ledger.Withdrawals
	Svc      *settlement.Service
}

// RefundRequest is the refund's body. Chain defaults to the chain of the
// invoice's first confirmed payment; ToAddress to the address that paid
// from there.
type RefundRequest struct {
	Amount    string `json:"amount" validate:"required"`
	Chain     string `json:"chain,omitempty"`
	ToAddress string `json:"to_address,omitempty"`
	Reason    string `json:"reason,omitempty" validate:"max=200"`
}

// payerOf is the chain and sender of the invoice's first confirmed
// payment on chain c ("" for any chain).
func payerOf(inv sg.Invoice, c sg.Chain) (sg.Chain, string) {
	for _, p := range inv.Payments {
		if p.State == sg.PaymentConfirmed && (c == "" || p.Chain == c) {
			return p.Chain, p.From
		}
	}
	return c, ""
}

// Create is POST /v1/invoices/{invoice_id}/refunds (Idempotency-Key).
func (h Refunds) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body RefundRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	amount, err := api.ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	inv, err := h.Invoices.Invoice(ctx, p.TenantID, req.PathParameters["invoice_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
	default:
		return httpapi.Response{}, sg.ErrInvoiceNotPaid
	}
	if body.Chain != "" && !sg.Chain(body.Chain).Valid() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("chain")
	}
	chain, from := payerOf(inv, sg.Chain(body.Chain))
	if chain == "" || !inv.Accepts(chain) {
		return httpapi.Response{}, sg.ErrChainNotAccepted.WithParam("chain")
	}
	dest := strings.TrimSpace(body.ToAddress)
	if dest == "" {
		dest = from
	}
	if dest == "" {
		return httpapi.Response{}, sg.ErrRefundAddressUnknown
	}
	to, err := address.Parse(chain, dest)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("to_address")
	}
	fee := h.W.Fee(chain)
	hash := httpapi.RequestHash(OpRefund, struct {
		Invoice string
		Body    RefundRequest
	}{inv.ID, body})
	wallet, err := h.Svc.RefundSource(ctx, inv, chain, key, amount, fee)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.W.Create(ctx, p.TenantID, key, hash, ledger.Withdraw{Wallet: wallet, Chain: chain, Asset: sg.USDT,
		ToAddress: to.Format(chain), Amount: amount, Memo: "refund of invoice " + inv.ID,
		Metadata: map[string]string{"invoice_id": inv.ID, "refund": "true"}, RequestedBy: p.Subject})
	if err != nil {
		switch sg.KindOf(err) {
		case sg.KindRefused, sg.KindInvalid, sg.KindForbidden, sg.KindNotFound:
			// Nothing was held: the reservation and any clearing go back.
			if uerr := h.Svc.RefundRefused(ctx, inv, chain, key, amount, fee); uerr != nil {
				return httpapi.Response{}, uerr
			}
		}
		return httpapi.Response{}, err
	}
	// The refund is a line of the merchant's settlement: the amount and
	// the network fee held for it come off the net.
	if _, err := h.Svc.AddRefund(ctx, p.TenantID, settlement.Reversal{ID: r.Transfer.ID, InvoiceID: inv.ID, Chain: chain, Amount: amount + r.Transfer.Fee}); err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusCreated, api.ViewTransfer(r.Transfer))
	if r.Replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}
