package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/stablegate/stablegate/shared/api/transferview"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Transfers serves the transfer operations.
type Transfers struct {
	Ledger *ledger.Service
	Idem   IdemStore
}

// CreateTransferRequest is the body of POST /v1/transfers.
type CreateTransferRequest struct {
	FromWalletID string            `json:"from_wallet_id" validate:"required,max=64"`
	ToWalletID   string            `json:"to_wallet_id" validate:"required,max=64"`
	Chain        string            `json:"chain" validate:"required,oneof=ethereum tron"`
	Asset        string            `json:"asset" validate:"required,oneof=USDT"`
	Amount       string            `json:"amount" validate:"required,max=40"`
	Memo         string            `json:"memo,omitempty" validate:"max=140"`
	Metadata     map[string]string `json:"metadata,omitempty" validate:"max=20,dive,keys,min=1,max=40,printascii,endkeys,max=500"`
}

// The Transfer schema and its parts (package transferview).
type (
	TransferView  = transferview.TransferView
	ApprovalsView = transferview.ApprovalsView
	DecisionView  = transferview.DecisionView
	ReasonView    = transferview.ReasonView
	EventView     = transferview.EventView
)

// ViewTransfer renders a transfer in the spec's shape.
func ViewTransfer(t sg.Transfer) TransferView { return transferview.Of(t) }

// ParsePositiveAmount reads a USDT amount that must be above zero.
func ParsePositiveAmount(s, param string) (sg.Amount, error) {
	if strings.HasPrefix(s, "-") {
		return 0, sg.ErrAmountNotPositive.WithParam(param)
	}
	a, err := sg.ParseAmount(s, sg.USDTDecimals)
	if e, ok := err.(*sg.Error); ok {
		return 0, e.WithParam(param)
	}
	if a == 0 {
		return 0, sg.ErrAmountNotPositive.WithParam(param)
	}
	return a, err
}

// Create is POST /v1/transfers: an internal, instant transfer between two
// of the tenant's wallets.
func (h Transfers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateTransferRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	amount, err := ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.Ledger.Transfer(ctx, p.TenantID, key, httpapi.RequestHash(ledger.OpTransfer, body), ledger.Internal{
		From: body.FromWalletID, To: body.ToWalletID, Chain: sg.Chain(body.Chain), Asset: sg.Asset(body.Asset),
		Amount: amount, Memo: body.Memo, Metadata: body.Metadata, RequestedBy: p.Subject,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusCreated, ViewTransfer(r.Transfer))
	if r.Replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// Get is GET /v1/transfers/{transfer_id}.
func (h Transfers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.Ledger.Store.Transfer(ctx, p.TenantID, req.PathParameters["transfer_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewTransfer(t)), nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
