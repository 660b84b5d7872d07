package fn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// SettlementSettings serves the fee schedule (read by the merchant,
// written by the platform) and the settlement config, whose put makes the
// tenant's settlement wallet (invoicefn.SettlementRoutes).
func SettlementSettings(ctx context.Context, env Env) (httpapi.Handler, error) {
	withWallets := func(ctx context.Context, env Env, st *dynamo.Store, h *settlementapi.Handlers) error {
		w, err := walletAPI(ctx, env, true)
		if err != nil {
			return err
		}
		h.Wallets = settlementapi.Wallets{Wallets: w.Svc}
		// ---- cust: the merchant as a customer (issue 15) ----
		h.Customers, h.Owners, h.WalletReader = st.Customers, st.Wallets, st.Wallets
		// ---- settle: a cross-chain config needs cross_chain of the
		// customer's tier, asked when it is put ----
		h.Tiers = &compliance.Limits{Store: st.Customers, Counters: st.Customers, Now: time.Now}
		return nil
	}
	return invoicefn.SettlementRoutes("settlement-settings", pipefn.SettlementService, withWallets, func(h settlementapi.Handlers) map[string]httpapi.Handler {
		return map[string]httpapi.Handler{
			"GET /v1/fee-schedule":                       h.GetFeeSchedule,
			"PUT /v1/platform/fee-schedules/{tenant_id}": h.PutFeeSchedule,
			"GET /v1/settlement-config":                  h.GetConfig,
			"PUT /v1/settlement-config":                  h.PutConfig,
		}
	})(ctx, env)
}
