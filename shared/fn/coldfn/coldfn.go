// Package coldfn wires the cold payout routes that only read or withdraw a
// bundle: cold-payouts-get, cold-payouts-qr and cold-payouts-cancel. They
// touch no chain, key or screening list, so they link no go-ethereum and
// no KMS client (issue 18: a route links what it uses). Preparing a bundle
// and importing its signature need the chains and live in package chainfn.
package coldfn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/coldapi"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// handlers serve the cold payouts over their store alone.
func handlers(_ context.Context, env core.Env) (coldapi.Handlers, error) {
	st, err := core.Store(env)
	if err != nil {
		return coldapi.Handlers{}, err
	}
	return coldapi.Handlers{Cold: &coldapi.Service{Store: st.Cold, Now: time.Now}}, nil
}

// ColdPayoutsGet builds GET /v1/platform/cold-payouts/{bundle_id}.
func ColdPayoutsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("cold-payouts-get", handlers, func(h coldapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// ColdPayoutsQR builds GET /v1/platform/cold-payouts/{bundle_id}/qr/{part}.
func ColdPayoutsQR(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("cold-payouts-qr", handlers, func(h coldapi.Handlers) httpapi.Handler { return h.QR })(ctx, env)
}

// ColdPayoutsCancel builds POST /v1/platform/cold-payouts/{bundle_id}/cancel.
func ColdPayoutsCancel(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("cold-payouts-cancel", handlers, func(h coldapi.Handlers) httpapi.Handler { return h.Cancel })(ctx, env)
}
