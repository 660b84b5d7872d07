// Package coldapi serves cold payouts: prepare a bundle for the offline
// signer, hand it out as JSON and QR images, and take it back signed. It
// is apart from package api because the bundle format links go-ethereum's
// transaction code, which only these functions need.
package coldapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/airgapapi"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Handlers serve the cold payout routes.
type Handlers struct {
	Cold *chaineth.Cold
}

// PrepareRequest is the body of POST /v1/cold-payouts.
type PrepareRequest struct {
	Chain     string `json:"chain" validate:"required,oneof=ethereum"`
	ToAddress string `json:"to_address" validate:"required,max=64"`
	Amount    string `json:"amount" validate:"required,max=40"`
	Purpose   string `json:"purpose" validate:"required,max=200"`
}

// View is a cold payout in the API's shape.
type View struct {
	ID        string          `json:"id"`
	Object    string          `json:"object"`
	State     string          `json:"state"`
	Chain     string          `json:"chain"`
	Amount    string          `json:"amount"`
	ToAddress string          `json:"to_address"`
	TxHash    *string         `json:"tx_hash"`
	QRParts   int             `json:"qr_parts"`
	CreatedAt string          `json:"created_at"`
	ExpiresAt string          `json:"expires_at"`
	Bundle    json.RawMessage `json:"bundle"`
}

func view(r dynamo.ColdRecord, now time.Time) View {
	v := View{ID: r.ID, Object: "cold_payout", State: r.State, Chain: r.Chain, Amount: r.Amount.String(), ToAddress: r.To,
		QRParts: len(airgap.Frames(r.Bundle)), CreatedAt: r.CreatedAt.Format(time.RFC3339Nano), ExpiresAt: r.ExpiresAt.Format(time.RFC3339),
		Bundle: json.RawMessage(r.Bundle)}
	if r.State == dynamo.ColdPrepared && !now.Before(r.ExpiresAt) {
		v.State = "expired"
	}
	if r.TxHash != "" {
		v.TxHash = &r.TxHash
	}
	return v
}

// Prepare is POST /v1/cold-payouts.
func (h Handlers) Prepare(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body PrepareRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	amount, err := api.ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	to, err := address.Parse(sg.Ethereum, body.ToAddress)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Fail(ctx, req, e.WithParam("to_address")), nil
	}
	r, replayed, err := h.Cold.Prepare(ctx, p.TenantID, p.Subject, key, httpapi.RequestHash(chaineth.OpColdPrepare, body), to, amount, body.Purpose)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	v := view(r, r.CreatedAt) // the first answer, as it was
	v.State = dynamo.ColdPrepared
	v.TxHash = nil
	resp := httpapi.JSON(http.StatusCreated, v)
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// Get is GET /v1/cold-payouts/{bundle_id}.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}

// record reads the caller's cold payout named in the path.
func (h Handlers) record(ctx context.Context, req httpapi.Request) (dynamo.ColdRecord, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return dynamo.ColdRecord{}, err
	}
	return h.Cold.Get(ctx, p.TenantID, req.PathParameters["bundle_id"])
}

// QR is GET /v1/cold-payouts/{bundle_id}/qr/{part}: one QR image (PNG) of
// the bundle file, parts numbered from 1 to qr_parts.
func (h Handlers) QR(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	return airgapapi.QRPart(ctx, req, r.Bundle), nil
}

// Cancel is POST /v1/cold-payouts/{bundle_id}/cancel.
func (h Handlers) Cancel(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	r, err := h.Cold.Cancel(ctx, p.TenantID, req.PathParameters["bundle_id"])
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}

// Import is POST /v1/cold-payouts/{bundle_id}/signature: the signed bundle
// file, as the offline signer wrote it.
func (h Handlers) Import(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	body, err := airgapapi.SignedFile(req)
	if err != nil {
		return httpapi.Fail(ctx, req, err), nil
	}
	r, err := h.Cold.Import(ctx, p.TenantID, req.PathParameters["bundle_id"], body)
	if err != nil {
		return httpapi.Fail(ctx, req, airgapapi.Refusal(err)), nil
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}
