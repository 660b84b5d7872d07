package obs

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func stub(parent bool) tracetest.SpanStub {
	tid, _ := trace.TraceIDFromHex("5759e988bd862e3fe1be46a994272793")
	sid, _ := trace.SpanIDFromHex("53995c3f42cd8ad8")
	pid, _ := trace.SpanIDFromHex("70de5b6f19ff9a0a")
	s := tracetest.SpanStub{
		Name:        "DynamoDB.UpdateItem",
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		SpanKind:    trace.SpanKindClient,
		StartTime:   time.Unix(1478293361, 271000000),
		EndTime:     time.Unix(1478293361, 449000000),
		Attributes:  []attribute.KeyValue{attribute.String("aws.operation", "UpdateItem"), attribute.Int64("http.status_code", 400), attribute.Bool("retry", true)},
		Status:      sdktrace.Status{Code: codes.Error},
	}
	if parent {
		s.Parent = trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: pid})
	}
	return s
}

// The document of a child client span, field by field as X-Ray's segment
// documents name them (the ids and times of X-Ray's documented example).
func TestXRaySegmentOfAChildSpan(t *testing.T) {
	doc, err := XRaySegment(stub(true).Snapshot(), true)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"DynamoDB.UpdateItem","id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",` +
		`"parent_id":"70de5b6f19ff9a0a","type":"subsegment","start_time":1478293361.271,"end_time":1478293361.449,` +
		`"namespace":"remote","fault":true,"annotations":{"aws_operation":"UpdateItem","http_status_code":400,"retry":true}}`
	if string(doc) != want {
		t.Fatalf("got  %s\nwant %s", doc, want)
	}
	root, _ := XRaySegment(stub(false).Snapshot(), false)
	if strings.Contains(string(root), "parent_id") || strings.Contains(string(root), "subsegment") || strings.Contains(string(root), "annotations") {
		t.Fatalf("a root span without annotations: %s", root)
	}
	if got := xrayName("POST /v1/withdrawals {id} é"); got != "POST /v1/withdrawals _id_ _" {
		t.Fatalf("name %q", got)
	}
}

// Spans ended in a function reach the daemon's UDP port, one datagram
// each, behind the daemon's header line.
func TestXRayDaemonReceivesEachSpan(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close() }()
	x, err := NewXRayDaemon("tcp:127.0.0.1:1 udp:" + pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Shutdown(context.Background()) }()
	if err := x.ExportSpans(context.Background(), tracetest.SpanStubs{stub(true), stub(false)}.Snapshots()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 70000)
	for i := 0; i < 2; i++ {
		_ = pc.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		head, doc, ok := strings.Cut(string(buf[:n]), "\n")
		if !ok || head != `{"format":"json","version":1}` || !strings.Contains(doc, `"trace_id":"1-5759e988-bd862e3fe1be46a994272793"`) {
			t.Fatalf("datagram %d: %q", i, buf[:n])
		}
	}
	if _, err := NewXRayDaemon("tcp:127.0.0.1:2000"); err == nil {
		t.Fatal("an address with no UDP part was taken")
	}
}
