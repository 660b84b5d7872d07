// Package hookwrites builds the webhook routes that seal but queue
// nothing: creating an endpoint and rotating its secret seal the secret
// and the idempotent answer that carries it (KMS). They build over the
// webhook store (hookfn.Service) with the sealer, and link no SQS client;
// the routes that queue deliveries are hookfn/hooksends'.
package hookwrites

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// route builds one webhook route over the store and the sealer of
// endpoint secrets (ENVELOPE_KEY_ID).
func route(name string, pick func(hookapi.Handlers) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (hookapi.Handlers, error) {
		if err := core.Required(env, "ENVELOPE_KEY_ID"); err != nil {
			return hookapi.Handlers{}, err
		}
		svc, st, err := hookfn.Service(env)
		if err != nil {
			return hookapi.Handlers{}, err
		}
		if svc.Sealer, err = kmsfn.Sealer(env); err != nil {
			return hookapi.Handlers{}, err
		}
		return hookapi.Handlers{Svc: svc, Idem: st.Base}, nil
	}, pick)
}

// The webhook routes that seal, one function each (see template.yaml).

// WebhookEndpointsCreate builds the webhook-endpoints-create function.
func WebhookEndpointsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-create", func(h hookapi.Handlers) httpapi.Handler { return h.Create })(ctx, env)
}

// WebhookEndpointsRotate builds the webhook-endpoints-rotate function.
func WebhookEndpointsRotate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("webhook-endpoints-rotate", func(h hookapi.Handlers) httpapi.Handler { return h.RotateSecret })(ctx, env)
}
