package fn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// webhookHandlers builds the webhook routes' handlers.
func webhookHandlers(env Env) (hookapi.Handlers, error) {
	svc, st, err := notifyfn.NotifyService(env, true)
	if err != nil {
		return hookapi.Handlers{}, err
	}
	return hookapi.Handlers{Svc: svc, Idem: st.Base}, nil
}

func webhookRoute(name string, pick func(hookapi.Handlers) httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		h, err := webhookHandlers(env)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(h)), nil
	}
}

// The webhook routes that seal a secret or queue a delivery (see
// template.yaml); the ones that only read or remove are in package hookfn.
func WebhookEndpointsCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	return webhookRoute("webhook-endpoints-create", func(h hookapi.Handlers) httpapi.Handler { return h.Create })(ctx, env)
}

func WebhookEndpointsUpdate(ctx context.Context, env Env) (httpapi.Handler, error) {
	return webhookRoute("webhook-endpoints-update", func(h hookapi.Handlers) httpapi.Handler { return h.Update })(ctx, env)
}

func WebhookEndpointsRotate(ctx context.Context, env Env) (httpapi.Handler, error) {
	return webhookRoute("webhook-endpoints-rotate", func(h hookapi.Handlers) httpapi.Handler { return h.RotateSecret })(ctx, env)
}

func WebhookEndpointsTest(ctx context.Context, env Env) (httpapi.Handler, error) {
	return webhookRoute("webhook-endpoints-test", func(h hookapi.Handlers) httpapi.Handler { return h.Test })(ctx, env)
}

func WebhookEndpointsReplay(ctx context.Context, env Env) (httpapi.Handler, error) {
	return webhookRoute("webhook-endpoints-replay", func(h hookapi.Handlers) httpapi.Handler { return h.Replay })(ctx, env)
}
