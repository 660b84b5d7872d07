package settlement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Held settlements (issue 15: the merchant's tier). The settlement wallet
// belongs to the customer the settlement config names, so its payouts meet
// that customer's tier in the payout policy. The payer asks the policy
// first (no claim): when the tier does not allow the payout yet (a limit,
// a capability such as cross_chain, or no verification) the settlement is
// not failed and not silently retried: it stays closed with Held naming
// the refusal (shown by the API and raised once as settlement.held), and
// the job asks again later, less often the longer it waits, until the
// tier allows it (the customer verified, a window rolled on).

// EventHeld is the event of a settlement whose payout waits for the tier.
const EventHeld = sg.HeldSettlementEvent

// HeldError is what a payer answers for a payout the merchant's tier does
// not allow yet: the tier's refusal (named code).
type HeldError struct{ Reason *sg.Error }

func (e *HeldError) Error() string { return "settlement: held: " + e.Reason.Error() }

// Unwrap is the tier's refusal.
func (e *HeldError) Unwrap() error { return e.Reason }

// Hold wraps a tier refusal as a hold (other errors are returned as they are).
func Hold(err error) error {
	var e *sg.Error
	if errors.As(err, &e) && e.Kind == sg.KindRefused {
		return &HeldError{Reason: e}
	}
	return err
}

// DefaultHoldRecheck is the least time a held settlement waits before the
// job asks the tier again.
const DefaultHoldRecheck = time.Minute

// maxHoldRecheck is the most it waits between two asks.
const maxHoldRecheck = time.Hour

// recheckAfter is when a settlement held for d is asked about again: half
// the time it has waited, between the least recheck and an hour (so a
// long hold costs a few reads an hour, and a fresh one is seen soon).
func (s *Service) recheckAfter(d time.Duration) time.Duration {
	least := s.HoldRecheck
	if least <= 0 {
		least = DefaultHoldRecheck
	}
	return min(max(d/2, least), maxHoldRecheck)
}

// hold writes stl as held by refusal r: closed, Held set (its Since kept
// while the code stays the same), due again after recheckAfter. A new
// hold (or a new code) raises settlement.held once.
func (s *Service) hold(ctx context.Context, stl sg.Settlement, r *sg.Error) (sg.Settlement, error) {
	now := s.now()
	since, fresh := now, true
	if stl.Held != nil && stl.Held.Code == r.Code {
		since, fresh = stl.Held.Since, false
	}
	stl.Held = &sg.Reason{Code: r.Code, Message: r.Message, Since: since}
	stl.DueAt = now.Add(s.recheckAfter(now.Sub(since)))
	out, err := s.Store.UpdateSettlement(ctx, stl)
	if err != nil {
		return sg.Settlement{}, err
	}
	s.log().InfoContext(ctx, "settlement.held", "tenant", out.TenantID, "settlement", out.ID, "code", r.Code, "due", out.DueAt)
	if fresh {
		if err := s.announceHeld(ctx, out); err != nil {
			s.log().WarnContext(ctx, "settlement.event_unsent", "tenant", out.TenantID, "settlement", out.ID, "status", "held", "code", code(err))
		}
	}
	return out, nil
}

// announceHeld publishes settlement.held for stl's hold, once per
// (attempt, code, since).
func (s *Service) announceHeld(ctx context.Context, stl sg.Settlement) error {
	if s.Events == nil || stl.Held == nil {
		return nil
	}
	data, err := json.Marshal(SummaryOf(stl))
	if err != nil {
		return sg.Internal("settlement.announceHeld", err)
	}
	h := sha256.Sum256([]byte(stl.TenantID + "\x00" + stl.ID + "\x00" + EventHeld + "\x00" + stl.Held.Code + "\x00" +
		stl.Held.Since.UTC().Format(time.RFC3339Nano)))
	return s.Events.Publish(ctx, sg.WebhookEvent{ID: "evt_" + hex.EncodeToString(h[:12]), TenantID: stl.TenantID, Type: EventHeld,
		Created: s.now(), APIVersion: sg.WebhookAPIVersion, OrderingKey: stl.ID, Data: data})
}

// HeldView is why a settlement's payout waits.
type HeldView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Since   string `json:"since"`
}

func heldView(h *sg.Reason) *HeldView {
	if h == nil {
		return nil
	}
	return &HeldView{Code: h.Code, Message: h.Message, Since: ts(h.Since)}
}
