// Package httpfn starts the functions behind HTTP routes: the handler built
// once at init, with the per-tenant and per-client rate limits turned on
// (httpapi.UseRateLimits). It is apart from package core so that jobs and
// queue consumers link no HTTP code. It installs no body rules: the routes
// that take a body start through bodyfn.Start, so a read route links no
// validator, whose package init alone is about a sixth of a bare
// function's cold start (issue 18).
package httpfn

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Env reads one configuration variable.
type Env = core.Env

// Builder makes an HTTP function's handler from its environment.
type Builder func(ctx context.Context, env Env) (httpapi.Handler, error)

// Route builds the route name of a family of routes that share their
// handlers: handlers makes them from the environment, pick chooses this
// route's, and the result is wrapped (httpapi.Wrap: errors, rate limits,
// panics).
func Route[H any](name string, handlers func(ctx context.Context, env Env) (H, error), pick func(H) httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		h, err := handlers(ctx, env)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(h)), nil
	}
}

// Start builds the handler once, at init, turns on the rate limits and
// hands the handler to the Lambda runtime. H is httpapi.Handler, or the
// WebSocket routes' handler type.
func Start[H any](name string, b func(context.Context, Env) (H, error)) {
	core.StartWith(name, b, useRateLimits)
}

// useRateLimits turns on the limits RateLimits builds, if any.
func useRateLimits(env core.Env) error {
	rl, err := RateLimits(env)
	if rl != nil {
		httpapi.UseRateLimits(rl)
	}
	return err
}

// RateLimits builds the per-tenant and per-client rate limiting every HTTP
// function applies (httpapi.UseRateLimits) from RATE_LIMIT_RATE (requests
// per second) and RATE_LIMIT_BURST, the default limit, over TABLE_NAME.
// Either unset or 0: no limiting (nil). The buckets live in
// RATE_TABLE_NAME if set (the template's RateTable), else in TABLE_NAME.
func RateLimits(env Env) (*httpapi.RateLimits, error) {
	rs, bs := env("RATE_LIMIT_RATE"), env("RATE_LIMIT_BURST")
	if rs == "" || bs == "" || rs == "0" || bs == "0" || env("TABLE_NAME") == "" {
		return nil, nil
	}
	rate, err := strconv.ParseFloat(rs, 64)
	if err != nil || rate <= 0 {
		return nil, fmt.Errorf("fn: RATE_LIMIT_RATE must be a positive number")
	}
	burst, err := strconv.Atoi(bs)
	if err != nil || burst < 1 {
		return nil, fmt.Errorf("fn: RATE_LIMIT_BURST must be a positive integer")
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	// ---- plat: the buckets live in RATE_TABLE_NAME (no stream) when set ----
	o := &dynamo.OAuth{Table: st.Base, RateTable: env("RATE_TABLE_NAME")}
	return &httpapi.RateLimits{Limiter: o, Configs: o, Default: sg.RateLimit{Rate: rate, Burst: burst}, Now: time.Now}, nil
}
