package settlementapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpChargeback names chargebacks in idempotency records.
const OpChargeback = "invoices.chargeback"

// ScopeChargebacks is the scope of recording a chargeback: it takes money
// out of the merchant's settlement, so it is an operator's, not the
// checkout integration's (invoices:write).
const ScopeChargebacks = "disputes:write"

// Chargebacks serves POST /v1/invoices/{invoice_id}/chargebacks: an
// operator records a dispute the merchant lost on a paid invoice. The
// amount (up to what was paid less what was refunded and charged back)
// leaves the merchant's settlement wallet for the platform's chargebacks
// account in one named ledger entry and is netted by the merchant's next
// settlement as a chargeback line.
type Chargebacks struct {
	Invoices InvoiceReader
	Svc      *settlement.Service
	Idem     sg.IdempotencyClaims
	Now      func() time.Time
}

// ChargebackRequest is the chargeback's body. Chain defaults to the chain
// of the invoice's first confirmed payment.
type ChargebackRequest struct {
	Amount string `json:"amount" validate:"required"`
	Chain  string `json:"chain,omitempty"`
	Reason string `json:"reason" validate:"required,max=200"`
}

// ChargebackView is a recorded chargeback: its ledger entry (id), the
// wallet it left and the settlement that nets it (none where the chain is
// not settled).
type ChargebackView struct {
	Object       string `json:"object"`
	ID           string `json:"id"`
	InvoiceID    string `json:"invoice_id"`
	Chain        string `json:"chain"`
	Amount       string `json:"amount"`
	Reason       string `json:"reason"`
	WalletID     string `json:"wallet_id"`
	SettlementID string `json:"settlement_id,omitempty"`
	CreatedAt    string `json:"created_at"`
}

func (h Chargebacks) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Create is POST /v1/invoices/{invoice_id}/chargebacks (Idempotency-Key).
func (h Chargebacks) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body ChargebackRequest
	p, key, err := httpapi.Keyed(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !p.Has(ScopeChargebacks) {
		return httpapi.Response{}, sg.ErrForbidden
	}
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	amount, err := api.ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	if strings.TrimSpace(body.Reason) == "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("reason")
	}
	if body.Chain != "" && !sg.Chain(body.Chain).Valid() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("chain")
	}
	inv, err := h.Invoices.Invoice(ctx, p.TenantID, req.PathParameters["invoice_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	chain, _ := payerOf(inv, sg.Chain(body.Chain))
	if chain == "" {
		return httpapi.Response{}, sg.ErrInvoiceNotPaid
	}
	hash := httpapi.RequestHash(OpChargeback, struct {
		Invoice string
		Body    ChargebackRequest
	}{inv.ID, body})
	return httpapi.Once(ctx, h.Idem, p.TenantID, OpChargeback, key, hash, time.Minute, h.now, func() (int, any, error) {
		t, stls, err := h.Svc.RecordChargeback(ctx, inv, settlement.Chargeback{Key: key, Chain: chain, Amount: amount, Reason: body.Reason})
		if err != nil {
			return 0, nil, err
		}
		v := ChargebackView{Object: "chargeback", ID: t.ID, InvoiceID: inv.ID, Chain: string(chain), Amount: amount.String(),
			Reason: body.Reason, WalletID: t.FromWallet, CreatedAt: t.CreatedAt.UTC().Format(time.RFC3339Nano)}
		if len(stls) > 0 {
			v.SettlementID = stls[0].ID
		}
		return http.StatusCreated, v, nil
	})
}

// Serve routes the refund and chargeback operations of an invoice (one
// function serves both: POST /v1/invoices/{invoice_id}/refunds and
// /chargebacks).
func Serve(refunds Refunds, chargebacks Chargebacks) httpapi.Handler {
	return Routes(map[string]httpapi.Handler{
		"POST /v1/invoices/{invoice_id}/refunds":     refunds.Create,
		"POST /v1/invoices/{invoice_id}/chargebacks": chargebacks.Create,
	})
}
