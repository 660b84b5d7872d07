package obs

// ---- ops: tracing ----

import (
	"context"
	"strconv"
	"sync"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is OpenTelemetry with AWS X-Ray's trace id format and header
// (X-Amzn-Trace-Id: Root=1-...;Parent=...;Sampled=1), so a trace started by
// a caller, by Lambda's active tracing or by a message's AWSTraceHeader goes
// on through every function it reaches. Spans are made by httpapi.Wrap (one
// per request, with its request id), awsenv's middleware (one per
// DynamoDB, SQS and KMS call), the failover pool (one per chain RPC) and the
// queue consumers (one per message, as a child of the sender's span).

var (
	traceOnce sync.Once
	xrayProp  = xray.Propagator{}
)

// SetupTracing installs the process's tracer provider: X-Ray ids, spans
// sampled at rate (0 to 1) unless a parent decided, and sent to exp (none
// when exp is nil: spans are then made and dropped, and ids still flow).
// The first call wins.
func SetupTracing(exp sdktrace.SpanExporter, rate float64) {
	traceOnce.Do(func() {
		opts := []sdktrace.TracerProviderOption{
			sdktrace.WithIDGenerator(xray.NewIDGenerator()),
			sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(rate))),
		}
		if exp != nil {
			opts = append(opts, sdktrace.WithSyncer(exp))
		}
		otel.SetTracerProvider(sdktrace.NewTracerProvider(opts...))
		otel.SetTextMapPropagator(xrayProp)
	})
}

// SampleRate reads TRACE_SAMPLE_RATE (default 0.05).
func SampleRate(getenv func(string) string) float64 {
	r, err := strconv.ParseFloat(getenv("TRACE_SAMPLE_RATE"), 64)
	if err != nil || r < 0 || r > 1 {
		return 0.05
	}
	return r
}

// Tracer is Stablegate's tracer.
func Tracer() trace.Tracer { return otel.Tracer("stablegate") }

// TraceHeader is ctx's span as an X-Amzn-Trace-Id value ("" when ctx has
// no valid span).
func TraceHeader(ctx context.Context) string {
	c := propagation.MapCarrier{}
	xrayProp.Inject(ctx, c)
	return c.Get("X-Amzn-Trace-Id")
}

// WithTraceHeader returns ctx with h (an X-Amzn-Trace-Id value) as the
// remote parent of the spans started from it; ctx as it is when h is not a
// valid header.
func WithTraceHeader(ctx context.Context, h string) context.Context {
	if h == "" {
		return ctx
	}
	return xrayProp.Extract(ctx, propagation.MapCarrier{"X-Amzn-Trace-Id": h})
}

// TraceID is ctx's trace id in X-Ray's form (1-<8 hex>-<24 hex>; "" when
// none): logs carry it, so a log line leads to its trace.
func TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return ""
	}
	id := sc.TraceID().String()
	return "1-" + id[:8] + "-" + id[8:]
}
