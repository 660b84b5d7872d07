package courseapi

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
)

// The course routes are called as their functions call them (through
// httpapi.Wrap, with the claims the JWT authorizer passes), over the
// in-memory twin (shared/memstore).

var bg = context.Background()

// testClock moves only when told.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

type env struct {
	t     *testing.T
	st    *memstore.Store
	clock *testClock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &testClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	return &env{t: t, st: st, clock: c}
}

// call is one request to a route.
type call struct {
	tenant  string // "acme" when empty
	key     string // the Idempotency-Key; none when empty
	path    map[string]string
	query   map[string]string
	body    string
	noClaim bool   // a request that did not come through the authorizer
	sub     string // the token's subject; "alice" when empty
}

// reply is a route's answer.
type reply struct {
	status  int
	headers map[string]string
	body    string
}

func (e *env) do(name string, h httpapi.Handler, c call) reply {
	e.t.Helper()
	tenant := c.tenant
	if tenant == "" {
		tenant = "acme"
	}
	sub := c.sub
	if sub == "" {
		sub = "alice"
	}
	req := httpapi.Request{
		Headers:               map[string]string{"content-type": "application/json"},
		Body:                  c.body,
		PathParameters:        c.path,
		QueryStringParameters: c.query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": sub}}},
		},
	}
	if c.noClaim {
		req.RequestContext.Authorizer = nil
	}
	if c.key != "" {
		req.Headers["idempotency-key"] = c.key
	}
	resp, err := httpapi.Wrap(name, h)(bg, req)
	if err != nil {
		e.t.Fatalf("%s: Wrap returned an error: %v", name, err)
	}
	return reply{status: resp.StatusCode, headers: resp.Headers, body: resp.Body}
}

// decode reads the reply's JSON body into v.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

// wantOK fails unless the reply has the status.
func (r reply) wantOK(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, status)
	}
}

// wantError fails unless the reply is the error (status, code, param).
func (r reply) wantError(t *testing.T, status int, code, param string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Param   string `json:"param"`
		} `json:"error"`
	}
	r.decode(t, &e)
	if r.status != status || e.Error.Code != code || e.Error.Param != param {
		t.Fatalf("got %d %s (param %q); want %d %s (param %q); body %s", r.status, e.Error.Code, e.Error.Param, status, code, param, r.body)
	}
	if e.Error.Message == "" {
		t.Fatalf("error %s has no message", code)
	}
}
