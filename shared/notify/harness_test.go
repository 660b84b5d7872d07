package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

var ctx = context.Background()

// t0 is the tests' epoch; the clock moves only when a test moves it.
var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// received is one delivery as the receiver saw it.
type received struct {
	env    webhook.Envelope
	header string
	body   []byte
	at     time.Time
}

// receiver is a merchant's server on 127.0.0.1: it verifies each
// delivery with the secrets it knows and records it; while down it
// answers 503 without looking.
type receiver struct {
	h       *harness
	srv     *httptest.Server
	down    atomic.Bool
	status  atomic.Int32 // answer when up (0: 200)
	mu      sync.Mutex
	secrets [][]byte
	got     []received
	refused []error
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(req.Body)
	hdr := req.Header.Get(webhook.Header)
	now := r.h.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	err := webhook.ErrSignatureMismatch
	for _, s := range r.secrets {
		if err = webhook.Verify(hdr, body, s, now, 0); err == nil {
			break
		}
	}
	env, perr := webhook.ParseEnvelope(body)
	if err != nil || perr != nil {
		r.refused = append(r.refused, errors.Join(err, perr))
		http.Error(w, "refused", http.StatusBadRequest)
		return
	}
	r.got = append(r.got, received{env: env, header: hdr, body: body, at: now})
	if s := r.status.Load(); s != 0 {
		w.WriteHeader(int(s))
	}
}

func (r *receiver) deliveries() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// faults makes the store fail on purpose: after a recorded attempt (a
// crash once the write is made), or before a cursor moves.
type faults struct {
	sg.WebhookStore
	afterRecord  atomic.Int32 // fail this many recorded attempts, after writing
	beforeCursor atomic.Int32 // fail this many cursor moves, before writing
	beforeNotice atomic.Int32 // fail this many webhook_endpoint.disabled events, before storing
}

func (f *faults) PutWebhookEvent(ctx context.Context, ev sg.WebhookEvent) (sg.WebhookEvent, bool, error) {
	if ev.Type == TypeEndpointDisabled && f.beforeNotice.Add(-1) >= 0 {
		return sg.WebhookEvent{}, false, errCrash
	}
	return f.WebhookStore.PutWebhookEvent(ctx, ev)
}

var errCrash = errors.New("injected crash")

func (f *faults) RecordDeliveryAttempt(ctx context.Context, j sg.DeliveryJob, d sg.Delivery) error {
	if err := f.WebhookStore.RecordDeliveryAttempt(ctx, j, d); err != nil {
		return err
	}
	if f.afterRecord.Add(-1) >= 0 {
		return errCrash
	}
	return nil
}

func (f *faults) AdvanceDeliveryCursor(ctx context.Context, ep, key string, seq int64) error {
	if f.beforeCursor.Add(-1) >= 0 {
		return errCrash
	}
	return f.WebhookStore.AdvanceDeliveryCursor(ctx, ep, key, seq)
}

// harness is the service over the twin, a queue on a clock the test
// drives, and a worker that runs due tasks as the SQS trigger would: a
// task whose run fails comes back after the visibility timeout.
type harness struct {
	t      *testing.T
	mu     sync.Mutex
	now    time.Time
	store  *memstore.Webhooks
	faults *faults
	q      *memstore.WebhookQueue
	svc    *Service
	// twice delivers every queue message two times (SQS's at-least-once).
	twice bool
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, now: t0, store: memstore.NewWebhooks()}
	h.faults = &faults{WebhookStore: h.store}
	h.q = &memstore.WebhookQueue{Now: h.clock}
	h.svc = &Service{Store: h.faults, Queue: h.q, Sealer: &memstore.Sealer{}, AllowLoopback: true, Now: h.clock,
		Jitter: func(n int64) int64 { return n / 2 }, Timeout: 5 * time.Second}
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) set(t time.Time) {
	h.mu.Lock()
	h.now = t
	h.mu.Unlock()
}

// receiver starts a receiver on 127.0.0.1.
func (h *harness) receiver() *receiver {
	r := &receiver{h: h}
	r.srv = httptest.NewServer(r)
	h.t.Cleanup(r.srv.Close)
	return r
}

// endpoint creates an endpoint of tenant at r taking types; r learns its secret.
func (h *harness) endpoint(tenant string, r *receiver, types ...string) sg.WebhookEndpoint {
	h.t.Helper()
	e, secret, err := h.svc.CreateEndpoint(ctx, tenant, EndpointInput{URL: r.srv.URL + "/hooks", EnabledEvents: types})
	if err != nil {
		h.t.Fatalf("CreateEndpoint: %v", err)
	}
	r.mu.Lock()
	r.secrets = append(r.secrets, []byte(secret))
	r.mu.Unlock()
	return e
}

// publish publishes an event of tenant with an ordering key.
func (h *harness) publish(tenant, id, typ, key string, n int) sg.WebhookEvent {
	h.t.Helper()
	data, _ := json.Marshal(map[string]any{"object": "invoice", "id": key, "n": n})
	ev := sg.WebhookEvent{ID: id, TenantID: tenant, Type: typ, OrderingKey: key, Data: data}
	if err := h.svc.Publish(ctx, ev); err != nil {
		h.t.Fatalf("Publish %s: %v", id, err)
	}
	return ev
}

// drain runs every task due now, and those they queue for now.
func (h *harness) drain() {
	h.t.Helper()
	for range 10000 {
		due := h.q.Due()
		if len(due) == 0 {
			return
		}
		for _, task := range due {
			runs := 1
			if h.twice {
				runs = 2
			}
			for range runs {
				if err := h.svc.Deliver(ctx, task); err != nil {
					if !errors.Is(err, errCrash) {
						h.t.Fatalf("Deliver %+v: %v", task, err)
					}
					// The message comes back after its visibility timeout.
					if err := h.q.EnqueueDelivery(ctx, task, 30*time.Second); err != nil {
						h.t.Fatal(err)
					}
				}
			}
		}
	}
	h.t.Fatal("the queue never drains")
}

// runUntil moves the clock from one due message to the next until end.
func (h *harness) runUntil(end time.Time) {
	h.t.Helper()
	for range 100000 {
		h.drain()
		next, ok := h.q.Next()
		if !ok || next.After(end) {
			h.set(end)
			h.drain()
			return
		}
		h.set(next)
	}
	h.t.Fatal("runUntil never reaches its end")
}

func (h *harness) log(tenant, ep string) []sg.Delivery {
	h.t.Helper()
	var all []sg.Delivery
	page := sg.Page{Limit: 100}
	for {
		got, next, err := h.svc.Deliveries(ctx, tenant, ep, page)
		if err != nil {
			h.t.Fatal(err)
		}
		all = append(all, got...)
		if next == "" {
			return all
		}
		page.Cursor = next
	}
}

func ids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("evt_%s%02d", prefix, i)
	}
	return out
}
