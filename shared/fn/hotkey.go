package fn

import (
	"context"

	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OnHotKey wraps a builder of an HTTP handler so the handler is rebuilt
// when the hot key is rotated.
func OnHotKey(b Builder) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		get, err := hotkeyfn.Reloading(ctx, env, func(ctx context.Context) (httpapi.Handler, error) { return b(ctx, env) })
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
			h, err := get(ctx)
			if err != nil {
				return httpapi.Fail(ctx, req, sg.Unavailable("fn.OnHotKey", err)), nil
			}
			return h(ctx, req)
		}, nil
	}
}
