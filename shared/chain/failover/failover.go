// Package failover spreads a chain's RPC calls over several providers: each
// provider sits behind a circuit breaker (sony/gobreaker: closed, open,
// half-open) that opens on consecutive failures or on a high failure rate,
// every attempt has a timeout, and the providers are tried in order of
// health: breaker state first, then latency (a moving average, in bands of
// a fortieth of the timeout, 250 ms by default, so near-equal providers
// keep the configured order), so a failing
// or slow provider is skipped while the others serve. The breaker's
// state changes are written as CloudWatch EMF metrics (BreakerOpen, by chain
// and provider) and logged.
//
// The pool is an http.RoundTripper: the clients keep their own protocol code
// (go-ethereum's rpc, ethrpc, tron.Grid) and address the first provider's URL;
// the pool sends each request to the provider it chooses, with the rest of
// the path kept. Provider URLs may carry API keys, so they never reach a log
// or a metric: providers are named by position ("p0", "p1").
package failover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/stablegate/stablegate/shared/obs"
)

// Settings tune a pool; zero values take the defaults.
type Settings struct {
	// Timeout bounds one attempt at one provider (default 10 s).
	Timeout time.Duration
	// Cooldown is how long a breaker stays open before it lets one trial
	// request through (half-open; default 30 s).
	Cooldown time.Duration
	// Trip is the number of consecutive failures that opens a breaker
	// (default 3).
	Trip uint32
	// Transport makes the calls (default http.DefaultTransport).
	Transport http.RoundTripper
	// Metrics and Log receive the breaker's state changes (default: EMF
	// and JSON lines on stdout, as every function writes them).
	Metrics *obs.Metrics
	Log     *slog.Logger
}

// Pool is one chain's providers.
type Pool struct {
	chain     string
	providers []*provider
	timeout   time.Duration
	band      float64 // milliseconds: latencies this close rank alike
	transport http.RoundTripper
	metrics   *obs.Metrics
	log       *slog.Logger
}

type provider struct {
	label string
	base  string // URL without a trailing slash
	cb    *gobreaker.CircuitBreaker[*http.Response]

	mu      sync.Mutex
	latency float64 // moving average of answered and timed-out calls, milliseconds
}

// errStatus is an answer that counts as the provider failing: 5xx or 429.
type errStatus struct{ resp *http.Response }

func (e errStatus) Error() string { return fmt.Sprintf("HTTP %d", e.resp.StatusCode) }

// ErrNoProvider is returned when the pool has no provider to try: every
// breaker is open.
var ErrNoProvider = errors.New("failover: every provider's breaker is open")

// New builds a pool for chain over urls (at least one).
func New(chain string, urls []string, s Settings) (*Pool, error) {
	if len(urls) == 0 {
		return nil, errors.New("failover: no provider URL")
	}
	if s.Timeout <= 0 {
		s.Timeout = 10 * time.Second
	}
	if s.Cooldown <= 0 {
		s.Cooldown = 30 * time.Second
	}
	if s.Trip == 0 {
		s.Trip = 3
	}
	if s.Transport == nil {
		s.Transport = http.DefaultTransport
	}
	if s.Metrics == nil {
		s.Metrics = obs.NewMetrics(os.Stdout, "Stablegate", "rpc")
	}
	if s.Log == nil {
		s.Log = obs.NewLogger(os.Stdout, "rpc")
	}
	p := &Pool{chain: chain, timeout: s.Timeout, band: float64(s.Timeout.Milliseconds()) / 40, transport: s.Transport, metrics: s.Metrics, log: s.Log}
	for i, raw := range urls {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("failover: %s provider p%d is not an http(s) URL", chain, i)
		}
		pr := &provider{label: fmt.Sprintf("p%d", i), base: strings.TrimRight(u.String(), "/")}
		trip := s.Trip
		pr.cb = gobreaker.NewCircuitBreaker[*http.Response](gobreaker.Settings{
			Name:        pr.label,
			MaxRequests: 1,
			Timeout:     s.Cooldown,
			// Open after trip failures in a row, or when at least half of
			// ten or more calls in the last minute failed.
			Interval: time.Minute,
			ReadyToTrip: func(c gobreaker.Counts) bool {
				return c.ConsecutiveFailures >= trip || (c.Requests >= 10 && c.TotalFailures*2 >= c.Requests)
			},
			// The caller giving up is no fault of the provider.
			IsExcluded:    func(err error) bool { return errors.Is(err, context.Canceled) },
			OnStateChange: func(_ string, from, to gobreaker.State) { p.stateChanged(pr, from, to) },
		})
		p.providers = append(p.providers, pr)
	}
	return p, nil
}

// stateChanged writes the breaker's new state as a metric and a log line.
// BreakerOpen is 1 while the breaker is open or half-open, 0 once closed;
// it is written by chain and provider, and by chain alone (what the alarm
// watches).
func (p *Pool) stateChanged(pr *provider, from, to gobreaker.State) {
	open := int64(0)
	if to != gobreaker.StateClosed {
		open = 1
	}
	p.metrics.EmitDims(map[string]string{"Chain": p.chain, "Provider": pr.label}, [][]string{{"Chain", "Provider"}, {"Chain"}},
		obs.Metric{Name: "BreakerOpen", Unit: "Count", Value: open})
	p.log.Warn("breaker", "chain", p.chain, "provider", pr.label, "from", from.String(), "to", to.String())
}

// URL is the address clients are given: the first provider's. Requests to
// it (and below it) are spread over the pool.
func (p *Pool) URL() string { return p.providers[0].base }

// Client is an HTTP client whose calls go through the pool.
func (p *Pool) Client() *http.Client { return &http.Client{Transport: p} }

// State is provider i's breaker state ("closed", "open", "half-open").
func (p *Pool) State(i int) string { return p.providers[i].cb.State().String() }

// order is the providers to try: a half-open breaker first (it takes one
// trial call, and the next provider answers if the trial fails, so a
// recovered provider is noticed without waiting for the others to fail),
// then closed breakers, healthiest first, then open ones (which refuse at
// once).
func (p *Pool) order() []*provider {
	type scored struct {
		pr    *provider
		rank  int
		score float64
	}
	list := make([]scored, len(p.providers))
	for i, pr := range p.providers {
		rank := map[gobreaker.State]int{gobreaker.StateHalfOpen: 0, gobreaker.StateClosed: 1, gobreaker.StateOpen: 2}[pr.cb.State()]
		pr.mu.Lock()
		list[i] = scored{pr, rank, float64(int(pr.latency / p.band))}
		pr.mu.Unlock()
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].rank != list[j].rank {
			return list[i].rank < list[j].rank
		}
		return list[i].score < list[j].score
	})
	out := make([]*provider, len(list))
	for i, s := range list {
		out[i] = s.pr
	}
	return out
}

// observe folds one call's latency into the provider's health (errors are
// the breaker's to count).
func (pr *provider) observe(d time.Duration) {
	const alpha = 0.2
	pr.mu.Lock()
	defer pr.mu.Unlock()
	ms := float64(d.Microseconds()) / 1000
	if pr.latency == 0 {
		pr.latency = ms
	} else {
		pr.latency += alpha * (ms - pr.latency)
	}
}

// RoundTrip sends req to the healthiest provider whose breaker lets it
// through, and to the next on failure (a transport error, a timeout, 5xx or
// 429). When every provider fails, the last failing answer is returned as
// it came (so a client's own rate-limit handling still sees a 429), or the
// last error.
func (p *Pool) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close() // read in full; nothing left to lose
		if err != nil {
			return nil, err
		}
		body = b
	}
	full := req.URL.String()
	rest := strings.TrimPrefix(full, p.providers[0].base)
	if rest == full && full != p.providers[0].base {
		return nil, fmt.Errorf("failover: %s request is not below the pool's URL", p.chain)
	}
	var lastErr error
	var lastResp *http.Response
	for _, pr := range p.order() {
		if err := req.Context().Err(); err != nil {
			return nil, err
		}
		resp, err := pr.cb.Execute(func() (*http.Response, error) { return p.attempt(req, pr, rest, body) })
		if err == nil {
			return resp, nil
		}
		var st errStatus
		if errors.As(err, &st) {
			lastResp, lastErr = st.resp, nil
		} else if !errors.Is(err, gobreaker.ErrOpenState) && !errors.Is(err, gobreaker.ErrTooManyRequests) {
			lastResp, lastErr = nil, fmt.Errorf("%s provider %s: %w", p.chain, pr.label, err)
		}
	}
	if lastResp != nil {
		return lastResp, nil
	}
	if lastErr == nil {
		lastErr = ErrNoProvider
	}
	return nil, lastErr
}

// attempt is one call to one provider, bounded by the pool's timeout; the
// answer is read in full so the timeout can end with the attempt.
func (p *Pool) attempt(req *http.Request, pr *provider, rest string, body []byte) (*http.Response, error) {
	ctx, span := obs.Tracer().Start(req.Context(), "rpc "+p.chain, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("rpc.system", "chain"), attribute.String("provider", pr.label)))
	defer span.End()
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	r2, err := http.NewRequestWithContext(ctx, req.Method, pr.base+rest, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r2.Header = req.Header.Clone()
	start := time.Now()
	resp, err := p.transport.RoundTrip(r2)
	if err == nil {
		var raw []byte
		raw, err = io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		_ = resp.Body.Close() // read in full
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		resp.ContentLength = int64(len(raw))
		resp.Request = req
	}
	failed := err != nil || resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
	// An answer (even a failing one) or a timeout tells how fast the
	// provider is; a refused connection tells nothing of it.
	if err == nil || (errors.Is(err, context.DeadlineExceeded) && req.Context().Err() == nil) {
		pr.observe(time.Since(start))
	}
	if err != nil {
		span.SetStatus(codes.Error, "no answer")
		return nil, err
	}
	if failed {
		span.SetStatus(codes.Error, resp.Status)
		return nil, errStatus{resp}
	}
	return resp, nil
}

// pools are this process's pools, one per chain and provider list, so
// every client of a chain in a function shares the breakers.
var (
	poolsMu sync.Mutex
	pools   = map[string]*Pool{}
)

// For returns the process's pool for chain over urls, made on first use
// with s.
func For(chain string, urls []string, s Settings) (*Pool, error) {
	key := chain + "\x00" + strings.Join(urls, "\x00")
	poolsMu.Lock()
	defer poolsMu.Unlock()
	if p, ok := pools[key]; ok {
		return p, nil
	}
	p, err := New(chain, urls, s)
	if err != nil {
		return nil, err
	}
	pools[key] = p
	return p, nil
}
