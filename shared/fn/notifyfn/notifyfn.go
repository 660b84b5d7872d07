// Package notifyfn wires the webhook service with its sealer of endpoint
// secrets (NotifyService), which the webhook routes use, and the delivery
// worker (webhooks-deliver). It links no request handling; publishing
// events, which needs no sealer, is package publishfn's.
package notifyfn

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/notify"
	"github.com/stablegate/stablegate/shared/obs"
)

// Env reads one configuration variable.
type Env = core.Env

// NotifyService builds the webhook service (publishfn.Service); sealed
// adds the sealer of endpoint secrets (ENVELOPE_KEY_ID), which every route
// but Publish needs.
func NotifyService(env Env, sealed bool) (*notify.Service, *dynamo.Store, error) {
	svc, st, err := publishfn.Service(env)
	if err != nil || !sealed {
		return svc, st, err
	}
	if err := core.Required(env, "ENVELOPE_KEY_ID"); err != nil {
		return nil, nil, err
	}
	if svc.Sealer, err = kmsfn.Sealer(env); err != nil {
		return nil, nil, err
	}
	return svc, st, nil
}

// WebhooksDeliver builds the delivery worker: each message is one
// delivery task (notify.Deliver). A body that is not a task is logged and
// dropped; a task that fails for a fault of ours (the store, the queue,
// KMS) is reported, and SQS brings it back after the visibility timeout
// (then to the dead-letter queue). A receiver's failure is no fault here:
// the service schedules the retry itself.
func WebhooksDeliver(ctx context.Context, env Env) (core.SQSHandler, error) {
	svc, _, err := NotifyService(env, true)
	if err != nil {
		return nil, err
	}
	return DeliverHandler(svc, obs.NewLogger(os.Stdout, "webhooks-deliver")), nil
}

// DeliverHandler is the worker's logic over a service.
func DeliverHandler(svc *notify.Service, log *slog.Logger) core.SQSHandler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			t, err := notify.DecodeTask(r.Body)
			if err != nil {
				log.Error("malformed delivery task dropped", "message_id", r.MessageId)
				continue
			}
			if err := svc.Deliver(ctx, t); err != nil {
				log.Error("delivery failed; the message comes back", "message_id", r.MessageId, "endpoint", t.EndpointID, "error", err.Error())
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		return resp, nil
	}
}
