// Package hooksends builds the webhook routes that queue deliveries: a
// test send and a replay. They build over the webhook service with its
// queue and its sealer (notifyfn.NotifyService): the idempotent answers
// are sealed as every webhook route's are.
package hooksends

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/notify"
)

// queued is the webhook service with its queue and its sealer.
func queued(env core.Env) (*notify.Service, *dynamo.Store, error) {
	return notifyfn.NotifyService(env, true)
}

// The webhook routes that queue, one function each (see template.yaml).

// WebhookEndpointsTest builds the webhook-endpoints-test function.
func WebhookEndpointsTest(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return hookfn.Route("webhook-endpoints-test", queued, func(h hookapi.Handlers) httpapi.Handler { return h.Test })(ctx, env)
}

// WebhookEndpointsReplay builds the webhook-endpoints-replay function.
func WebhookEndpointsReplay(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return hookfn.Route("webhook-endpoints-replay", queued, func(h hookapi.Handlers) httpapi.Handler { return h.Replay })(ctx, env)
}
