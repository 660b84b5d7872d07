package api

import (
	"context"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Quotes serves fee quotes.
type Quotes struct {
	Q *ledger.Quotes
}

// QuoteView is a fee quote in the API's shape.
type QuoteView struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	Chain     sg.Chain          `json:"chain"`
	Asset     sg.Asset          `json:"asset"`
	ToAddress string            `json:"to_address"`
	Amount    string            `json:"amount"`
	Fee       string            `json:"fee"`
	Network   map[string]string `json:"network"`
	CreatedAt string            `json:"created_at"`
	ExpiresAt string            `json:"expires_at"`
}

// Get is GET /v1/fee-quotes?chain=&to_address=&amount=.
func (h Quotes) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	q := req.QueryStringParameters
	chain := sg.Chain(q["chain"])
	if !chain.Valid() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("chain").WithMessage("chain must be ethereum or tron")
	}
	if q["to_address"] == "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("to_address").WithMessage("to_address is required")
	}
	amount, err := ParsePositiveAmount(q["amount"], "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	fq, err := h.Q.Create(ctx, p.TenantID, chain, q["to_address"], amount)
	if e, ok := err.(*sg.Error); ok && (e.Code == "invalid_address" || e.Code == "invalid_address_checksum") {
		err = e.WithParam("to_address")
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, QuoteView{ID: fq.ID, Object: "fee_quote", Chain: fq.Chain, Asset: fq.Asset, ToAddress: fq.ToAddress,
		Amount: fq.Amount.String(), Fee: fq.Fee.String(), Network: fq.Network,
		CreatedAt: fq.CreatedAt.Format(time.RFC3339Nano), ExpiresAt: fq.ExpiresAt.Format(time.RFC3339)}), nil
}
