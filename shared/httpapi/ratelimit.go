package httpapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RateLimits limits every wrapped route per caller: a token bucket per
// tenant and API client (the client_id claim of a client credentials
// token; a tenant's other tokens share one bucket), sized by the tenant's
// own limit if the platform set one, else Default. Each request costs one
// conditional write to the bucket (see dynamo.OAuth.Take).
//
// Answers carry the RateLimit and RateLimit-Policy fields of the IETF
// draft "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-
// headers-09): RateLimit-Policy: "tenant";q=<burst>;w=<seconds to refill
// it>, RateLimit: "tenant";r=<requests left>;t=<seconds until full>. A
// refused request gets 429 rate_limited with Retry-After (seconds).
//
// If the bucket cannot be reached the request is served (and logged): the
// stage and route throttling of the template stays as the backstop.
type RateLimits struct {
	Limiter sg.RateLimiter
	Configs sg.RateLimitConfigs // nil: Default for all
	Default sg.RateLimit
	Now     func() time.Time
	// ConfigTTL is how long a tenant's limit is cached (a minute if 0).
	ConfigTTL time.Duration

	mu    sync.Mutex
	cache map[string]cachedLimit
}

type cachedLimit struct {
	l  sg.RateLimit
	at time.Time
}

var rateLimits atomic.Pointer[RateLimits]

// UseRateLimits turns rate limiting on for every handler Wrap made (nil
// turns it off). Wiring calls it once at init.
func UseRateLimits(r *RateLimits) { rateLimits.Store(r) }

// PolicyName names the one policy in the RateLimit fields.
const PolicyName = "tenant"

func (r *RateLimits) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *RateLimits) limitOf(ctx context.Context, tenant string) sg.RateLimit {
	if r.Configs == nil {
		return r.Default
	}
	ttl := r.ConfigTTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	now := r.now()
	r.mu.Lock()
	c, ok := r.cache[tenant]
	r.mu.Unlock()
	if ok && now.Sub(c.at) < ttl {
		return c.l
	}
	l, own, err := r.Configs.TenantRateLimit(ctx, tenant)
	if err != nil {
		Logger(ctx).Warn("rate limit config unavailable; using the default", "error", err.Error())
		return r.Default
	}
	if !own {
		l = r.Default
	}
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]cachedLimit{}
	}
	r.cache[tenant] = cachedLimit{l: l, at: now}
	r.mu.Unlock()
	return l
}

// take decides for a request of tenant by client ("" for user tokens).
func (r *RateLimits) take(ctx context.Context, tenant, client string) (sg.RateDecision, sg.RateLimit, bool) {
	l := r.limitOf(ctx, tenant)
	if l.Rate <= 0 || l.Burst <= 0 {
		return sg.RateDecision{}, l, false
	}
	key := tenant + "#" + client
	d, err := r.Limiter.Take(ctx, key, l, r.now())
	if err != nil {
		Logger(ctx).Warn("rate limiter unavailable; request served", "error", err.Error())
		return sg.RateDecision{}, l, false
	}
	return d, l, true
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(math.Ceil(d.Seconds()))
}

// headers sets the RateLimit fields of d on h.
func rateHeaders(h map[string]string, d sg.RateDecision, l sg.RateLimit) {
	window := int64(math.Ceil(float64(l.Burst) / l.Rate))
	h["ratelimit-policy"] = fmt.Sprintf("%q;q=%d;w=%d", PolicyName, l.Burst, window)
	h["ratelimit"] = fmt.Sprintf("%q;r=%d;t=%d", PolicyName, d.Remaining, ceilSeconds(d.Reset))
}

// limited returns the 429 answer if the caller is over its limit, and the
// headers to add to an allowed answer.
func limited(ctx context.Context, req Request, tenant string) (*Response, func(*Response)) {
	r := rateLimits.Load()
	if r == nil || tenant == "" {
		return nil, func(*Response) {}
	}
	client := ""
	if a := req.RequestContext.Authorizer; a != nil && a.JWT != nil {
		client = a.JWT.Claims["client_id"]
	}
	d, l, ok := r.take(ctx, tenant, client)
	if !ok {
		return nil, func(*Response) {}
	}
	if !d.Allowed {
		resp := Fail(ctx, req, sg.ErrRateLimited)
		rateHeaders(resp.Headers, d, l)
		resp.Headers["retry-after"] = strconv.FormatInt(max(1, ceilSeconds(d.RetryIn)), 10)
		return &resp, nil
	}
	return nil, func(resp *Response) {
		if resp.Headers == nil {
			resp.Headers = map[string]string{}
		}
		rateHeaders(resp.Headers, d, l)
	}
}

// admittingRoutes names the routes whose rate-limit decision runs beside
// their handler instead of before it, saving the handler a round trip:
// their services await it (sg.AwaitAdmission) immediately before their
// first write, so a refused request may read but writes nothing. A route
// belongs here only when every write on its path, the handler's own
// included, awaits admission: POST /v1/transfers writes only in
// ledger.Service.Transfer, POST /v1/withdrawals in ledger.Withdrawals.Create
// and, after it, in the travel-rule record its handler awaits admission
// for (a replay answered by Create has awaited none); their tests hold them
// to it.
var admittingRoutes = map[string]bool{
	"POST /v1/transfers":   true,
	"POST /v1/withdrawals": true,
}

// admission is a rate-limit decision for wrap: the 429 answer if refused,
// the headers to add to an allowed answer, or the fault that stopped the
// decision (a panic: answered as an internal error, nothing written).
type admission struct {
	refused  *Response
	decorate func(*Response)
	fault    error
}

// gate is the sg.Admission wrap puts in an admitting route's context.
type gate struct {
	done chan struct{}
	err  error // set before done is closed
}

func (g *gate) decide(err error) {
	g.err = err
	close(g.done)
}

// Await implements sg.Admission. A request whose context has ended is
// never admitted, even if the decision came too (a cancelled take is
// served as an outage would be, but its request must not start writing).
func (g *gate) Await(ctx context.Context) error {
	select {
	case <-g.done:
	case <-ctx.Done():
	}
	if err := ctx.Err(); err != nil {
		return sg.Unavailable("httpapi.admission", err)
	}
	return g.err
}

// admitBeside starts the rate-limit decision of a request of an admitting
// route beside its handler: it returns the handler's context, carrying the
// admission, and a func that waits for the decision. wrap always waits for
// it, so its goroutine ends with the request (the limiter honours ctx: a
// cancelled request's take ends as an outage would, served).
func admitBeside(ctx context.Context, req Request, tenant string) (context.Context, func() admission) {
	if rateLimits.Load() == nil || tenant == "" {
		return ctx, func() admission { return admission{decorate: func(*Response) {}} }
	}
	g := &gate{done: make(chan struct{})}
	var a admission
	go func() {
		defer func() {
			if p := recover(); p != nil {
				Logger(ctx).Error("panic", "panic", p, "stack", string(debug.Stack()))
				a = admission{fault: sg.Internal("ratelimit", errors.New("rate limiter panicked"))}
			}
			switch {
			case a.fault != nil:
				g.decide(a.fault)
			case a.refused != nil:
				g.decide(sg.ErrRateLimited)
			default:
				g.decide(nil)
			}
		}()
		a.refused, a.decorate = limited(ctx, req, tenant)
	}()
	return sg.WithAdmission(ctx, g), func() admission {
		<-g.done // a is final once the decision is made
		return a
	}
}
