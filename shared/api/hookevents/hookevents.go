// Package hookevents makes the transfer and payout webhook events from a
// transfer's stream record. It is apart from package hookapi (the webhook
// routes) so that the history projector, which publishes them, links no
// request handling (issue 18).
package hookevents

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/stablegate/stablegate/shared/api/transferview"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Transfer and payout event types. A deposit or an internal transfer is
// transfer.created when recorded and transfer.updated at each later state
// (a deposit posted or reversed); a payout (a withdrawal) is
// payout.created, then payout.<state> at each state it reaches
// (payout.awaiting_approval, payout.approved, payout.rejected,
// payout.awaiting_signer, payout.signed, payout.broadcast,
// payout.confirmed, payout.posted, payout.cancelled, payout.failed,
// payout.expired). data is the Transfer as GET /v1/transfers shows it.
const (
	TypeTransferCreated = "transfer.created"
	TypeTransferUpdated = "transfer.updated"
	TypePayoutCreated   = "payout.created"
)

// TransferEvents are the events of one stream record of a transfer:
// inserted says whether the record was just created (the stream's INSERT).
// Their ids are a hash of the tenant, the transfer and the state change
// (the state and how many state changes it has recorded), so a
// redelivered record, or a change that records no new state, publishes
// nothing twice. Their ordering key is the transfer's id: the table's
// stream keeps the order of one item's changes, not across items, so the
// transfer is the widest order the source guarantees.
func TransferEvents(t sg.Transfer, inserted bool) []sg.WebhookEvent {
	if t.TenantID == "" || t.TenantID == sg.PlatformTenant || t.ID == "" || t.Type == sg.TransferFloat {
		return nil
	}
	data, err := json.Marshal(transferview.Of(t))
	if err != nil {
		return nil
	}
	payout := t.Type == sg.TransferWithdrawal
	at := t.UpdatedAt
	if at.IsZero() {
		at = t.CreatedAt
	}
	var out []sg.WebhookEvent
	if inserted {
		typ := TypeTransferCreated
		if payout {
			typ = TypePayoutCreated
		}
		created := t.CreatedAt
		if created.IsZero() {
			created = at
		}
		out = append(out, sg.WebhookEvent{ID: eventID(t.TenantID, t.ID, "created"), TenantID: t.TenantID, Type: typ,
			Created: created, OrderingKey: t.ID, Data: data})
	}
	// The first recorded state is the creation's; every later one is a change.
	if n := len(t.Events); n > 1 && t.State != "" {
		typ := TypeTransferUpdated
		if payout {
			typ = "payout." + strings.ToLower(string(t.State))
		}
		out = append(out, sg.WebhookEvent{ID: eventID(t.TenantID, t.ID, string(t.State), itoa(n)), TenantID: t.TenantID, Type: typ,
			Created: at, OrderingKey: t.ID, Data: data})
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// eventID is "evt_" and 24 hex digits of the parts' SHA-256.
func eventID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "evt_" + hex.EncodeToString(h[:12])
}

// Subscribed reports whether any of eps (enabled or not: a disabled one
// may be enabled and replay) takes events of type typ ("*", "<group>.*"
// or the type itself).
func Subscribed(eps []sg.WebhookEndpoint, typ string) bool {
	for _, e := range eps {
		for _, t := range e.EnabledEvents {
			if t == "*" || t == typ || strings.HasSuffix(t, ".*") && strings.HasPrefix(typ, strings.TrimSuffix(t, "*")) {
				return true
			}
		}
	}
	return false
}
