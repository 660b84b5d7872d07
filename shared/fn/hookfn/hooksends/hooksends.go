// Package hooksends builds the webhook routes that queue deliveries: a
// test send and a replay. They build over the webhook service with its
// queue and its sealer (notifyfn.NotifyService): the idempotent answers
// are sealed as every webhook route's are.
package hooksends

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

// The webhook routes that queue, one function each (see template.yaml).

// WebhookEndpointsTest builds the webhook-endpoints-test function.
func WebhookEndpointsTest(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-test", func(h hookapi.Handlers) httpapi.Handler { return h.Test })(ctx, env)
}

// WebhookEndpointsReplay builds the webhook-endpoints-replay function.
func WebhookEndpointsReplay(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-replay", func(h hookapi.Handlers) httpapi.Handler { return h.Replay })(ctx, env)
}
