package fn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/queue"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SQSHandler consumes a batch of queue messages and names the ones to retry.
type SQSHandler func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)

// SQSBuilder makes a queue consumer from its environment.
type SQSBuilder func(ctx context.Context, env Env) (SQSHandler, error)

// WithdrawalsService builds the withdrawal pipeline from TABLE_NAME,
// WITHDRAWALS_QUEUE_URL and the fee quotes WITHDRAWAL_FEE_ETHEREUM and
// WITHDRAWAL_FEE_TRON (decimal USDT).
func WithdrawalsService(env Env) (*ledger.Withdrawals, *dynamo.Store, error) {
	if err := required(env, "WITHDRAWALS_QUEUE_URL", "WITHDRAWAL_FEE_ETHEREUM", "WITHDRAWAL_FEE_TRON"); err != nil {
		return nil, nil, err
	}
	st, err := Store(env)
	if err != nil {
		return nil, nil, err
	}
	fees := map[sg.Chain]sg.Amount{}
	for c, v := range map[sg.Chain]string{sg.Ethereum: env("WITHDRAWAL_FEE_ETHEREUM"), sg.Tron: env("WITHDRAWAL_FEE_TRON")} {
		if fees[c], err = sg.ParseAmount(v, sg.USDTDecimals); err != nil {
			return nil, nil, errors.New("fn: withdrawal fee of " + string(c) + " is not a decimal amount")
		}
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "SQS")
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = ep })
	return &ledger.Withdrawals{
		Service: Ledger(st), Mover: st, Queue: &queue.FIFO{Client: q, URL: env("WITHDRAWALS_QUEUE_URL")},
		Policy: ledger.AllowAll{}, Fee: func(c sg.Chain) sg.Amount { return fees[c] },
	}, st, nil
}

// WithdrawalsCreate builds POST /v1/withdrawals.
func WithdrawalsCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, _, err := WithdrawalsService(env)
	return httpapi.Wrap("withdrawals-create", api.Withdrawals{W: w}.Create), err
}

// WithdrawalsCancel builds POST /v1/withdrawals/{transfer_id}/cancel.
func WithdrawalsCancel(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, _, err := WithdrawalsService(env)
	return httpapi.Wrap("withdrawals-cancel", api.Withdrawals{W: w}.Cancel), err
}

// WithdrawalsWorker builds the queue consumer that drives withdrawals
// through policy, signing, broadcast and confirmation. A message whose
// withdrawal waits for the chain, or whose step failed, is reported back
// for redelivery; one parked for a signer is done (signing re-queues it).
func WithdrawalsWorker(ctx context.Context, env Env) (SQSHandler, error) {
	w, _, err := WithdrawalsService(env)
	if err != nil {
		return nil, err
	}
	return WorkerFor(ctx, env, w)
}

// WorkerFor builds the queue consumer over a pipeline (chainfn adds the
// chains' payouts to it).
func WorkerFor(ctx context.Context, env Env, w *ledger.Withdrawals) (SQSHandler, error) {
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "SQS")
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = ep })
	url := env("WITHDRAWALS_QUEUE_URL")
	retryIn := func(ctx context.Context, receipt string, seconds int32) {
		q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: &receipt, VisibilityTimeout: seconds})
	}
	return WorkerHandler(w, retryIn, obs.NewLogger(os.Stdout, "withdrawals-worker")), nil
}

// Redelivery delays, shorter than the queue's visibility timeout: a record
// not yet visible is usually a create still committing; confirmations
// arrive every few seconds.
const (
	retryMissingSeconds = 2
	retryWaitingSeconds = 5
)

// WorkerHandler is the consumer's logic over a given pipeline. retryIn sets
// when a message reported as failed comes back.
func WorkerHandler(w *ledger.Withdrawals, retryIn func(ctx context.Context, receipt string, seconds int32), log *slog.Logger) SQSHandler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			var m ledger.Message
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil || m.ID == "" {
				log.Error("malformed message dropped", "message_id", r.MessageId)
				continue
			}
			t, waiting, err := w.Advance(ctx, m.Tenant, m.ID)
			switch {
			case errors.Is(err, sg.ErrNotFound):
				// The create has not committed yet (or never will): retried
				// until the dead-letter queue takes it.
				retryIn(ctx, r.ReceiptHandle, retryMissingSeconds)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			case err != nil:
				log.Warn("withdrawal step failed; will retry", "transfer_id", m.ID, "error", err.Error())
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			case waiting:
				retryIn(ctx, r.ReceiptHandle, retryWaitingSeconds)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			default:
				log.Info("withdrawal advanced", "transfer_id", t.ID, "state", string(t.State))
			}
		}
		return resp, nil
	}
}
