package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// heldLimiter is the in-memory bucket (gcraLimiter) with a hand on it:
// with release set a take waits until the test closes it (or the request's
// context ends); fail makes it an outage, panics a bug.
type heldLimiter struct {
	gcraLimiter
	release  chan struct{}
	fail     error
	panics   bool
	returned atomic.Int32 // takes that have returned
}

func (h *heldLimiter) Take(ctx context.Context, key string, l sg.RateLimit, now time.Time) (sg.RateDecision, error) {
	defer h.returned.Add(1)
	if h.release != nil {
		select {
		case <-h.release:
		case <-ctx.Done():
			return sg.RateDecision{}, ctx.Err()
		}
	}
	switch {
	case h.panics:
		panic("limiter bug")
	case h.fail != nil:
		return sg.RateDecision{}, h.fail
	}
	return h.gcraLimiter.Take(ctx, key, l, now)
}

// writer is a handler shaped like POST /v1/transfers: it reads, awaits
// its admission, then writes; started is closed when it begins.
type writer struct {
	started       chan struct{}
	reads, writes atomic.Int32
}

func newWriter() *writer { return &writer{started: make(chan struct{})} }

func (w *writer) handle(ctx context.Context, _ Request) (Response, error) {
	close(w.started)
	w.reads.Add(1)
	if err := sg.AwaitAdmission(ctx); err != nil {
		return Response{}, err
	}
	w.writes.Add(1)
	return JSON(201, map[string]string{"id": "txn_1"}), nil
}

func transferReq(tenant string) Request {
	r := authed(tenant, "")
	r.RouteKey = "POST /v1/transfers"
	return r
}

// bound is how long a test waits for something that must happen at once:
// generous, for a busy machine; only a broken gate ever reaches it.
const bound = 30 * time.Second

// waitFor waits for ch to close, failing after bound.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(bound):
		t.Fatalf("%s did not happen", what)
	}
}

// serve runs h on req in the background and returns the channel of its answer.
func serve(ctx context.Context, h Handler, req Request) <-chan Response {
	out := make(chan Response, 1)
	go func() {
		r, _ := h(ctx, req)
		out <- r
	}()
	return out
}

// On POST /v1/transfers the caller's rate-limit decision runs beside the
// handler: the handler starts (and reads) while the decision is still
// pending and writes only once it is made. Admitted, the answer is the
// handler's with the RateLimit fields. Refused, the handler writes
// nothing and the answer is the same 429 rate_limited, with Retry-After
// and the RateLimit fields, that a route deciding first gives.
func TestWrapAdmitsTransfersBesideTheHandler(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	lim := &heldLimiter{gcraLimiter: gcraLimiter{tats: map[string]time.Time{}}, release: make(chan struct{})}
	UseRateLimits(&RateLimits{Limiter: lim, Configs: oneLimit{sg.RateLimit{Rate: 0.5, Burst: 1}}, Now: func() time.Time { return now }})
	defer UseRateLimits(nil)
	ctx := context.Background()

	w := newWriter()
	answer := serve(ctx, wrap("transfers-create", w.handle, io.Discard), transferReq("acme"))
	waitFor(t, w.started, "the handler's start while the decision is pending")
	if w.writes.Load() != 0 || lim.returned.Load() != 0 {
		t.Fatalf("before the decision: %d writes, %d takes returned", w.writes.Load(), lim.returned.Load())
	}
	close(lim.release)
	r := <-answer
	if r.StatusCode != 201 || w.writes.Load() != 1 || r.Headers["ratelimit"] != `"tenant";r=0;t=2` || r.Headers["ratelimit-policy"] != `"tenant";q=1;w=2` {
		t.Fatalf("admitted: %d %v (writes %d)", r.StatusCode, r.Headers, w.writes.Load())
	}

	// The bucket (burst 1) is empty now: the next request is refused.
	w = newWriter()
	r, _ = wrap("transfers-create", w.handle, io.Discard)(ctx, transferReq("acme"))
	if r.StatusCode != 429 || w.reads.Load() != 1 || w.writes.Load() != 0 {
		t.Fatalf("refused: %d %s (reads %d, writes %d)", r.StatusCode, r.Body, w.reads.Load(), w.writes.Load())
	}
	// The same refusal as a route that decides before its handler (another
	// client's bucket, drained the same way at the same moment).
	first := authed("acme", "ac_1.acme")
	plain := wrap("wallets-list", answer200, io.Discard)
	if got, _ := plain(ctx, first); got.StatusCode != 200 {
		t.Fatalf("the other bucket's first request: %d", got.StatusCode)
	}
	want, _ := plain(ctx, first)
	if want.StatusCode != 429 || r.Headers["retry-after"] != "2" || !reflect.DeepEqual(r.Headers, want.Headers) || r.Body != want.Body {
		t.Fatalf("refused answer %v %s; a route deciding first answers %d %v %s", r.Headers, r.Body, want.StatusCode, want.Headers, want.Body)
	}

	// A handler that ignored its refusal still never has its answer sent.
	careless := func(ctx context.Context, _ Request) (Response, error) {
		_ = sg.AwaitAdmission(ctx)
		return JSON(201, map[string]string{}), nil
	}
	if r, _ := wrap("transfers-create", careless, io.Discard)(ctx, transferReq("acme")); r.StatusCode != 429 {
		t.Fatalf("a handler's answer to a refused request was sent: %d %s", r.StatusCode, r.Body)
	}
}

func answer200(context.Context, Request) (Response, error) {
	return JSON(200, map[string]string{}), nil
}

// POST /v1/withdrawals opts in as POST /v1/transfers does: its handler
// starts while the decision is pending and writes only once it is made;
// refused, it writes nothing and the answer is a 429.
func TestWrapAdmitsWithdrawalsBesideTheHandler(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	lim := &heldLimiter{gcraLimiter: gcraLimiter{tats: map[string]time.Time{}}, release: make(chan struct{})}
	UseRateLimits(&RateLimits{Limiter: lim, Configs: oneLimit{sg.RateLimit{Rate: 0.5, Burst: 1}}, Now: func() time.Time { return now }})
	defer UseRateLimits(nil)
	req := authed("acme", "")
	req.RouteKey = "POST /v1/withdrawals"
	w := newWriter()
	answer := serve(context.Background(), wrap("withdrawals-create", w.handle, io.Discard), req)
	waitFor(t, w.started, "the handler's start while the decision is pending")
	if w.writes.Load() != 0 {
		t.Fatalf("written before the decision: %d", w.writes.Load())
	}
	close(lim.release)
	if r := <-answer; r.StatusCode != 201 || w.writes.Load() != 1 {
		t.Fatalf("admitted: %d (writes %d)", r.StatusCode, w.writes.Load())
	}
	w = newWriter()
	if r, _ := wrap("withdrawals-create", w.handle, io.Discard)(context.Background(), req); r.StatusCode != 429 || w.writes.Load() != 0 {
		t.Fatalf("refused: %d (writes %d)", r.StatusCode, w.writes.Load())
	}
}

// Routes that do not opt in decide before their handler runs, as before:
// the take has returned when the handler starts, and a refused request
// never reaches the handler.
func TestWrapDecidesFirstOnOtherRoutes(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, route := range []string{"GET /v1/wallets", "POST /v1/transfers/batch", "POST /v1/payout-batches"} {
		t.Run(route, func(t *testing.T) {
			lim := &heldLimiter{gcraLimiter: gcraLimiter{tats: map[string]time.Time{}}}
			UseRateLimits(&RateLimits{Limiter: lim, Configs: oneLimit{sg.RateLimit{Rate: 0.5, Burst: 1}}, Now: func() time.Time { return now }})
			defer UseRateLimits(nil)
			calls := 0
			h := wrap("f", func(ctx context.Context, _ Request) (Response, error) {
				calls++
				if n := lim.returned.Load(); n != int32(calls) {
					t.Errorf("the handler ran with %d takes returned; want %d", n, calls)
				}
				return JSON(200, map[string]string{}), nil
			}, io.Discard)
			req := authed("acme", "")
			req.RouteKey = route
			if r, _ := h(context.Background(), req); r.StatusCode != 200 {
				t.Fatalf("first: %d", r.StatusCode)
			}
			if r, _ := h(context.Background(), req); r.StatusCode != 429 || calls != 1 {
				t.Fatalf("over the limit: %d, handler calls %d", r.StatusCode, calls)
			}
		})
	}
}

// On an admitting route the limiter's failures keep their meaning: an
// outage serves the request (logged, no RateLimit fields), a bug in the
// limiter is a 500 with nothing written, and a request cancelled while its
// handler waits for the decision ends with the take returned (no goroutine
// left behind) and nothing written.
func TestWrapAdmissionFailures(t *testing.T) {
	newLim := func() *heldLimiter { return &heldLimiter{gcraLimiter: gcraLimiter{tats: map[string]time.Time{}}} }
	limit := oneLimit{sg.RateLimit{Rate: 10, Burst: 10}}

	t.Run("an outage serves the request", func(t *testing.T) {
		lim := newLim()
		lim.fail = errors.New("dynamodb: throttled")
		UseRateLimits(&RateLimits{Limiter: lim, Configs: limit, Now: time.Now})
		defer UseRateLimits(nil)
		var log bytes.Buffer
		w := newWriter()
		r, _ := wrap("transfers-create", w.handle, &log)(context.Background(), transferReq("acme"))
		if r.StatusCode != 201 || w.writes.Load() != 1 || r.Headers["ratelimit"] != "" {
			t.Fatalf("%d %v (writes %d)", r.StatusCode, r.Headers, w.writes.Load())
		}
		if !strings.Contains(log.String(), "rate limiter unavailable; request served") {
			t.Fatalf("the outage is not logged:\n%s", log.String())
		}
	})

	t.Run("a limiter bug is a 500, nothing written", func(t *testing.T) {
		lim := newLim()
		lim.panics = true
		UseRateLimits(&RateLimits{Limiter: lim, Configs: limit, Now: time.Now})
		defer UseRateLimits(nil)
		var log bytes.Buffer
		w := newWriter()
		r, _ := wrap("transfers-create", w.handle, &log)(context.Background(), transferReq("acme"))
		if r.StatusCode != 500 || !strings.Contains(r.Body, `"internal_error"`) || w.writes.Load() != 0 {
			t.Fatalf("%d %s (writes %d)", r.StatusCode, r.Body, w.writes.Load())
		}
		if !strings.Contains(log.String(), `"msg":"panic"`) {
			t.Fatalf("the panic is not logged:\n%s", log.String())
		}
	})

	t.Run("a cancelled request leaves nothing running", func(t *testing.T) {
		lim := newLim()
		lim.release = make(chan struct{}) // never closed: only the cancellation ends the take
		UseRateLimits(&RateLimits{Limiter: lim, Configs: limit, Now: time.Now})
		defer UseRateLimits(nil)
		ctx, cancel := context.WithCancel(context.Background())
		w := newWriter()
		answer := serve(ctx, wrap("transfers-create", w.handle, io.Discard), transferReq("acme"))
		waitFor(t, w.started, "the handler's start")
		cancel()
		var r Response
		select {
		case r = <-answer:
		case <-time.After(bound):
			t.Fatal("the request did not end after its cancellation")
		}
		if r.StatusCode != 503 || w.writes.Load() != 0 || lim.returned.Load() != 1 {
			t.Fatalf("%d %s (writes %d, takes returned %d)", r.StatusCode, r.Body, w.writes.Load(), lim.returned.Load())
		}
	})
}
