// Package fn wires each Lambda function: configuration from the environment,
// clients built once at init, the handler wrapped with logging and metrics.
// functions/<name>/main.go calls Start with its builder; the local gateway
// (devstack.Functions) calls the same builders, so the same code runs in both.
package fn

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/obs"
)

// Env reads one configuration variable (os.Getenv on Lambda; the template's
// resolved Environment in the local gateway).
type Env func(string) string

// Builder makes a function's handler from its environment.
type Builder func(ctx context.Context, env Env) (httpapi.Handler, error)

// Start builds the handler once, at init, and hands it to the Lambda
// runtime. H is the handler's type: HTTP, WebSocket, queue or stream.
func Start[H any](name string, b func(context.Context, Env) (H, error)) {
	// ---- ops: tracing ---- X-Ray ids and header, TRACE_SAMPLE_RATE;
	// spans are made and their ids flow (logs, queue messages), and with
	// Lambda's active tracing they go to its X-Ray daemon
	// (AWS_XRAY_DAEMON_ADDRESS) as subsegments of the function's segment.
	obs.SetupTracing(traceExporter(os.Getenv), obs.SampleRate(os.Getenv))
	h, err := b(context.Background(), os.Getenv)
	if err == nil { // ---- oauth: rate limits on every HTTP route ----
		var rl *httpapi.RateLimits
		if rl, err = RateLimits(os.Getenv); rl != nil {
			httpapi.UseRateLimits(rl)
		}
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

// dynamoClient builds the DynamoDB client from the environment. Endpoints
// come from AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL) when set; against
// such an endpoint it skips the response checksum, which DynamoDB Local does
// not send on 4xx answers.
func dynamoClient(env Env) (*dynamodb.Client, error) {
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

func required(env Env, names ...string) error {
	for _, n := range names {
		if env(n) == "" {
			return fmt.Errorf("fn: environment variable %s is not set", n)
		}
	}
	return nil
}
