// Package hookwrites builds the webhook routes that seal but queue
// nothing: creating an endpoint and rotating its secret seal the secret
// and the idempotent answer that carries it (KMS). They build over the
// webhook store (hookfn.Service) with the sealer, and link no SQS client;
// the routes that queue deliveries are hookfn/hooksends'.
package hookwrites

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/notify"
)

// sealed is the webhook service over the store (hookfn.Service) with the
// sealer of endpoint secrets (ENVELOPE_KEY_ID).
func sealed(env core.Env) (*notify.Service, *dynamo.Store, error) {
	if err := core.Required(env, "ENVELOPE_KEY_ID"); err != nil {
		return nil, nil, err
	}
	svc, st, err := hookfn.Service(env)
	if err != nil {
		return nil, nil, err
	}
	if svc.Sealer, err = kmsfn.Sealer(env); err != nil {
		return nil, nil, err
	}
	return svc, st, nil
}

// The webhook routes that seal, one function each (see template.yaml).

// WebhookEndpointsCreate builds the webhook-endpoints-create function.
func WebhookEndpointsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return hookfn.Route("webhook-endpoints-create", sealed, func(h hookapi.Handlers) httpapi.Handler { return h.Create })(ctx, env)
}

// WebhookEndpointsRotate builds the webhook-endpoints-rotate function.
func WebhookEndpointsRotate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return hookfn.Route("webhook-endpoints-rotate", sealed, func(h hookapi.Handlers) httpapi.Handler { return h.RotateSecret })(ctx, env)
}
