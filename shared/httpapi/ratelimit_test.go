package httpapi

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// gcraLimiter decides with sg.GCRA in memory (the twin's formula).
type gcraLimiter struct {
	mu   sync.Mutex
	tats map[string]time.Time
	keys []string
}

func (g *gcraLimiter) Take(_ context.Context, key string, l sg.RateLimit, now time.Time) (sg.RateDecision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.keys = append(g.keys, key)
	d, tat := sg.NewGCRA(l).Decide(g.tats[key], now, l.Burst)
	g.tats[key] = tat
	return d, nil
}

type oneLimit struct{ l sg.RateLimit }

func (o oneLimit) TenantRateLimit(context.Context, string) (sg.RateLimit, bool, error) {
	return o.l, true, nil
}
func (o oneLimit) PutTenantRateLimit(context.Context, string, sg.RateLimit) error { return nil }

func authed(tenant, client string) Request {
	claims := map[string]string{"tenant": tenant, "sub": "s"}
	if client != "" {
		claims["client_id"] = client
	}
	return Request{RouteKey: "GET /v1/wallets", RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "r",
		Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}}}
}

// Wrap takes each request from its caller's bucket before the handler
// runs: over the limit it answers 429 rate_limited with Retry-After and the
// RateLimit fields and never calls the handler; another tenant, and
// another client of the same tenant, have buckets of their own.
func TestWrapRateLimits(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	lim := &gcraLimiter{tats: map[string]time.Time{}}
	UseRateLimits(&RateLimits{Limiter: lim, Configs: oneLimit{sg.RateLimit{Rate: 0.5, Burst: 2}}, Now: func() time.Time { return now }})
	defer UseRateLimits(nil)
	calls := 0
	h := wrap("f", func(context.Context, Request) (Response, error) { calls++; return JSON(200, map[string]string{}), nil }, io.Discard)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		r, _ := h(ctx, authed("acme", ""))
		if r.StatusCode != 200 || r.Headers["ratelimit-policy"] != `"tenant";q=2;w=4` {
			t.Fatalf("request %d: %d %v", i, r.StatusCode, r.Headers)
		}
	}
	r, _ := h(ctx, authed("acme", ""))
	if r.StatusCode != 429 || r.Headers["retry-after"] != "2" || r.Headers["ratelimit"] != `"tenant";r=0;t=4` || calls != 2 {
		t.Fatalf("over the limit: %d %v %s (handler calls %d)", r.StatusCode, r.Headers, r.Body, calls)
	}
	if r, _ := h(ctx, authed("other", "")); r.StatusCode != 200 {
		t.Fatalf("another tenant: %d", r.StatusCode)
	}
	if r, _ := h(ctx, authed("acme", "ac_1.acme")); r.StatusCode != 200 {
		t.Fatalf("an API client of the same tenant: %d", r.StatusCode)
	}
	now = now.Add(2 * time.Second)
	if r, _ := h(ctx, authed("acme", "")); r.StatusCode != 200 {
		t.Fatalf("after Retry-After: %d", r.StatusCode)
	}
	if r, _ := h(ctx, Request{RouteKey: "GET /v1/checkout/{token}"}); r.StatusCode != 200 {
		t.Fatalf("a public route (no tenant) is not limited here: %d", r.StatusCode)
	}
}

// ---- plat: IP allow lists on every route ----

// A token carrying its client's allow list (ip_allow) is refused on any
// route from outside it with 403 ip_not_allowed, before the handler runs
// and before its bucket is touched; from inside it, and a token without the
// claim from anywhere, is served.
func TestWrapRefusesATokenFromOutsideItsAllowList(t *testing.T) {
	lim := &gcraLimiter{tats: map[string]time.Time{}}
	UseRateLimits(&RateLimits{Limiter: lim, Configs: oneLimit{sg.RateLimit{Rate: 10, Burst: 10}}, Now: time.Now})
	defer UseRateLimits(nil)
	calls := 0
	h := wrap("f", func(context.Context, Request) (Response, error) { calls++; return JSON(200, map[string]string{}), nil }, io.Discard)
	from := func(ip, allow string) Request {
		r := authed("acme", "ac_1.acme")
		if allow != "-" {
			r.RequestContext.Authorizer.JWT.Claims[sg.IPAllowClaim] = allow
		}
		r.RequestContext.HTTP.SourceIP = ip
		return r
	}
	for _, c := range []struct {
		name, ip, allow string
		status          int
	}{
		{"inside the list", "203.0.113.7", "198.51.100.0/24 203.0.113.0/24", 200},
		{"an IPv6 network", "2001:db8::1", "2001:db8::/32", 200},
		{"no claim: anywhere", "192.0.2.1", "-", 200},
		{"outside the list", "192.0.2.1", "203.0.113.0/24", 403},
		{"the authorizer's array form, outside", "192.0.2.1", "[203.0.113.0/24 10.0.0.0/8]", 403},
		{"the authorizer's array form, inside", "10.1.2.3", "[203.0.113.0/24 10.0.0.0/8]", 200},
		{"an empty claim allows nothing", "203.0.113.7", "", 403},
		{"an unreadable entry allows nothing", "203.0.113.7", "203.0.113.0/24 nonsense", 403},
		{"no source address", "", "203.0.113.0/24", 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, keys := calls, len(lim.keys)
			r, _ := h(context.Background(), from(c.ip, c.allow))
			if r.StatusCode != c.status {
				t.Fatalf("%d %s; want %d", r.StatusCode, r.Body, c.status)
			}
			if c.status == 403 {
				if !strings.Contains(r.Body, `"code":"ip_not_allowed"`) || calls != before || len(lim.keys) != keys {
					t.Fatalf("refusal %s; handler ran %d, bucket taken %d", r.Body, calls-before, len(lim.keys)-keys)
				}
			}
		})
	}
}
