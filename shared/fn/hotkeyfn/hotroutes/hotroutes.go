// Package hotroutes rebuilds a route's handler when the hot key rotates
// (the routes that sign or follow with the hot key: cold payouts, Tron
// sweep grants). It is apart from hotkeyfn so that the jobs and workers on
// the hot key link no request handling.
package hotroutes

import (
	"context"

	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OnHotKey wraps a builder of an HTTP handler so the handler is rebuilt
// when the hot key is rotated.
func OnHotKey(b httpfn.Builder) httpfn.Builder {
	return func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		get, err := hotkeyfn.Reloading(ctx, env, func(ctx context.Context) (httpapi.Handler, error) { return b(ctx, env) })
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
			h, err := get(ctx)
			if err != nil {
				return httpapi.Fail(ctx, req, sg.Unavailable("hotroutes.OnHotKey", err)), nil
			}
			return h(ctx, req)
		}, nil
	}
}
