package failover

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/obs"
)

// provider is a test server that answers its name, or 503 while down.
type testProvider struct {
	srv   *httptest.Server
	down  atomic.Bool
	calls atomic.Int64
}

func newProvider(t *testing.T, name string) *testProvider {
	p := &testProvider{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.calls.Add(1)
		if p.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, name+" "+r.URL.Path+" "+string(body))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func call(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Post(url, "text/plain", strings.NewReader("ping"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// breakerLines are the BreakerOpen values the pool wrote for provider.
func breakerLines(t *testing.T, out *bytes.Buffer, provider string) []int {
	var vals []int
	for _, line := range strings.Split(out.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["Provider"] != provider {
			continue
		}
		if v, ok := m["BreakerOpen"].(float64); ok {
			vals = append(vals, int(v))
		}
	}
	return vals
}

func TestFailoverOpensAndClosesTheBreaker(t *testing.T) {
	a, b := newProvider(t, "a"), newProvider(t, "b")
	var out bytes.Buffer
	p, err := New("ethereum", []string{a.srv.URL + "/rpc", b.srv.URL + "/rpc"}, Settings{
		Cooldown: 50 * time.Millisecond, Trip: 2, Metrics: obs.NewMetrics(&out, "Test", "rpc"), Log: obs.NewLogger(io.Discard, "rpc")})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Client()
	if got := call(t, c, p.URL()+"/x"); got != "a /rpc/x ping" {
		t.Fatalf("healthy pool answered %q, want the first provider with the path and body kept", got)
	}
	a.down.Store(true)
	for i := 0; i < 5; i++ {
		if got := call(t, c, p.URL()); got != "b /rpc ping" {
			t.Fatalf("call %d with the first provider down answered %q", i, got)
		}
	}
	if p.State(0) != "open" {
		t.Fatalf("breaker of the failing provider is %s, want open", p.State(0))
	}
	before := a.calls.Load()
	call(t, c, p.URL())
	if a.calls.Load() != before {
		t.Fatal("an open breaker let a call through to the failing provider")
	}
	a.down.Store(false)
	// After the cooldown the trial call closes it again.
	deadline := time.Now().Add(10 * time.Second)
	for p.State(0) != "closed" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		call(t, c, p.URL()) // once half-open, this is the trial call
	}
	if p.State(0) != "closed" {
		t.Fatalf("breaker stayed %s after the provider recovered", p.State(0))
	}
	vals := breakerLines(t, &out, "p0")
	if len(vals) < 3 || vals[0] != 1 || vals[len(vals)-1] != 0 {
		t.Fatalf("BreakerOpen metrics for p0 = %v, want open (1), half-open (1) ... closed (0)", vals)
	}
}

func TestAllProvidersFailingReturnsTheLastAnswer(t *testing.T) {
	a, b := newProvider(t, "a"), newProvider(t, "b")
	a.down.Store(true)
	b.down.Store(true)
	p, err := New("tron", []string{a.srv.URL, b.srv.URL}, Settings{Metrics: obs.NewMetrics(io.Discard, "T", "rpc"), Log: obs.NewLogger(io.Discard, "rpc")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.Client().Get(p.URL() + "/wallet/getnowblock")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want the providers' own 503 (clients retry on it)", resp.StatusCode)
	}
	if a.calls.Load() != 1 || b.calls.Load() != 1 {
		t.Fatalf("calls a=%d b=%d, want each provider tried once", a.calls.Load(), b.calls.Load())
	}
}

func TestSlowProviderTimesOutAndRanksLast(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	fast := newProvider(t, "fast")
	p, err := New("ethereum", []string{slow.URL, fast.srv.URL}, Settings{Timeout: 100 * time.Millisecond,
		Metrics: obs.NewMetrics(io.Discard, "T", "rpc"), Log: obs.NewLogger(io.Discard, "rpc")})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Client()
	if got := call(t, c, p.URL()); got != "fast / ping" {
		t.Fatalf("answered %q, want the fast provider after the slow one timed out", got)
	}
	if o := p.order(); o[0].label != "p1" {
		t.Fatalf("healthiest provider is %s, want p1 (the slow one failed)", o[0].label)
	}
}

func TestProviderURLsStayOutOfErrors(t *testing.T) {
	_, err := New("tron", []string{"ftp://key-in-url.example"}, Settings{})
	if err == nil || strings.Contains(err.Error(), "key-in-url") {
		t.Fatalf("err = %v, want a refusal that does not repeat the URL", err)
	}
}
