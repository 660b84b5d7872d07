package notify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// EndpointInput creates an endpoint.
type EndpointInput struct {
	URL           string
	Description   string
	EnabledEvents []string
}

// EndpointPatch changes an endpoint; nil fields stay as they are. Status
// "enabled" turns a disabled endpoint back on (its failure count reset).
type EndpointPatch struct {
	URL           *string
	Description   *string
	EnabledEvents *[]string
	Status        *string
}

func checkDescription(d string) error {
	if len(d) > 500 {
		return sg.ErrValidation.WithParam("description").WithMessage("description is at most 500 bytes")
	}
	return nil
}

// CreateEndpoint makes an endpoint with a new secret, returned here once
// (stored sealed, never shown again). A refused URL or event type writes
// nothing.
func (s *Service) CreateEndpoint(ctx context.Context, tenant string, in EndpointInput) (sg.WebhookEndpoint, string, error) {
	if err := webhook.CheckURL(in.URL, s.AllowLoopback); err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	types, err := checkEvents(in.EnabledEvents)
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	if err := checkDescription(in.Description); err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	all, err := s.Store.WebhookEndpoints(ctx, tenant)
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	if len(all) >= MaxEndpoints {
		return sg.WebhookEndpoint{}, "", sg.ErrTooManyEndpoints
	}
	id, err := s.newID("we")
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	secret, err := s.newSecret()
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	sealed, err := s.seal(ctx, tenant, secret)
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	now := s.now()
	e := sg.WebhookEndpoint{ID: id, TenantID: tenant, URL: in.URL, Description: in.Description, EnabledEvents: types,
		Status: sg.EndpointEnabled, SecretSealed: sealed, Created: now, Updated: now}
	if err := s.Store.CreateWebhookEndpoint(ctx, e); err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	e, err = s.Store.WebhookEndpoint(ctx, tenant, id)
	return e, secret, err
}

// Endpoint is the tenant's endpoint (another tenant's is not_found).
func (s *Service) Endpoint(ctx context.Context, tenant, id string) (sg.WebhookEndpoint, error) {
	return s.Store.WebhookEndpoint(ctx, tenant, id)
}

// Endpoints are the tenant's endpoints, oldest first.
func (s *Service) Endpoints(ctx context.Context, tenant string) ([]sg.WebhookEndpoint, error) {
	return s.Store.WebhookEndpoints(ctx, tenant)
}

// update applies f to the endpoint as stored, retrying a lost race.
func (s *Service) update(ctx context.Context, tenant, id string, f func(*sg.WebhookEndpoint) error) (sg.WebhookEndpoint, error) {
	for range 5 {
		e, err := s.Store.WebhookEndpoint(ctx, tenant, id)
		if err != nil {
			return sg.WebhookEndpoint{}, err
		}
		if err := f(&e); err != nil {
			return sg.WebhookEndpoint{}, err
		}
		e.Updated = s.now()
		out, err := s.Store.UpdateWebhookEndpoint(ctx, e)
		if !errors.Is(err, sg.ErrWebhookEndpointChanged) {
			return out, err
		}
	}
	return sg.WebhookEndpoint{}, sg.ErrWebhookEndpointChanged
}

// UpdateEndpoint changes the tenant's endpoint.
func (s *Service) UpdateEndpoint(ctx context.Context, tenant, id string, p EndpointPatch) (sg.WebhookEndpoint, error) {
	if p.URL != nil {
		if err := webhook.CheckURL(*p.URL, s.AllowLoopback); err != nil {
			return sg.WebhookEndpoint{}, err
		}
	}
	var types []string
	if p.EnabledEvents != nil {
		var err error
		if types, err = checkEvents(*p.EnabledEvents); err != nil {
			return sg.WebhookEndpoint{}, err
		}
	}
	if p.Description != nil {
		if err := checkDescription(*p.Description); err != nil {
			return sg.WebhookEndpoint{}, err
		}
	}
	if p.Status != nil && *p.Status != sg.EndpointEnabled && *p.Status != sg.EndpointDisabled {
		return sg.WebhookEndpoint{}, sg.ErrValidation.WithParam("status").WithMessage(`status is "enabled" or "disabled"`)
	}
	return s.update(ctx, tenant, id, func(e *sg.WebhookEndpoint) error {
		if p.URL != nil {
			e.URL = *p.URL
		}
		if p.Description != nil {
			e.Description = *p.Description
		}
		if types != nil {
			e.EnabledEvents = types
		}
		if p.Status != nil && *p.Status != e.Status {
			e.Status = *p.Status
			e.DisabledReason = ""
			if e.Status == sg.EndpointDisabled {
				e.DisabledReason = "user"
			} else {
				e.FailingSince, e.ConsecutiveDead = time.Time{}, 0
			}
		}
		return nil
	})
}

// DeleteEndpoint removes the tenant's endpoint; its queued deliveries die
// (endpoint_deleted).
func (s *Service) DeleteEndpoint(ctx context.Context, tenant, id string) error {
	return s.Store.DeleteWebhookEndpoint(ctx, tenant, id)
}

// RotateSecret gives the endpoint a new secret, returned here once; the
// old one keeps signing beside it for overlap (0 is Overlap, 24 hours; at
// most 7 days), so receivers can switch without refusing a delivery.
func (s *Service) RotateSecret(ctx context.Context, tenant, id string, overlap time.Duration) (sg.WebhookEndpoint, string, error) {
	if overlap < 0 || overlap > 7*24*time.Hour {
		return sg.WebhookEndpoint{}, "", sg.ErrValidation.WithParam("overlap_seconds").WithMessage("overlap_seconds is 0 to 604800")
	}
	overlap = orDefault(overlap, orDefault(s.Overlap, DefaultOverlap))
	if _, err := s.Store.WebhookEndpoint(ctx, tenant, id); err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	secret, err := s.newSecret()
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	sealed, err := s.seal(ctx, tenant, secret)
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	e, err := s.update(ctx, tenant, id, func(e *sg.WebhookEndpoint) error {
		e.PreviousSecretSealed, e.PreviousExpires = e.SecretSealed, s.now().Add(overlap)
		e.SecretSealed = sealed
		return nil
	})
	if err != nil {
		return sg.WebhookEndpoint{}, "", err
	}
	return e, secret, nil
}

// TestSend sends a webhook.test event to this endpoint only (whatever
// events it enabled, and even when disabled).
func (s *Service) TestSend(ctx context.Context, tenant, id string) (sg.WebhookEvent, error) {
	e, err := s.Store.WebhookEndpoint(ctx, tenant, id)
	if err != nil {
		return sg.WebhookEvent{}, err
	}
	evID, err := s.newID("evt")
	if err != nil {
		return sg.WebhookEvent{}, err
	}
	data, _ := json.Marshal(map[string]string{"object": "webhook_test", "endpoint_id": e.ID})
	ev := sg.WebhookEvent{ID: evID, TenantID: tenant, Type: TypeTest, Created: s.now(), APIVersion: sg.WebhookAPIVersion, Data: data}
	if ev, _, err = s.Store.PutWebhookEvent(ctx, ev); err != nil {
		return sg.WebhookEvent{}, err
	}
	return ev, s.fanTo(ctx, ev, e, ev.ID, "")
}
