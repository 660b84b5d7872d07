package devstack

// ---- ops: the local stack's trace output ----

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/stablegate/stablegate/shared/obs"
)

// SpanLine is one span in the local stack's traces.jsonl: ids in X-Ray's
// form (trace 1-<8 hex>-<24 hex>), times in RFC 3339 with nanoseconds.
type SpanLine struct {
	TraceID  string            `json:"trace_id"`
	SpanID   string            `json:"span_id"`
	ParentID string            `json:"parent_id,omitempty"`
	Name     string            `json:"name"`
	Kind     string            `json:"kind"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Status   string            `json:"status,omitempty"`
	Attrs    map[string]string `json:"attributes,omitempty"`
}

// jsonlExporter writes every span as one JSON line: the local stand-in for
// X-Ray (there is no X-Ray to send spans to here).
type jsonlExporter struct {
	mu sync.Mutex
	f  *os.File
}

func (e *jsonlExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range spans {
		tid := s.SpanContext().TraceID().String()
		l := SpanLine{TraceID: "1-" + tid[:8] + "-" + tid[8:], SpanID: s.SpanContext().SpanID().String(), Name: s.Name(),
			Kind: s.SpanKind().String(), Start: s.StartTime(), End: s.EndTime(), Attrs: map[string]string{}}
		if s.Parent().IsValid() {
			l.ParentID = s.Parent().SpanID().String()
		}
		if s.Status().Code != 0 {
			l.Status = s.Status().Code.String() + ": " + s.Status().Description
		}
		for _, a := range s.Attributes() {
			l.Attrs[string(a.Key)] = a.Value.String()
		}
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if _, err := e.f.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

func (e *jsonlExporter) Shutdown(context.Context) error { return e.f.Close() }

// startTracing sends every span of the in-process functions to
// <state>/traces.jsonl, all sampled (TRACE_SAMPLE_RATE is the template's
// for AWS).
func startTracing(state string) (string, error) {
	path := filepath.Join(state, "traces.jsonl")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	obs.SetupTracing(&jsonlExporter{f: f}, 1)
	return path, nil
}
