// Package livefn builds the WebSocket routes ($connect, $disconnect,
// subscribe): package live over the push wiring (pushfn), with the token
// verifier and the wallets a subscription is checked against. The status
// push and the market publisher are pushfn's alone, so they link no
// request handling (issue 18: what a cold start links).
package livefn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pushfn"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/live"
)

// WSHandler serves one WebSocket route.
type WSHandler func(ctx context.Context, req live.Request) (live.Response, error)

// WSBuilder makes a WebSocket route's handler.
type WSBuilder func(ctx context.Context, env core.Env) (WSHandler, error)

// LiveService builds the WebSocket service from JWT_ISSUER, JWT_AUDIENCE
// and the push service's settings (pushfn.Service).
func LiveService(env core.Env) (*live.Service, error) {
	if err := core.Required(env, "TABLE_NAME", "JWT_ISSUER", "JWT_AUDIENCE", "WS_MANAGEMENT_URL"); err != nil {
		return nil, err
	}
	p, w, err := pushfn.Service(env)
	if err != nil {
		return nil, err
	}
	return &live.Service{
		Store:          newLiveStore(w.Store),
		Events:         p.Events,
		Verifier:       &jwt.Verifier{Issuer: env("JWT_ISSUER"), Audience: env("JWT_AUDIENCE"), Now: time.Now},
		Poster:         p.Poster,
		Decode:         p.Decode,
		Checkouts:      w.Invoices, // a checkout token admits a connection to its invoice
		CheckoutChange: p.CheckoutChange,
		// ---- plat: resume at $connect ----
		Resumes:      w.Store.Live,
		DecodeResume: p.DecodeResume,
	}, nil
}

func liveRoute(pick func(*live.Service) WSHandler) WSBuilder {
	return func(ctx context.Context, env core.Env) (WSHandler, error) {
		s, err := LiveService(env)
		if err != nil {
			return nil, err
		}
		return pick(s), nil
	}
}

// WebSocket route builders.
func WSConnect(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Connect })(ctx, env)
}

func WSDisconnect(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Disconnect })(ctx, env)
}

func WSSubscribe(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Subscribe })(ctx, env)
}

// liveStore is what the live service keeps (connections and
// subscriptions) with the wallets it checks a subscription against.
type liveStore struct {
	*dynamo.Live
	*dynamo.Wallets
}

func newLiveStore(st *dynamo.Store) liveStore { return liveStore{Live: st.Live, Wallets: st.Wallets} }
