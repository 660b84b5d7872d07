// Package grantreads builds the Tron sweep grant routes that only read a
// grant (its record, its QR parts) over the table alone: no Tron network,
// no hot key, so they link no KMS client. Preparing a grant and importing
// its signature are grantroutes', over the network and the hot key.
package grantreads

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/grantapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// route builds one grant route over the grant records.
func route(name string, pick func(grantapi.Handlers) httpapi.Handler) func(context.Context, core.Env) (httpapi.Handler, error) {
	return func(_ context.Context, env core.Env) (httpapi.Handler, error) {
		st, err := core.Store(env)
		if err != nil {
			return nil, err
		}
		g := &grantapi.Grants{Store: dynamo.TronSweeps{Sweeps: st.Sweeps, Grants: st.Grants, Withdrawals: st.Withdrawals}, Now: time.Now}
		return httpapi.Wrap(name, pick(grantapi.Handlers{Grants: g})), nil
	}
}

// TronGrantsGet builds GET /v1/platform/tron-grants/{grant_id}.
func TronGrantsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("tron-grants-get", func(h grantapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// TronGrantsQR builds GET /v1/platform/tron-grants/{grant_id}/qr/{part}.
func TronGrantsQR(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("tron-grants-qr", func(h grantapi.Handlers) httpapi.Handler { return h.QR })(ctx, env)
}
