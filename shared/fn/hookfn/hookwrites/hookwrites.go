// Package hookwrites builds the webhook routes that seal a secret or
// queue a delivery (create, update, rotate, test, replay) over the webhook
// service with its sealer (notifyfn.NotifyService); the routes that only
// read or remove are package hookfn's, over the webhook store alone.
package hookwrites

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// route builds one webhook route over the sealed webhook service.
func route(name string, pick func(hookapi.Handlers) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (hookapi.Handlers, error) {
		svc, st, err := notifyfn.NotifyService(env, true)
		if err != nil {
			return hookapi.Handlers{}, err
		}
		return hookapi.Handlers{Svc: svc, Idem: st.Base}, nil
	}, pick)
}

// The webhook routes that seal or queue, one function each (see
// template.yaml).

// WebhookEndpointsCreate builds the webhook-endpoints-create function.
func WebhookEndpointsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-create", func(h hookapi.Handlers) httpapi.Handler { return h.Create })(ctx, env)
}

// WebhookEndpointsUpdate builds the webhook-endpoints-update function.
func WebhookEndpointsUpdate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-update", func(h hookapi.Handlers) httpapi.Handler { return h.Update })(ctx, env)
}

// WebhookEndpointsRotate builds the webhook-endpoints-rotate function.
func WebhookEndpointsRotate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-rotate", func(h hookapi.Handlers) httpapi.Handler { return h.RotateSecret })(ctx, env)
}

// WebhookEndpointsTest builds the webhook-endpoints-test function.
func WebhookEndpointsTest(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-test", func(h hookapi.Handlers) httpapi.Handler { return h.Test })(ctx, env)
}

// WebhookEndpointsReplay builds the webhook-endpoints-replay function.
func WebhookEndpointsReplay(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-replay", func(h hookapi.Handlers) httpapi.Handler { return h.Replay })(ctx, env)
}
