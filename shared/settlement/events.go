package settlement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Webhook event types a settlement raises.
const (
	EventClosed = "settlement.closed"
	EventPaying = "settlement.payout_requested"
	EventPaid   = "settlement.paid"
	EventFailed = "settlement.failed"
)

// Summary is a settlement as its events and lists show it: no lines.
type Summary struct {
	ID               string           `json:"id"`
	Chain            string           `json:"chain"`
	Currency         string           `json:"currency"`
	Status           string           `json:"status"`
	PeriodFrom       string           `json:"period_from"`
	PeriodTo         string           `json:"period_to,omitempty"`
	Destination      *DestinationView `json:"destination,omitempty"`
	PayoutTransferID string           `json:"payout_transfer_id,omitempty"`
	Attempt          int              `json:"attempt,omitempty"`
	FailReason       string           `json:"fail_reason,omitempty"`
	PayoutBatchID    string           `json:"payout_batch_id,omitempty"`
	Waiting          string           `json:"waiting,omitempty"`
	Held             *HeldView        `json:"held,omitempty"`
	LineCount        int              `json:"line_count"`
	Totals           TotalsView       `json:"totals"`
	CreatedAt        string           `json:"created_at"`
	ClosedAt         string           `json:"closed_at,omitempty"`
	PaidAt           string           `json:"paid_at,omitempty"`
}

// SummaryOf renders a settlement without its lines.
func SummaryOf(stl sg.Settlement) Summary {
	v := Summary{ID: stl.ID, Chain: string(stl.Chain), Currency: string(stl.Currency), Status: string(stl.Status),
		PeriodFrom: ts(stl.Period.From), PeriodTo: ts(stl.Period.To), PayoutTransferID: stl.PayoutTransferID, Attempt: stl.Attempt,
		FailReason: stl.FailReason, PayoutBatchID: stl.PayoutBatchID, Waiting: stl.Waiting, Held: heldView(stl.Held), LineCount: stl.LineCount, CreatedAt: ts(stl.CreatedAt), ClosedAt: ts(stl.ClosedAt), PaidAt: ts(stl.PaidAt),
		Totals: TotalsView{Gross: stl.Totals.Gross.String(), Fees: stl.Totals.Fees.String(), Refunds: stl.Totals.Refunds.String(),
			Net: stl.Totals.Net.String()}}
	if stl.Destination.Address != "" {
		v.Destination = &DestinationView{Chain: string(stl.Destination.Chain), Address: stl.Destination.Address}
	}
	return v
}

// eventType is the event a settlement in its status raises ("" for none).
func eventType(s sg.SettlementStatus) string {
	switch s {
	case sg.SettlementClosed:
		return EventClosed
	case sg.SettlementPaying:
		return EventPaying
	case sg.SettlementPaid:
		return EventPaid
	case sg.SettlementFailed:
		return EventFailed
	}
	return ""
}

// announce publishes the event of the settlement's status, if any. Its id
// is fixed by the settlement, status and attempt, so announcing twice
// (a redelivered hook, a retried job) sends it once.
func (s *Service) announce(ctx context.Context, stl sg.Settlement) error {
	typ := eventType(stl.Status)
	if s.Events == nil || typ == "" {
		return nil
	}
	data, err := json.Marshal(SummaryOf(stl))
	if err != nil {
		return sg.Internal("settlement.announce", err)
	}
	h := sha256.Sum256([]byte(stl.TenantID + "\x00" + stl.ID + "\x00" + typ + "\x00" + strconv.Itoa(stl.Attempt)))
	return s.Events.Publish(ctx, sg.WebhookEvent{ID: "evt_" + hex.EncodeToString(h[:12]), TenantID: stl.TenantID, Type: typ,
		Created: s.now(), APIVersion: sg.WebhookAPIVersion, OrderingKey: stl.ID, Data: data})
}
