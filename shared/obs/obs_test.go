package obs

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLoggerRedactsSecretsAndKeepsContext(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, "wallets-create")
	l.Info("request", "request_id", "r1", "tenant", "t1", "authorization", "Bearer abc.def.ghi", "customer_ref", "alice@example.com", "xprv", "xprv9s21")
	out := buf.String()
	for _, secret := range []string{"abc.def.ghi", "alice@example.com", "xprv9s21"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log leaks %q: %s", secret, out)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if m["function"] != "wallets-create" || m["request_id"] != "r1" || m["tenant"] != "t1" {
		t.Fatalf("missing context: %v", m)
	}
}

func TestEMFLineShape(t *testing.T) {
	var buf bytes.Buffer
	NewMetrics(&buf, "Stablegate", "wallets-get").Emit("GET /v1/wallets/{wallet_id}", Metric{"Latency", "Milliseconds", 7}, Metric{"Status5xx", "Count", 0})
	var m struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Function string
		Latency  int64
	}
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	d := m.AWS.CloudWatchMetrics
	if len(d) != 1 || d[0].Namespace != "Stablegate" || len(d[0].Metrics) != 2 || m.Latency != 7 || m.Function != "wallets-get" {
		t.Fatalf("bad EMF: %s", buf.String())
	}
}
