package api

import (
	"context"
	"net/http"
	"strings"
	"time"

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

// TransferView is the Transfer schema.
type TransferView struct {
	ID           string            `json:"id"`
	Object       string            `json:"object"`
	Type         sg.TransferType   `json:"type"`
	State        sg.TransferState  `json:"state"`
	FromWalletID *string           `json:"from_wallet_id"`
	ToWalletID   *string           `json:"to_wallet_id"`
	Chain        sg.Chain          `json:"chain"`
	Asset        sg.Asset          `json:"asset"`
	Amount       string            `json:"amount"`
	Fee          string            `json:"fee"`
	FeeHeld      *string           `json:"fee_held,omitempty"`
	NetworkFee   *string           `json:"network_fee,omitempty"`
	Waiting      *ReasonView       `json:"waiting,omitempty"`
	ToAddress    string            `json:"to_address,omitempty"`
	HoldExpires  string            `json:"hold_expires_at,omitempty"`
	TxHash       string            `json:"tx_hash,omitempty"`
	Memo         string            `json:"memo,omitempty"`
	Metadata     map[string]string `json:"metadata"`
	Events       []EventView       `json:"events"`
	RequestedBy  string            `json:"requested_by,omitempty"`
	Approvals    *ApprovalsView    `json:"approvals,omitempty"`
	CreatedAt    string            `json:"created_at"`
	UpdatedAt    string            `json:"updated_at"`
}

// ApprovalsView is what a payout's policy asked for and what approvers said.
type ApprovalsView struct {
	Required  int            `json:"required"`
	Deadline  string         `json:"deadline"`
	Decisions []DecisionView `json:"decisions"`
}

// DecisionView is one approver's decision.
type DecisionView struct {
	Approver string `json:"approver"`
	Decision string `json:"decision"`
	Comment  string `json:"comment,omitempty"`
	At       string `json:"at"`
}

// ReasonView says why a payout waits.
type ReasonView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Since   string `json:"since"`
}

// EventView is one recorded state change.
type EventView struct {
	State sg.TransferState `json:"state"`
	At    string           `json:"at"`
	Note  string           `json:"note,omitempty"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ViewTransfer renders a transfer in the spec's shape.
func ViewTransfer(t sg.Transfer) TransferView {
	v := TransferView{ID: t.ID, Object: "transfer", Type: t.Type, State: t.State, FromWalletID: optional(t.FromWallet),
		ToWalletID: optional(t.ToWallet), Chain: t.Chain, Asset: t.Asset, Amount: t.Amount.String(), Fee: t.FeeShown().String(),
		ToAddress: t.ToAddress, TxHash: t.TxHash, Memo: t.Memo, Metadata: t.Metadata, CreatedAt: t.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: t.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	v.Events = []EventView{}
	for _, e := range t.Events {
		v.Events = append(v.Events, EventView{e.State, e.At.UTC().Format(time.RFC3339Nano), e.Note})
	}
	// A chain payout's fee is known once posted, even when nothing was
	// burnt (a Tron payout on staked energy and free bandwidth).
	if t.NetworkFeeKnown() {
		nf := t.NetworkFee.String()
		v.NetworkFee = &nf
	}
	// A payout holds the most its network fee may cost (fee_held); once
	// posted, fee is what it was charged, before that the amount held.
	if t.Type == sg.TransferWithdrawal {
		held := t.Fee.String()
		v.FeeHeld = &held
	}
	if t.Waiting != nil {
		v.Waiting = &ReasonView{Code: t.Waiting.Code, Message: t.Waiting.Message, Since: t.Waiting.Since.Format(time.RFC3339)}
	}
	if !t.ExpiresAt.IsZero() {
		v.HoldExpires = t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	v.RequestedBy = t.RequestedBy
	if t.RequiredApprovals > 0 {
		a := &ApprovalsView{Required: t.RequiredApprovals, Deadline: t.ApprovalDeadline.Format(time.RFC3339), Decisions: []DecisionView{}}
		for _, d := range t.Approvals {
			dec := "approve"
			if !d.Approve {
				dec = "reject"
			}
			a.Decisions = append(a.Decisions, DecisionView{Approver: d.Approver, Decision: dec, Comment: d.Comment, At: d.At.Format(time.RFC3339Nano)})
		}
		v.Approvals = a
	}
	return v
}

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
