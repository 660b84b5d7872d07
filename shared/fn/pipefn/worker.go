package pipefn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/queue"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The withdrawals queue's consumer: each message steps one payout (or one
// payout batch) of the pipeline. chainfn builds it with the chains'
// payouts (withdrawals-worker).

// WorkerFor builds the queue consumer over a pipeline (chainfn adds the
// chains' payouts to it).
func WorkerFor(ctx context.Context, env Env, w *ledger.Withdrawals, st *dynamo.Store) (core.SQSHandler, error) {
	retryIn, err := withdrawalsRetryIn(env)
	if err != nil {
		return nil, err
	}
	return WorkerHandler(w, retryIn, st.Watch.Track, obs.NewLogger(os.Stdout, "withdrawals-worker")), nil
}

// withdrawalsRetryIn brings a withdrawals queue message (WITHDRAWALS_QUEUE_URL)
// back after the seconds given. Best effort: if it fails, the message
// comes back after the queue's visibility timeout instead.
func withdrawalsRetryIn(env Env) (func(ctx context.Context, receipt string, seconds int32), error) {
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "SQS")
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = ep })
	url := env("WITHDRAWALS_QUEUE_URL")
	return func(ctx context.Context, receipt string, seconds int32) {
		_, _ = q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: &receipt, VisibilityTimeout: seconds})
	}, nil
}

// Redelivery delays, shorter than the queue's visibility timeout: a record
// not yet visible is usually a create still committing; a failed track
// write is retried soon.
const (
	retryMissingSeconds = 2
	retryWaitingSeconds = 5
	// A payout the hot wallet cannot send yet (float short) is tried
	// again a minute later; after the queue's receive limit the sweep of
	// stalled withdrawals queues it again.
	retryShortSeconds = 60
)

// orphanAfter is how old a message may be before its missing record means
// the create will never commit (a create's Lambda times out after 10 s).
const orphanAfter = time.Minute

// orphaned reports whether a message was sent more than orphanAfter ago
// (SQS's SentTimestamp, in milliseconds).
func orphaned(r events.SQSMessage) bool {
	ms, err := strconv.ParseInt(r.Attributes["SentTimestamp"], 10, 64)
	return err == nil && time.Since(time.UnixMilli(ms)) > orphanAfter
}

// WorkerHandler is the consumer's logic over a given pipeline. retryIn sets
// when a message reported as failed comes back. A payout that has been
// broadcast and waits for its chain is handed to the tracker (track) and its
// message acknowledged: the queue's FIFO group moves on to the next payout.
func WorkerHandler(w *ledger.Withdrawals, retryIn func(ctx context.Context, receipt string, seconds int32),
	track func(ctx context.Context, c sg.Chain, tenant, id string) error, log *slog.Logger) core.SQSHandler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			// ---- ops: tracing ---- each message's step continues the
			// trace of the request that queued it.
			ctx, span := obs.Tracer().Start(obs.WithTraceHeader(ctx, messageTrace(r)), "withdrawals-worker",
				trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attribute.String("messaging.message.id", r.MessageId)))
			span.End() // the step's own calls are its children; the span marks the hand-over
			var m ledger.Message
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil || m.ID == "" {
				log.Error("malformed message dropped", "message_id", r.MessageId)
				continue
			}
			t, waiting, err := w.Advance(ctx, m.Tenant, m.ID)
			switch {
			case errors.Is(err, sg.ErrNotFound) && orphaned(r):
				// No record a minute after sending: the create was refused
				// (say, for funds) or its process stopped before writing.
				log.Info("message without a withdrawal dropped", "transfer_id", m.ID)
			case errors.Is(err, sg.ErrNotFound):
				// The create has not committed yet: asked again shortly.
				retryIn(ctx, r.ReceiptHandle, retryMissingSeconds)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			case errors.Is(err, ledger.ErrCannotSendYet):
				log.Info("payout cannot be sent yet; will retry", "transfer_id", m.ID)
				retryIn(ctx, r.ReceiptHandle, retryShortSeconds)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			case err != nil:
				log.Warn("withdrawal step failed; will retry", "transfer_id", m.ID, "error", err.Error())
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			case waiting:
				if err := track(ctx, t.Chain, m.Tenant, m.ID); err != nil {
					retryIn(ctx, r.ReceiptHandle, retryWaitingSeconds)
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
					continue
				}
				log.Info("withdrawal broadcast; tracked to its end", "transfer_id", t.ID, "state", string(t.State))
			default:
				log.Info("withdrawal advanced", "transfer_id", t.ID, "state", string(t.State))
			}
		}
		return resp, nil
	}
}

// messageTrace is the trace header r carries (queue.TraceOf).
func messageTrace(r events.SQSMessage) string {
	var v string
	if a, ok := r.MessageAttributes[queue.TraceAttribute]; ok && a.StringValue != nil {
		v = *a.StringValue
	}
	return queue.TraceOf(r.Attributes, map[string]string{queue.TraceAttribute: v})
}

// BatchWorkerFor is the withdrawals queue's consumer with payout batches:
// a message naming a batch is run by bs (Batches.Run), every other goes to
// inner (WorkerFor).
func BatchWorkerFor(ctx context.Context, env Env, bs *ledger.Batches, inner core.SQSHandler) (core.SQSHandler, error) {
	retryIn, err := withdrawalsRetryIn(env)
	if err != nil {
		return nil, err
	}
	return BatchWorkerHandler(bs, inner, retryIn, obs.NewLogger(os.Stdout, "withdrawals-worker")), nil
}

// BatchWorkerHandler splits a queue batch: batch messages are run here,
// the others handed to inner, and the failures of both reported.
func BatchWorkerHandler(bs *ledger.Batches, inner core.SQSHandler, retryIn func(ctx context.Context, receipt string, seconds int32), log *slog.Logger) core.SQSHandler {
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
