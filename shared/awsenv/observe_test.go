package awsenv

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/stablegate/stablegate/shared/obs"
)

// A failed KMS call is a span with an error status and an AwsErrors
// metric by service, what the KMS errors alarm watches.
func TestObserveTracesAndCountsFailedKMSCalls(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"DisabledException","message":"key is disabled"}`))
	}))
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	defer otel.SetTracerProvider(prev)
	var out bytes.Buffer
	prevMetrics := errorMetrics
	errorMetrics = obs.NewMetrics(&out, "Test", "fn")
	defer func() { errorMetrics = prevMetrics }()

	cfg, err := Config(envOf(map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}))
	if err != nil {
		t.Fatal(err)
	}
	kc := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(srv.URL); o.RetryMaxAttempts = 1 })
	if _, err := kc.Sign(context.Background(), &kms.SignInput{KeyId: aws.String("k"), Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256"}); err == nil {
		t.Fatal("Sign succeeded against a failing KMS")
	}
	spans := rec.Ended()
	if len(spans) != 1 || spans[0].Name() != "KMS.Sign" || spans[0].Status().Description != "DisabledException" {
		t.Fatalf("spans = %v", spans)
	}
	if !strings.Contains(out.String(), `"AwsErrors":1`) || !strings.Contains(out.String(), `"Service":"KMS"`) {
		t.Fatalf("metrics = %s, want AwsErrors 1 for KMS", out.String())
	}
}

// An expected refusal of another service (a failed condition) is traced
// but not counted as an error to alarm on.
func TestExpectedRefusalsAreNotCounted(t *testing.T) {
	if counts("DynamoDB", fakeAPIError{"ConditionalCheckFailedException", false}) {
		t.Fatal("a failed condition counted")
	}
	if !counts("DynamoDB", fakeAPIError{"ProvisionedThroughputExceededException", false}) {
		t.Fatal("throttling not counted")
	}
	if !counts("SQS", fakeAPIError{"InternalError", true}) {
		t.Fatal("a server fault not counted")
	}
}

type fakeAPIError struct {
	code   string
	server bool
}

func (e fakeAPIError) Error() string     { return e.code }
func (e fakeAPIError) ErrorCode() string { return e.code }
func (e fakeAPIError) ErrorMessage() string {
	return e.code
}
func (e fakeAPIError) ErrorFault() smithy.ErrorFault {
	if e.server {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}
