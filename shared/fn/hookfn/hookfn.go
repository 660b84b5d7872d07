// Package hookfn wires the webhook routes that read, edit or remove what
// is stored: the endpoints (list, get, update, delete), an endpoint's
// delivery log, and the events (list, get). They neither seal a secret nor
// queue a delivery, so they link no KMS or SQS client (issue 18: a route
// links what it uses). Creating an endpoint and rotating its secret seal
// (hookfn/hookwrites); a test send and a replay also queue deliveries
// (hookfn/hooksends).
package hookfn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/notify"
	"github.com/stablegate/stablegate/shared/webhook"
)

// handlers serve the webhook routes over the store alone: no sealer, no
// queue.
func handlers(_ context.Context, env core.Env) (hookapi.Handlers, error) {
	svc, st, err := Service(env)
	if err != nil {
		return hookapi.Handlers{}, err
	}
	return hookapi.Handlers{Svc: svc, Idem: st.Base}, nil
}

// Service is the webhook service over the store alone: an edited URL is
// checked as every endpoint's is, loopback only on the local stack
// (ALLOW_LOOPBACK_WEBHOOKS, never in Lambda). The routes that seal or
// queue add their sealer and queue to it.
func Service(env core.Env) (*notify.Service, *dynamo.Store, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	return &notify.Service{Store: st.Webhooks, AllowLoopback: webhook.LoopbackAllowed(env("ALLOW_LOOPBACK_WEBHOOKS") == "true"), Now: time.Now}, st, nil
}

// WebhookEndpointsList builds GET /v1/webhook-endpoints.
func WebhookEndpointsList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("webhook-endpoints-list", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.List })(ctx, env)
}

// WebhookEndpointsGet builds GET /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("webhook-endpoints-get", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// WebhookEndpointsUpdate builds PATCH /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsUpdate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("webhook-endpoints-update", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Update })(ctx, env)
}

// WebhookEndpointsDelete builds DELETE /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsDelete(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("webhook-endpoints-delete", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Delete })(ctx, env)
}

// WebhookEndpointsDeliveries builds GET /v1/webhook-endpoints/{endpoint_id}/deliveries.
func WebhookEndpointsDeliveries(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("webhook-endpoints-deliveries", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Deliveries })(ctx, env)
}

// EventsList builds GET /v1/events.
func EventsList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("events-list", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Events })(ctx, env)
}

// EventsGet builds GET /v1/events/{event_id}.
func EventsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("events-get", handlers, func(h hookapi.Handlers) httpapi.Handler { return h.Event })(ctx, env)
}
