// Package grantroutes builds the Tron sweep grant routes that prepare a
// grant or import its signature, over the Tron network and the hot key
// (package tronfn). Reading a grant is grantreads', over the table alone.
package grantroutes

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api/grantapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn/hotroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// grantHandler builds one grant route over the Tron network and the hot
// key (TRON_GRANT_TTL: how long a grant may be away, default 6h, at most
// 23h).
func grantHandler(name string, pick func(grantapi.Handlers) httpapi.Handler) httpfn.Builder {
	return hotroutes.OnHotKey(func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		grid, token, st, signer, err := tronfn.TronHot(ctx, env)
		if err != nil {
			return nil, err
		}
		ttl := 6 * time.Hour
		if v := env("TRON_GRANT_TTL"); v != "" {
			if ttl, err = time.ParseDuration(v); err != nil || ttl < time.Minute || ttl > 23*time.Hour {
				return nil, errors.New("grantroutes: TRON_GRANT_TTL must be a duration from 1m to 23h")
			}
		}
		g := &grantapi.Grants{Store: dynamo.TronSweeps{Sweeps: st.Sweeps, Grants: st.Grants, Withdrawals: st.Withdrawals}, Grid: grid, Token: token, TTL: ttl, Now: time.Now,
			Hot: func(ctx context.Context) (address.Account, error) { return signer.Address(ctx) }}
		return httpapi.Wrap(name, pick(grantapi.Handlers{Grants: g})), nil
	})
}

// The Tron sweep grant endpoints, one function each (see template.yaml).

// TronGrantsCreate builds the tron-grants-create function.
func TronGrantsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-create", func(h grantapi.Handlers) httpapi.Handler { return h.Prepare })(ctx, env)
}

// TronGrantsSign builds the tron-grants-sign function.
func TronGrantsSign(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-sign", func(h grantapi.Handlers) httpapi.Handler { return h.Import })(ctx, env)
}
