// Package chainroutes builds the cold payout routes that need the chains
// (prepare and import a signature) over package chainfn, which serves no
// route, so the chain workers link no request handling.
package chainroutes

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/coldapi"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn/hotroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The cold payout routes' ports over the adapters.
var (
	_ coldapi.Store   = (*dynamo.Cold)(nil)
	_ coldapi.Freezes = (*dynamo.Custody)(nil)
	_ coldapi.Chain   = (*chaineth.Cold)(nil)
	_ coldapi.Chain   = (*tron.Cold)(nil)
)

func coldHandler(name string, pick func(coldapi.Handlers) httpapi.Handler) httpfn.Builder {
	return hotroutes.OnHotKey(func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		st, err := core.Store(env)
		if err != nil {
			return nil, err
		}
		eth, tr, err := chainfn.ColdChains(ctx, env, st)
		if err != nil {
			return nil, err
		}
		chains := map[sg.Chain]coldapi.Chain{}
		if eth != nil {
			chains[sg.Ethereum] = eth
		}
		if tr != nil {
			chains[sg.Tron] = tr
		}
		kit, err := compliancefn.Build(env, st, nil) // screening only: no PII to seal
		if err != nil {
			return nil, err
		}
		svc := &coldapi.Service{Store: st.Cold, Chains: chains, Now: time.Now, Freezes: st.Custody, Screen: kit.Screening}
		return httpapi.Wrap(name, pick(coldapi.Handlers{Cold: svc})), nil
	})
}

// The cold payout endpoints that need the chains, one function each (see
// template.yaml); the ones that only read or cancel are in package coldfn.

// ColdPayoutsCreate builds the cold-payouts-create function.
func ColdPayoutsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return coldHandler("cold-payouts-create", func(h coldapi.Handlers) httpapi.Handler { return h.Prepare })(ctx, env)
}

// ColdPayoutsSign builds the cold-payouts-sign function.
func ColdPayoutsSign(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return coldHandler("cold-payouts-sign", func(h coldapi.Handlers) httpapi.Handler { return h.Import })(ctx, env)
}
