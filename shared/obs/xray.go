package obs

// ---- ops: tracing ---- the functions' spans sent to X-Ray.

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// XRayDaemon exports spans to the X-Ray daemon over UDP, the way X-Ray's
// own SDKs do: each span is one segment document (a subsegment of its
// parent, or a segment when it has none) after the daemon's header line.
// In Lambda with active tracing the daemon runs beside every function
// (AWS_XRAY_DAEMON_ADDRESS), so the spans join the function's own segment
// in X-Ray with no collector and no extra cost per request beyond a UDP
// datagram. The ids are X-Ray's already (SetupTracing's id generator).
//
// The document's fields are those of X-Ray's segment documents: name, id,
// trace_id (1-<8 hex epoch>-<24 hex>), parent_id, start_time and end_time
// (epoch seconds), type "subsegment" for a child, fault for an error
// status, namespace "remote" for a client call, and the span's attributes
// as annotations (string, number and bool; keys reduced to [A-Za-z0-9_]).
type XRayDaemon struct {
	mu   sync.Mutex
	conn net.Conn
}

// xrayHeader starts every datagram the daemon takes.
const xrayHeader = `{"format":"json","version":1}` + "\n"

// xrayMaxDatagram is the most one datagram may carry.
const xrayMaxDatagram = 64 * 1024

// NewXRayDaemon dials the daemon at addr, AWS_XRAY_DAEMON_ADDRESS's form:
// "host:port", or "tcp:host:port udp:host:port" (the UDP one is used).
func NewXRayDaemon(addr string) (*XRayDaemon, error) {
	udp := strings.TrimSpace(addr)
	for _, part := range strings.Fields(addr) {
		if rest, ok := strings.CutPrefix(part, "udp:"); ok {
			udp = rest
		}
	}
	if udp == "" || strings.HasPrefix(udp, "tcp:") {
		return nil, errors.New("obs: no UDP address for the X-Ray daemon in " + addr)
	}
	c, err := net.Dial("udp", udp)
	if err != nil {
		return nil, err
	}
	return &XRayDaemon{conn: c}, nil
}

// ExportSpans implements sdktrace.SpanExporter: one datagram a span (a
// document too large for a datagram loses its annotations, never the span).
func (x *XRayDaemon) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var first error
	for _, s := range spans {
		doc, err := XRaySegment(s, true)
		if err == nil && len(doc)+len(xrayHeader) > xrayMaxDatagram {
			doc, err = XRaySegment(s, false)
		}
		if err == nil {
			_, err = x.conn.Write(append([]byte(xrayHeader), doc...))
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Shutdown implements sdktrace.SpanExporter.
func (x *XRayDaemon) Shutdown(context.Context) error { return x.conn.Close() }

type xraySegment struct {
	Name        string         `json:"name"`
	ID          string         `json:"id"`
	TraceID     string         `json:"trace_id"`
	ParentID    string         `json:"parent_id,omitempty"`
	Type        string         `json:"type,omitempty"`
	StartTime   float64        `json:"start_time"`
	EndTime     float64        `json:"end_time"`
	Namespace   string         `json:"namespace,omitempty"`
	Fault       bool           `json:"fault,omitempty"`
	Annotations map[string]any `json:"annotations,omitempty"`
}

// XRaySegment is span s as an X-Ray segment document, with its attributes
// as annotations when annotate.
func XRaySegment(s sdktrace.ReadOnlySpan, annotate bool) ([]byte, error) {
	sc := s.SpanContext()
	tid := sc.TraceID().String()
	seg := xraySegment{Name: xrayName(s.Name()), ID: sc.SpanID().String(), TraceID: "1-" + tid[:8] + "-" + tid[8:],
		StartTime: float64(s.StartTime().UnixMicro()) / 1e6, EndTime: float64(s.EndTime().UnixMicro()) / 1e6,
		Fault: s.Status().Code == codes.Error}
	if p := s.Parent(); p.SpanID().IsValid() {
		seg.ParentID, seg.Type = p.SpanID().String(), "subsegment"
	}
	if s.SpanKind() == trace.SpanKindClient {
		seg.Namespace = "remote"
	}
	if annotate {
		for _, kv := range s.Attributes() {
			k := xrayKey(string(kv.Key))
			switch kv.Value.Type() {
			case attribute.STRING:
				seg.Annotations = annotation(seg.Annotations, k, kv.Value.AsString())
			case attribute.BOOL:
				seg.Annotations = annotation(seg.Annotations, k, kv.Value.AsBool())
			case attribute.INT64:
				seg.Annotations = annotation(seg.Annotations, k, kv.Value.AsInt64())
			case attribute.FLOAT64:
				seg.Annotations = annotation(seg.Annotations, k, kv.Value.AsFloat64())
			}
		}
	}
	return json.Marshal(seg)
}

func annotation(m map[string]any, k string, v any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m[k] = v
	return m
}

// xrayKey is an annotation key X-Ray takes: letters, digits and "_".
func xrayKey(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// xrayName is a segment name X-Ray takes: at most 200 characters of
// letters, digits, spaces and _.:/%&#=+-@ (others become "_").
func xrayName(n string) string {
	var b strings.Builder
	for _, r := range n {
		if b.Len() >= 200 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" _.:/%&#=+-@", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "span"
	}
	return b.String()
}

var _ sdktrace.SpanExporter = (*XRayDaemon)(nil)
