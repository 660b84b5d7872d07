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

// Route builds one webhook route over the webhook service service
// builds: Service here (the store alone), with the sealer in hookwrites,
// with the queue and the sealer in hooksends.
func Route(name string, service func(core.Env) (*notify.Service, *dynamo.Store, error), pick func(hookapi.Handlers) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (hookapi.Handlers, error) {
		svc, st, err := service(env)
		if err != nil {
			return hookapi.Handlers{}, err
		}
		return hookapi.Handlers{Svc: svc, Idem: st.Base}, nil
	}, pick)
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
	return Route("webhook-endpoints-list", Service, func(h hookapi.Handlers) httpapi.Handler { return h.List })(ctx, env)
}

// WebhookEndpointsGet builds GET /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("webhook-endpoints-get", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// WebhookEndpointsUpdate builds PATCH /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsUpdate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("webhook-endpoints-update", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Update })(ctx, env)
}

// WebhookEndpointsDelete builds DELETE /v1/webhook-endpoints/{endpoint_id}.
func WebhookEndpointsDelete(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("webhook-endpoints-delete", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Delete })(ctx, env)
}

// WebhookEndpointsDeliveries builds GET /v1/webhook-endpoints/{endpoint_id}/deliveries.
func WebhookEndpointsDeliveries(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("webhook-endpoints-deliveries", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Deliveries })(ctx, env)
}

// EventsList builds GET /v1/events.
func EventsList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("events-list", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Events })(ctx, env)
}

// EventsGet builds GET /v1/events/{event_id}.
func EventsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("events-get", Service, func(h hookapi.Handlers) httpapi.Handler { return h.Event })(ctx, env)
}
