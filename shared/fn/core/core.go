// Package core is the part of the wiring every function runs: the
// environment, the start (tracing, rate limits, the handler built once at
// init), the DynamoDB client and store, the ledger over it, and the
// handler types of jobs, streams and queues. It links no KMS or SQS client
// (package kmsfn builds KMS's), and no builder, so a function
// whose builder lives in a small package (walletfn, coursefn) links only
// what that builder uses; package fn forwards to it for the builders that
// still live there (issue 18: the wiring split so a route does not pull
// every adapter).
package core

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
)

// Env reads one configuration variable (os.Getenv on Lambda; the template's
// resolved Environment in the local gateway).
type Env func(string) string

// Handler is a function's handler that serves no HTTP route: a job, a
// stream or queue consumer. HTTP routes start through httpfn.Start, which
// also turns on their rate limits; core links no HTTP code (issue 18: a
// worker does not pay for request validation at init).
type Handler interface {
	Job | StreamHandler | SQSHandler
}

// Start builds the handler once, at init, and hands it to the Lambda
// runtime.
func Start[H Handler](name string, b func(context.Context, Env) (H, error)) {
	StartWith(name, b, nil)
}

// StartWith is Start with a step run after the handler is built and before
// the runtime starts (httpfn turns on rate limits there). H is any handler
// type the Lambda runtime takes.
func StartWith[H any](name string, b func(context.Context, Env) (H, error), after func(Env) error) {
	// ---- ops: tracing ---- X-Ray ids and header, TRACE_SAMPLE_RATE;
	// spans are made and their ids flow (logs, queue messages), and with
	// Lambda's active tracing they go to its X-Ray daemon
	// (AWS_XRAY_DAEMON_ADDRESS) as subsegments of the function's segment.
	obs.SetupTracing(traceExporter(os.Getenv), obs.SampleRate(os.Getenv))
	h, err := b(context.Background(), os.Getenv)
	if err == nil && after != nil {
		err = after(os.Getenv)
	}
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("init failed", "function", name, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// traceExporter is the X-Ray daemon Lambda runs beside a function with
// active tracing, or nil (no daemon, or TRACE_EXPORT=off).
func traceExporter(env Env) sdktrace.SpanExporter {
	addr := env("AWS_XRAY_DAEMON_ADDRESS")
	if addr == "" || env("TRACE_EXPORT") == "off" {
		return nil
	}
	x, err := obs.NewXRayDaemon(addr)
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Warn("traces not exported", "error", err.Error())
		return nil
	}
	return x
}

// DynamoClient builds the DynamoDB client from the environment. Endpoints
// come from AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL) when set; against
// such an endpoint it skips the response checksum, which DynamoDB Local does
// not send on 4xx answers.
func DynamoClient(env Env) (*dynamodb.Client, error) {
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "DYNAMODB")
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep != nil {
			o.BaseEndpoint = ep
			o.DisableValidateResponseChecksum = true
		}
	}), nil
}

// Job is a scheduled function's handler; its result is logged by Lambda.
type Job func(ctx context.Context) (any, error)

// JobBuilder makes a scheduled function's handler.
type JobBuilder func(ctx context.Context, env Env) (Job, error)

// StreamHandler consumes a batch of DynamoDB stream records.
type StreamHandler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// StreamBuilder makes a stream consumer.
type StreamBuilder func(ctx context.Context, env Env) (StreamHandler, error)

// SQSHandler consumes a batch of queue messages and names the ones to retry.
type SQSHandler func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)

// SQSBuilder makes a queue consumer from its environment.
type SQSBuilder func(ctx context.Context, env Env) (SQSHandler, error)

// Ledger is the ledger service over a store.
func Ledger(st *dynamo.Store) *ledger.Service {
	return &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}
}

// LedgerService builds the ledger on TABLE_NAME.
func LedgerService(env Env) (*ledger.Service, error) {
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	return Ledger(st), nil
}

// Required says which of the named variables is unset, if any.
func Required(env Env, names ...string) error {
	for _, n := range names {
		if env(n) == "" {
			return fmt.Errorf("fn: environment variable %s is not set", n)
		}
	}
	return nil
}

// Store is the DynamoDB store on TABLE_NAME.
func Store(env Env) (*dynamo.Store, error) {
	if err := Required(env, "TABLE_NAME"); err != nil {
		return nil, err
	}
	db, err := DynamoClient(env)
	if err != nil {
		return nil, err
	}
	return dynamo.New(db, env("TABLE_NAME")), nil
}

// FirstUse returns a getter of what build makes, built at the getter's
// first successful call rather than at init (issue 18: a cold start makes
// no network call). A failed build is not kept: the next call tries again.
// Calls are serialised while the value is being built.
func FirstUse[T any](build func(context.Context) (T, error)) func(context.Context) (T, error) {
	var (
		mu    sync.Mutex
		built bool
		v     T
	)
	return func(ctx context.Context) (T, error) {
		mu.Lock()
		defer mu.Unlock()
		if !built {
			next, err := build(ctx)
			if err != nil {
				return next, err
			}
			v, built = next, true
		}
		return v, nil
	}
}
