package awsenv

// ---- ops: tracing and failed-call metrics of every AWS call ----

import (
	"context"
	"errors"
	"os"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/stablegate/stablegate/shared/obs"
)

// errorMetrics receive AwsErrors (the KMS errors alarm watches Service=KMS).
var errorMetrics = obs.NewMetrics(os.Stdout, "Stablegate", os.Getenv("AWS_LAMBDA_FUNCTION_NAME"))

// Observe is the SDK middleware every client built from Config has: a
// client span per call (DynamoDB, SQS, KMS: "<service>.<operation>"), and
// an AwsErrors metric by service for each call that fails for a reason the
// caller did not mean (KMS: any error; others: a server fault, throttling
// or a transport error, not an expected refusal such as a failed
// condition).
func Observe(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("StablegateObserve",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			ctx, span := obs.Tracer().Start(ctx, svc+"."+op, trace.WithSpanKind(trace.SpanKindClient),
				trace.WithAttributes(attribute.String("rpc.system", "aws-api"), attribute.String("rpc.service", svc), attribute.String("rpc.method", op)))
			out, md, err := next.HandleInitialize(ctx, in)
			if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
				span.SetAttributes(attribute.String("aws.request_id", id))
			}
			if err != nil {
				span.SetStatus(codes.Error, errorCode(err))
				if counts(svc, err) && ctx.Err() == nil {
					errorMetrics.EmitDims(map[string]string{"Service": svc, "Operation": op}, [][]string{{"Service"}},
						obs.Metric{Name: "AwsErrors", Unit: "Count", Value: 1})
				}
			}
			span.End()
			return out, md, err
		}), middleware.Before)
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "transport"
}

// counts reports whether a failed call is one an operator should hear of.
func counts(svc string, err error) bool {
	if svc == "KMS" {
		return true
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return true // no answer: network, timeout
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "RequestThrottled":
		return true
	}
	return ae.ErrorFault() == smithy.FaultServer
}
