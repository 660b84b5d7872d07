package publishfn

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/streamimage"
)

// HistoryProjector builds the stream consumer that writes each transfer
// record's history lines under the wallets it touches, and publishes its
// transfer and payout webhook events (hookevents.TransferEvents: ids derived
// from the state change, so a redelivered record publishes nothing twice;
// ordered per transfer, as the stream orders one item's changes) when
// WEBHOOK_QUEUE_URL is set, to tenants with an endpoint that takes them.
func HistoryProjector(ctx context.Context, env Env) (core.StreamHandler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	pub := &transferPublisher{env: env}
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, r := range ev.Records {
			if r.EventName != "INSERT" && r.EventName != "MODIFY" {
				continue
			}
			img := streamimage.Item(r.Change.NewImage)
			err := st.History.PutHistory(ctx, img)
			if t, ok := dynamo.TransferFromImage(img); ok && err == nil {
				err = pub.publish(ctx, t, r.EventName == "INSERT")
			}
			if err != nil {
				// Retry from this record, so lines are never skipped.
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
				return resp, nil
			}
		}
		return resp, nil
	}, nil
}
