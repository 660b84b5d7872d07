// Package transferview is a transfer in the API's shape (the Transfer
// schema of infra/openapi.yaml): what the routes answer and what the
// transfer and payout webhook events carry. It is apart from package api
// so that the history projector, which publishes those events, links no
// request handling (issue 18).
package transferview

import (
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

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

// Of renders a transfer in the spec's shape.
func Of(t sg.Transfer) TransferView {
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
