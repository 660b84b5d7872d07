// Package obs writes structured JSON logs and CloudWatch embedded-metric
// format (EMF) lines. Logs carry the request id, tenant and function; a
// safety net redacts attributes whose names suggest a secret or PII, but the
// rule is simpler: never pass request bodies, headers, keys or tokens to a log.
package obs

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// redacted lists attribute names (lower case) whose values never reach a log.
var redacted = []string{"authorization", "token", "secret", "password", "mnemonic", "seed", "private", "xprv", "share", "customer_ref", "email", "phone", "body"}

// NewLogger returns a JSON logger writing to w with the function name set.
func NewLogger(w io.Writer, function string) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: levelFromEnv(),
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			k := strings.ToLower(a.Key)
			for _, r := range redacted {
				if strings.Contains(k, r) {
					return slog.String(a.Key, "[redacted]")
				}
			}
			return a
		},
	})
	return slog.New(h).With("function", function)
}

func levelFromEnv() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// Metrics writes CloudWatch EMF lines. CloudWatch turns each line into
// metric data points without an API call from the function.
type Metrics struct {
	mu        sync.Mutex
	w         io.Writer
	namespace string
	function  string
}

// NewMetrics returns an EMF writer for a function.
func NewMetrics(w io.Writer, namespace, function string) *Metrics {
	return &Metrics{w: w, namespace: namespace, function: function}
}

// Metric is one named value with a CloudWatch unit ("Milliseconds", "Count").
type Metric struct {
	Name  string
	Unit  string
	Value int64
}

// Emit writes one EMF line with the Function and Route dimensions.
func (m *Metrics) Emit(route string, ms ...Metric) {
	m.EmitDims(map[string]string{"Route": route}, [][]string{{"Function", "Route"}}, ms...)
}

// EmitDims writes one EMF line with the values dims (Function is always
// set) aggregated by each dimension set of sets.
func (m *Metrics) EmitDims(dims map[string]string, sets [][]string, ms ...Metric) {
	if m == nil {
		return
	}
	defs := make([]map[string]string, 0, len(ms))
	line := map[string]any{"Function": m.function}
	for k, v := range dims {
		line[k] = v
	}
	for _, x := range ms {
		defs = append(defs, map[string]string{"Name": x.Name, "Unit": x.Unit})
		line[x.Name] = x.Value
	}
	line["_aws"] = map[string]any{
		"Timestamp": time.Now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  m.namespace,
			"Dimensions": sets,
			"Metrics":    defs,
		}},
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, _ = m.w.Write(append(b, '\n')) // a log line that cannot be written has nowhere to be reported
}
