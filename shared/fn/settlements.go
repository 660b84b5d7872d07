package fn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// InvoiceReader is the invoices over the table, for refunds.
func InvoiceReader(st *dynamo.Store) settlementapi.InvoiceReader { return pipefn.InvoiceStore(st) }

// settlementRoutes builds a settlement function serving several routes.
func settlementRoutes(name string, withWallets bool, routes func(settlementapi.Handlers) map[string]httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		st, err := Store(env)
		if err != nil {
			return nil, err
		}
		svc, err := pipefn.SettlementService(env, st)
		if err != nil {
			return nil, err
		}
		h := settlementapi.Handlers{Svc: svc}
		if withWallets {
			w, err := walletAPI(ctx, env, true)
			if err != nil {
				return nil, err
			}
			h.Wallets = settlementapi.Wallets{Wallets: w.Svc}
			// ---- cust: the merchant as a customer (issue 15) ----
			h.Customers, h.Owners, h.WalletReader = st.Customers, st.Wallets, st.Wallets
			// ---- settle: a cross-chain config needs cross_chain of the
			// customer's tier, asked when it is put ----
			h.Tiers = &compliance.Limits{Store: st.Customers, Counters: st.Customers, Now: time.Now}
		}
		return httpapi.Wrap(name, settlementapi.Routes(routes(h))), nil
	}
}

// The settlement routes (see template.yaml): one function per resource.

// SettlementSettings serves the fee schedule (read by the merchant,
// written by the platform) and the settlement config.
func SettlementSettings(ctx context.Context, env Env) (httpapi.Handler, error) {
	return settlementRoutes("settlement-settings", true, func(h settlementapi.Handlers) map[string]httpapi.Handler {
		return map[string]httpapi.Handler{
			"GET /v1/fee-schedule":                       h.GetFeeSchedule,
			"PUT /v1/platform/fee-schedules/{tenant_id}": h.PutFeeSchedule,
			"GET /v1/settlement-config":                  h.GetConfig,
			"PUT /v1/settlement-config":                  h.PutConfig,
		}
	})(ctx, env)
}

// SettlementsGet serves the settlements and their reports.
func SettlementsGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	return settlementRoutes("settlements-get", false, func(h settlementapi.Handlers) map[string]httpapi.Handler {
		return map[string]httpapi.Handler{
			"GET /v1/settlements":                 h.List,
			"GET /v1/settlements/{settlement_id}": h.Get,
		}
	})(ctx, env)
}
