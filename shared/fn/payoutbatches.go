package fn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BatchWorkerFor is the withdrawals queue's consumer with payout batches:
// a message naming a batch is run by bs (Batches.Run), every other goes to
// inner (WorkerFor).
func BatchWorkerFor(ctx context.Context, env Env, bs *ledger.Batches, inner SQSHandler) (SQSHandler, error) {
	retryIn, err := withdrawalsRetryIn(env)
	if err != nil {
		return nil, err
	}
	return BatchWorkerHandler(bs, inner, retryIn, obs.NewLogger(os.Stdout, "withdrawals-worker")), nil
}

// BatchWorkerHandler splits a queue batch: batch messages are run here,
// the others handed to inner, and the failures of both reported.
func BatchWorkerHandler(bs *ledger.Batches, inner SQSHandler, retryIn func(ctx context.Context, receipt string, seconds int32), log *slog.Logger) SQSHandler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		var rest events.SQSEvent
		for _, r := range ev.Records {
			var m ledger.Message
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil || !m.Batch {
				rest.Records = append(rest.Records, r)
				continue
			}
			b, err := bs.Run(ctx, m.Tenant, m.ID)
			fail := func(seconds int32) {
				retryIn(ctx, r.ReceiptHandle, seconds)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
			switch {
			case errors.Is(err, sg.ErrNotFound) && orphaned(r):
				log.Info("message without a batch dropped", "batch_id", m.ID)
			case errors.Is(err, sg.ErrNotFound):
				fail(retryMissingSeconds)
			case errors.Is(err, ledger.ErrBatchWaiting):
				fail(retryWaitingSeconds)
			case errors.Is(err, ledger.ErrCannotSendYet):
				log.Info("batch cannot be sent yet; will retry", "batch_id", m.ID)
				fail(retryWaitingSeconds)
			case err != nil:
				log.Warn("batch step failed; will retry", "batch_id", m.ID, "error", err.Error())
				fail(retryWaitingSeconds)
			default:
				log.Info("batch advanced", "batch_id", b.ID, "state", string(b.State), "legs", len(b.Legs))
			}
		}
		if len(rest.Records) > 0 {
			r, err := inner(ctx, rest)
			if err != nil {
				return r, err
			}
			resp.BatchItemFailures = append(resp.BatchItemFailures, r.BatchItemFailures...)
		}
		return resp, nil
	}
}
