package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Withdrawals serves payouts to outside addresses.
type Withdrawals struct {
	W *ledger.Withdrawals
	// Travel, if set, applies the travel rule: a payout over the
	// threshold must carry travel_rule (IVMS 101), checked before the hold
	// is placed and recorded, sealed, once the withdrawal exists.
	Travel *compliance.Travel
}

// CreateWithdrawalRequest is the body of POST /v1/withdrawals.
type CreateWithdrawalRequest struct {
	WalletID  string            `json:"wallet_id" validate:"required,max=64"`
	Chain     string            `json:"chain" validate:"required,oneof=ethereum tron"`
	Asset     string            `json:"asset" validate:"required,oneof=USDT"`
	ToAddress string            `json:"to_address" validate:"required,max=64"`
	Amount    string            `json:"amount" validate:"required,max=40"`
	Memo      string            `json:"memo,omitempty" validate:"max=140"`
	Metadata  map[string]string `json:"metadata,omitempty" validate:"max=20,dive,keys,min=1,max=40,printascii,endkeys,max=500"`
	QuoteID   string            `json:"quote_id,omitempty" validate:"max=40"`
	// TravelRule is the originator's and beneficiary's data (an IVMS 101
	// document), required above the deployment's travel-rule threshold.
	TravelRule json.RawMessage `json:"travel_rule,omitempty"`
}

// Create is POST /v1/withdrawals.
func (h Withdrawals) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateWithdrawalRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	amount, err := ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	chain := sg.Chain(body.Chain)
	to, err := address.Parse(chain, body.ToAddress)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("to_address")
	}
	// The travel rule is checked before anything is written: a refused
	// request holds no funds.
	var travel *sg.TravelPayload
	if h.Travel != nil {
		if travel, err = h.Travel.PayoutRequest(ctx, p.TenantID, chain, to.Format(chain), amount, body.TravelRule); err != nil {
			return httpapi.Response{}, err
		}
		if travel != nil && h.Travel.Sealer == nil {
			return httpapi.Response{}, sg.Unavailable("api.withdrawals", errors.New("travel-rule data cannot be stored: no envelope key is configured"))
		}
	} else if len(body.TravelRule) > 0 {
		return httpapi.Response{}, sg.ErrUnknownField.WithParam(compliance.TravelParam)
	}
	r, err := h.W.Create(ctx, p.TenantID, key, httpapi.RequestHash(ledger.OpWithdraw, body), ledger.Withdraw{
		Wallet: body.WalletID, Chain: chain, Asset: sg.Asset(body.Asset), ToAddress: to.Format(chain),
		Amount: amount, Memo: body.Memo, Metadata: body.Metadata, QuoteID: body.QuoteID, RequestedBy: p.Subject,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	if h.Travel != nil {
		// Recorded once per withdrawal (a replay finds the same data). If
		// this fails the withdrawal waits for it (the policy step gives it
		// a grace) and a retry of the request records it; without it the
		// payout is refused, travel_rule_data_required, and its hold voided.
		// A replay answered by Create has awaited no admission: the record
		// is a write, so it awaits the request's rate-limit decision first
		// (at once when Create awaited it), and a refused retry writes
		// nothing.
		if err := sg.AwaitAdmission(ctx); err != nil {
			return httpapi.Response{}, err
		}
		if _, err := h.Travel.RequireForPayout(ctx, p.TenantID, r.Transfer, travel); err != nil {
			return httpapi.Response{}, err
		}
	}
	resp := httpapi.JSON(http.StatusCreated, ViewTransfer(firstAnswer(r.Transfer)))
	if r.Replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// firstAnswer renders a withdrawal as it stood when created, so a replay of
// the create gives the first answer even after the withdrawal moved on
// (its current state is at GET /v1/transfers/{id}).
func firstAnswer(t sg.Transfer) sg.Transfer {
	if len(t.Events) > 1 {
		t.Events = t.Events[:1]
		t.State = t.Events[0].State
		t.UpdatedAt = t.CreatedAt
		t.TxHash, t.NetworkFee = "", 0
	}
	return t
}

// Cancel is POST /v1/withdrawals/{transfer_id}/cancel.
func (h Withdrawals) Cancel(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.W.Cancel(ctx, p.TenantID, req.PathParameters["transfer_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewTransfer(t)), nil
}
