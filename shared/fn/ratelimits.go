package fn

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- oauth: rate limits ----

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
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	// ---- plat: the buckets live in RATE_TABLE_NAME (no stream) when set ----
	o := &dynamo.OAuth{Table: st.Base, RateTable: env("RATE_TABLE_NAME")}
	return &httpapi.RateLimits{Limiter: o, Configs: o, Default: sg.RateLimit{Rate: rate, Burst: burst}, Now: time.Now}, nil
}
