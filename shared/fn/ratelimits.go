package fn

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// ---- oauth: rate limits ----

// RateLimits builds the per-tenant and per-client rate limiting every HTTP
// function applies (httpapi.UseRateLimits) from RATE_LIMIT_RATE (requests
// per second) and RATE_LIMIT_BURST, the default limit, over TABLE_NAME.
// Either unset or 0: no limiting (nil). The buckets live in
// RATE_TABLE_NAME if set (the template's RateTable), else in TABLE_NAME.
func RateLimits(env Env) (*httpapi.RateLimits, error) { return core.RateLimits(env) }
