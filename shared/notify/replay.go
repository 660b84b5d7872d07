package notify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ReplayInput names what to send again: one event (EventID), or every
// event created in [From, To) that the endpoint takes (at most 30 days and
// 1000 events).
type ReplayInput struct {
	EventID  string
	From, To time.Time
}

// Replay sends events again to one endpoint, as new deliveries of the same
// event ids (receivers dedupe by id), in order per ordering key after
// anything of the key still pending. It returns how many were queued. A
// refused replay queues nothing.
func (s *Service) Replay(ctx context.Context, tenant, endpointID string, in ReplayInput) (int, error) {
	ep, err := s.Store.WebhookEndpoint(ctx, tenant, endpointID)
	if err != nil {
		return 0, err
	}
	if ep.Status != sg.EndpointEnabled {
		return 0, sg.ErrEndpointDisabled
	}
	var evs []sg.WebhookEvent
	switch {
	case in.EventID != "" && in.From.IsZero() && in.To.IsZero():
		ev, err := s.Store.WebhookEvent(ctx, tenant, in.EventID)
		if err != nil {
			if errors.Is(err, sg.ErrNotFound) {
				return 0, sg.ErrNotFound.WithParam("event_id")
			}
			return 0, err
		}
		evs = append(evs, ev)
	case in.EventID == "" && !in.From.IsZero() && in.To.After(in.From) && in.To.Sub(in.From) <= maxReplayRange:
		page := sg.Page{Limit: 100}
		for {
			got, next, err := s.Store.WebhookEvents(ctx, tenant, in.From, in.To, page)
			if err != nil {
				return 0, err
			}
			for _, ev := range got {
				if ev.Type != TypeTest && takes(ep.EnabledEvents, ev.Type) {
					evs = append(evs, ev)
				}
			}
			if len(evs) > maxReplayEvents {
				return 0, sg.ErrReplayRange.WithMessage("a replay sends at most 1000 events; narrow the range")
			}
			if next == "" {
				break
			}
			page.Cursor = next
		}
	default:
		return 0, sg.ErrReplayRange
	}
	rid, err := s.newID("rpl")
	if err != nil {
		return 0, err
	}
	for _, ev := range evs {
		if err := s.fanTo(ctx, ev, ep, rid+":"+ev.ID, ev.OrderingKey); err != nil {
			return 0, err
		}
	}
	return len(evs), nil
}

// Deliveries is the endpoint's delivery log, newest first (another
// tenant's endpoint is not_found).
func (s *Service) Deliveries(ctx context.Context, tenant, endpointID string, page sg.Page) ([]sg.Delivery, string, error) {
	if _, err := s.Store.WebhookEndpoint(ctx, tenant, endpointID); err != nil {
		return nil, "", err
	}
	return s.Store.Deliveries(ctx, tenant, endpointID, page)
}

// Event is the tenant's event.
func (s *Service) Event(ctx context.Context, tenant, id string) (sg.WebhookEvent, error) {
	return s.Store.WebhookEvent(ctx, tenant, id)
}

// Events lists the tenant's events created in [from, to) (zero to: no
// bound), oldest first.
func (s *Service) Events(ctx context.Context, tenant string, from, to time.Time, page sg.Page) ([]sg.WebhookEvent, string, error) {
	return s.Store.WebhookEvents(ctx, tenant, from, to, page)
}

// DecodeTask reads a queue message body (the JSON of sg.DeliveryTask); the
// SQS worker calls Deliver with it, and drops (and logs) a body it cannot read.
func DecodeTask(body string) (sg.DeliveryTask, error) {
	var t sg.DeliveryTask
	if err := json.Unmarshal([]byte(body), &t); err != nil || t.EndpointID == "" || t.JobKey == "" || t.TenantID == "" || t.Gen < 0 {
		return sg.DeliveryTask{}, sg.ErrValidation.WithMessage("notify: not a delivery task")
	}
	return t, nil
}
