package hookapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/api/hookapi"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/notify"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// The routes run as their functions run them (through httpapi.Wrap), over
// the in-memory twin (memstore.Webhooks, WebhookQueue, Sealer), which
// shared/storetest holds to the DynamoDB adapter.

var bg = context.Background()

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

type env struct {
	t     *testing.T
	clock *clock
	store *memstore.Webhooks
	q     *memstore.WebhookQueue
	svc   *notify.Service
	h     hookapi.Handlers
}

// newEnv builds the routes; loopback says whether receivers on 127.0.0.1
// are allowed (the local stack).
func newEnv(t *testing.T, loopback bool) *env {
	t.Helper()
	c := &clock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	store := memstore.NewWebhooks()
	q := &memstore.WebhookQueue{Now: c.Now}
	svc := &notify.Service{Store: store, Queue: q, Sealer: &memstore.Sealer{}, AllowLoopback: loopback, Now: c.Now,
		Jitter: func(n int64) int64 { return n / 2 }, Timeout: 5 * time.Second}
	st := memstore.New()
	st.Now = c.Now
	return &env{t: t, clock: c, store: store, q: q, svc: svc, h: hookapi.Handlers{Svc: svc, Idem: st}}
}

type call struct {
	tenant string // "acme" when empty
	key    string
	path   map[string]string
	query  map[string]string
	body   string
}

type reply struct {
	status  int
	headers map[string]string
	body    string
}

func (e *env) do(h httpapi.Handler, c call) reply {
	e.t.Helper()
	tenant := c.tenant
	if tenant == "" {
		tenant = "acme"
	}
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: c.body,
		PathParameters: c.path, QueryStringParameters: c.query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": "alice"}, Scopes: []string{hookapi.ScopeRead, hookapi.ScopeWrite}}}}}
	if c.key != "" {
		req.Headers["idempotency-key"] = c.key
	}
	resp, err := httpapi.Wrap("hookapi-test", h)(bg, req)
	if err != nil {
		e.t.Fatalf("Wrap returned an error: %v", err)
	}
	return reply{status: resp.StatusCode, headers: resp.Headers, body: resp.Body}
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (r reply) want(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, status)
	}
}

func (r reply) refused(t *testing.T, status int, code string) {
	t.Helper()
	r.want(t, status)
	var b httpapi.ErrorBody
	r.decode(t, &b)
	if b.Error.Code != code {
		t.Fatalf("code %q (%s); want %q", b.Error.Code, b.Error.Message, code)
	}
}

type endpoint struct {
	ID             string   `json:"id"`
	Object         string   `json:"object"`
	URL            string   `json:"url"`
	Status         string   `json:"status"`
	EnabledEvents  []string `json:"enabled_events"`
	Secret         string   `json:"secret"`
	PreviousExpiry *int64   `json:"previous_secret_expires"`
}

const publicURL = "https://93.184.215.14/hooks"

func (e *env) create(c call) (endpoint, reply) {
	e.t.Helper()
	r := e.do(e.h.Create, c)
	var ep endpoint
	if r.status == http.StatusCreated {
		r.decode(e.t, &ep)
	}
	return ep, r
}

func (e *env) endpoint(tenant, url string, types ...string) endpoint {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"url": url, "enabled_events": types})
	ep, r := e.create(call{tenant: tenant, key: "k-" + url + strings.Join(types, ","), body: string(b)})
	r.want(e.t, http.StatusCreated)
	return ep
}

func TestCreateShowsTheSecretOnceAndARetryAnswersTheSame(t *testing.T) {
	e := newEnv(t, false)
	body := `{"url":"` + publicURL + `","description":"orders","enabled_events":["invoice.*"]}`
	ep, r := e.create(call{key: "k1", body: body})
	r.want(t, http.StatusCreated)
	if !strings.HasPrefix(ep.Secret, "whsec_") || ep.Object != "webhook_endpoint" || ep.Status != "enabled" {
		t.Fatalf("created %+v", ep)
	}
	again, r2 := e.create(call{key: "k1", body: body})
	r2.want(t, http.StatusCreated)
	if again.ID != ep.ID || again.Secret != ep.Secret || r2.headers["idempotent-replayed"] != "true" {
		t.Fatalf("retry answered %+v (%v); want the first answer", again, r2.headers)
	}
	got := e.do(e.h.Get, call{path: map[string]string{"endpoint_id": ep.ID}})
	got.want(t, http.StatusOK)
	list := e.do(e.h.List, call{})
	list.want(t, http.StatusOK)
	for _, r := range []reply{got, list} {
		if strings.Contains(r.body, ep.Secret) || strings.Contains(r.body, `"secret"`) {
			t.Fatalf("a read shows the secret: %s", r.body)
		}
	}
	var l struct{ Data []endpoint }
	list.decode(t, &l)
	if len(l.Data) != 1 {
		t.Fatalf("the retry made another endpoint: %s", list.body)
	}
	e.do(e.h.Create, call{key: "k1", body: strings.Replace(body, "orders", "other", 1)}).refused(t, http.StatusConflict, "idempotency_key_reused")
}

func TestRefusedRequestsNameTheirCodeAndWriteNothing(t *testing.T) {
	cases := []struct {
		name     string
		loopback bool
		key      string
		body     string
		status   int
		code     string
	}{
		{"plain http outside the local stack", false, "k", `{"url":"http://93.184.215.14/h","enabled_events":["*"]}`, 400, "url_not_https"},
		{"a private address", true, "k", `{"url":"https://10.0.0.7/h","enabled_events":["*"]}`, 400, "url_not_public"},
		{"the metadata address", true, "k", `{"url":"https://169.254.169.254/latest","enabled_events":["*"]}`, 400, "url_not_public"},
		{"loopback outside the local stack", false, "k", `{"url":"http://127.0.0.1:8080/h","enabled_events":["*"]}`, 400, "url_not_public"},
		{"a URL with a password", false, "k", `{"url":"https://u:p@93.184.215.14/h","enabled_events":["*"]}`, 400, "url_invalid"},
		{"an unknown event type form", false, "k", `{"url":"` + publicURL + `","enabled_events":["Invoice Paid"]}`, 400, "event_type_invalid"},
		{"no events", false, "k", `{"url":"` + publicURL + `","enabled_events":[]}`, 400, "validation_failed"},
		{"an unknown field", false, "k", `{"url":"` + publicURL + `","enabled_events":["*"],"secret":"mine"}`, 400, "unknown_field"},
		{"no Idempotency-Key", false, "", `{"url":"` + publicURL + `","enabled_events":["*"]}`, 400, "idempotency_key_missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.loopback)
			e.do(e.h.Create, call{key: c.key, body: c.body}).refused(t, c.status, c.code)
			if eps, _ := e.store.WebhookEndpoints(bg, "acme"); len(eps) != 0 {
				t.Fatalf("a refused create wrote %d endpoints", len(eps))
			}
		})
	}
}

func TestAnotherTenantsEndpointIsNotFound(t *testing.T) {
	e := newEnv(t, false)
	ep := e.endpoint("acme", publicURL, "*")
	path := map[string]string{"endpoint_id": ep.ID}
	routes := []struct {
		name string
		h    httpapi.Handler
		c    call
	}{
		{"get", e.h.Get, call{}},
		{"patch", e.h.Update, call{body: `{"description":"mine now"}`}},
		{"delete", e.h.Delete, call{}},
		{"rotate", e.h.RotateSecret, call{key: "r"}},
		{"test", e.h.Test, call{key: "t"}},
		{"replay", e.h.Replay, call{key: "p", body: `{"event_id":"evt_1"}`}},
		{"deliveries", e.h.Deliveries, call{}},
	}
	for _, r := range routes {
		t.Run(r.name, func(t *testing.T) {
			r.c.tenant, r.c.path = "globex", path
			e.do(r.h, r.c).refused(t, http.StatusNotFound, "not_found")
		})
	}
	got, _ := e.store.WebhookEndpoint(bg, "acme", ep.ID)
	if got.Description != "" || got.Status != sg.EndpointEnabled {
		t.Fatalf("another tenant changed the endpoint: %+v", got)
	}
}

func TestUpdateChangesWhatItNamesAndRefusesBadURLs(t *testing.T) {
	e := newEnv(t, false)
	ep := e.endpoint("acme", publicURL, "*")
	path := map[string]string{"endpoint_id": ep.ID}
	r := e.do(e.h.Update, call{path: path, body: `{"enabled_events":["invoice.paid"],"status":"disabled"}`})
	r.want(t, http.StatusOK)
	var got endpoint
	r.decode(t, &got)
	if got.Status != "disabled" || len(got.EnabledEvents) != 1 || got.URL != publicURL {
		t.Fatalf("updated %+v", got)
	}
	e.do(e.h.Update, call{path: path, body: `{"url":"https://192.168.1.2/h"}`}).refused(t, 400, "url_not_public")
	e.do(e.h.Update, call{path: path, body: `{"status":"paused"}`}).refused(t, 400, "validation_failed")
	stored, _ := e.store.WebhookEndpoint(bg, "acme", ep.ID)
	if stored.URL != publicURL {
		t.Fatalf("a refused update wrote url %q", stored.URL)
	}
	e.do(e.h.Delete, call{path: path}).want(t, http.StatusOK)
	e.do(e.h.Get, call{path: path}).refused(t, 404, "not_found")
}

func TestRotateShowsTheNewSecretOnceAndBothSignDuringTheOverlap(t *testing.T) {
	e := newEnv(t, true)
	rc := newReceiver(t)
	ep := e.endpoint("acme", rc.srv.URL+"/hooks", "*")
	path := map[string]string{"endpoint_id": ep.ID}
	r := e.do(e.h.RotateSecret, call{path: path, key: "rot-1", body: `{"overlap_seconds":3600}`})
	r.want(t, http.StatusOK)
	var rot endpoint
	r.decode(t, &rot)
	if !strings.HasPrefix(rot.Secret, "whsec_") || rot.Secret == ep.Secret || rot.PreviousExpiry == nil {
		t.Fatalf("rotated %+v", rot)
	}
	again := e.do(e.h.RotateSecret, call{path: path, key: "rot-1", body: `{"overlap_seconds":3600}`})
	var rot2 endpoint
	again.decode(t, &rot2)
	if rot2.Secret != rot.Secret {
		t.Fatal("a retried rotation rotated again")
	}
	// A test send is signed under both secrets while the overlap lasts.
	e.do(e.h.Test, call{path: path, key: "t1"}).want(t, http.StatusAccepted)
	e.drain()
	got := rc.all()
	if len(got) != 1 {
		t.Fatalf("%d deliveries; want 1", len(got))
	}
	for _, s := range []string{ep.Secret, rot.Secret} {
		if err := webhook.Verify(got[0].header, got[0].body, []byte(s), e.clock.Now(), 0); err != nil {
			t.Errorf("secret %d does not verify: %v", len(s), err)
		}
	}
	e.do(e.h.RotateSecret, call{path: path, key: "rot-2", body: `{"overlap_seconds":-1}`}).refused(t, 400, "validation_failed")
}

func TestTestSendIsLoggedAndReplayQueuesTheEventAgain(t *testing.T) {
	e := newEnv(t, true)
	rc := newReceiver(t)
	ep := e.endpoint("acme", rc.srv.URL+"/hooks", "invoice.*")
	path := map[string]string{"endpoint_id": ep.ID}
	if err := e.svc.Publish(bg, sg.WebhookEvent{ID: "evt_paid1", TenantID: "acme", Type: "invoice.paid", OrderingKey: "inv_1", Data: json.RawMessage(`{"id":"inv_1"}`)}); err != nil {
		t.Fatal(err)
	}
	e.drain()
	r := e.do(e.h.Replay, call{path: path, key: "rp1", body: `{"event_id":"evt_paid1"}`})
	r.want(t, http.StatusAccepted)
	var rv hookapi.ReplayView
	r.decode(t, &rv)
	if rv.Queued != 1 {
		t.Fatalf("replay queued %d", rv.Queued)
	}
	e.drain()
	var ids []string
	for _, d := range rc.all() {
		env, err := webhook.ParseEnvelope(d.body)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, env.ID)
	}
	if strings.Join(ids, ",") != "evt_paid1,evt_paid1" {
		t.Fatalf("received %v; want the event and its replay, same id", ids)
	}
	log := e.do(e.h.Deliveries, call{path: path, query: map[string]string{"limit": "10"}})
	log.want(t, http.StatusOK)
	var l struct {
		Data []hookapi.DeliveryView
	}
	log.decode(t, &l)
	if len(l.Data) != 2 || !l.Data[0].Replay || l.Data[1].Replay || l.Data[0].Outcome != "delivered" || *l.Data[0].StatusCode != 200 {
		t.Fatalf("log %s", log.body)
	}
	cases := []struct{ name, body, code string }{
		{"neither id nor range", `{}`, "replay_range_invalid"},
		{"a range backwards", `{"from":"2026-12-06T10:00:00Z","to":"2026-12-06T09:00:00Z"}`, "replay_range_invalid"},
		{"a time that is not RFC 3339", `{"from":"yesterday","to":"2026-12-06T09:00:00Z"}`, "replay_range_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.do(e.h.Replay, call{path: path, key: "bad-" + strings.ReplaceAll(c.name, " ", "-"), body: c.body}).refused(t, 400, c.code)
		})
	}
	e.do(e.h.Replay, call{path: path, key: "rp-missing", body: `{"event_id":"evt_nope"}`}).refused(t, 404, "not_found")
}

func TestEventsListFiltersByTypeAndTimeInPages(t *testing.T) {
	e := newEnv(t, false)
	for i, typ := range []string{"invoice.created", "transfer.created", "invoice.paid", "payout.broadcast", "invoice.expired"} {
		id := "evt_" + strings.Repeat(string(rune('a'+i)), 8)
		if err := e.svc.Publish(bg, sg.WebhookEvent{ID: id, TenantID: "acme", Type: typ, Created: e.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
	}
	list := func(q map[string]string) (ids []string, next *string) {
		t.Helper()
		r := e.do(e.h.Events, call{query: q})
		r.want(t, http.StatusOK)
		var l struct {
			Data []webhook.Envelope
			Next *string `json:"next_cursor"`
		}
		r.decode(t, &l)
		for _, d := range l.Data {
			ids = append(ids, d.Type)
		}
		return ids, l.Next
	}
	got, next := list(map[string]string{"type": "invoice.*", "limit": "2"})
	if strings.Join(got, ",") != "invoice.created,invoice.paid" || next == nil {
		t.Fatalf("first page %v next %v", got, next)
	}
	got, next = list(map[string]string{"type": "invoice.*", "limit": "2", "cursor": *next})
	if strings.Join(got, ",") != "invoice.expired" || next != nil {
		t.Fatalf("second page %v next %v", got, next)
	}
	got, _ = list(map[string]string{"created_from": "2026-12-06T09:01:00Z", "created_to": "2026-12-06T09:03:00Z"})
	if strings.Join(got, ",") != "transfer.created,invoice.paid" {
		t.Fatalf("range %v", got)
	}
	e.do(e.h.Events, call{query: map[string]string{"type": "Invoice Paid"}}).refused(t, 400, "event_type_invalid")
	e.do(e.h.Events, call{query: map[string]string{"created_from": "monday"}}).refused(t, 400, "validation_failed")
	one := e.do(e.h.Event, call{path: map[string]string{"event_id": "evt_cccccccc"}})
	one.want(t, http.StatusOK)
	var env webhook.Envelope
	one.decode(t, &env)
	if env.ID != "evt_cccccccc" || env.Type != "invoice.paid" || env.APIVersion != sg.WebhookAPIVersion {
		t.Fatalf("event %s", one.body)
	}
	e.do(e.h.Event, call{tenant: "globex", path: map[string]string{"event_id": "evt_cccccccc"}}).refused(t, 404, "not_found")
}

// receiver is a merchant's server on 127.0.0.1 that records deliveries.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []got
}

type got struct {
	header string
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, got{req.Header.Get(webhook.Header), b})
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []got {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]got(nil), r.got...)
}

// drain runs every delivery task due now, as the SQS worker would.
func (e *env) drain() {
	e.t.Helper()
	for range 1000 {
		due := e.q.Due()
		if len(due) == 0 {
			return
		}
		for _, task := range due {
			if err := e.svc.Deliver(bg, task); err != nil {
				e.t.Fatalf("Deliver: %v", err)
			}
		}
	}
}
