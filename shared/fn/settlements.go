package fn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// settlementLedger is the ledger port of the settlement service over the
// table: transfers and wallets under their freezes.
type settlementLedger struct {
	*dynamo.Ledger
	*dynamo.Wallets
}

var _ settlement.Ledger = settlementLedger{}

// flatNetworkFees quotes the network fee the withdrawal pipeline holds
// (WITHDRAWAL_FEE_<CHAIN>), so a passed-through fee line equals the hold.
type flatNetworkFees map[sg.Chain]sg.Amount

func (f flatNetworkFees) NetworkFee(_ context.Context, c sg.Chain) (sg.Amount, error) {
	return f[c], nil
}

func networkFees(env Env) (settlement.NetworkFees, error) {
	out := flatNetworkFees{}
	for c, v := range map[sg.Chain]string{sg.Ethereum: env("WITHDRAWAL_FEE_ETHEREUM"), sg.Tron: env("WITHDRAWAL_FEE_TRON")} {
		if v == "" {
			return nil, nil // not configured here: no pass-through quotes
		}
		a, err := sg.ParseAmount(v, sg.USDTDecimals)
		if err != nil {
			return nil, errors.New("fn: withdrawal fee of " + string(c) + " is not a decimal amount")
		}
		out[c] = a
	}
	return out, nil
}

// SettlementService is the settlement service over the table: fee
// schedules, configs, settlements, the ledger moves into the settlement
// wallet, the pass-through network fees (WITHDRAWAL_FEE_<CHAIN>, when
// set) and, when WEBHOOK_QUEUE_URL is set, its events. It has no payer:
// payoutfn.Settlements adds the withdrawal pipeline's.
func SettlementService(env Env, st *dynamo.Store) (*settlement.Service, error) {
	nf, err := networkFees(env)
	if err != nil {
		return nil, err
	}
	fees := &settlement.Fees{Schedules: st.Settlements, Network: nf, Now: time.Now}
	svc := &settlement.Service{Fees: fees, Configs: st.Settlements, Store: st.Settlements, Now: time.Now,
		Ledger: settlementLedger{st.Ledger, st.Wallets}, Refunds: dynamo.RefundCaps{Table: st.Base}, Committed: st.Settlements,
		// Paid invoices a freeze kept from settling: the deposit hook parks
		// them, the settlements-close job settles them once it is lifted.
		Parked: dynamo.ParkedInvoices{Table: st.Base}, Invoices: invoiceStoreOf(st)}
	if p, err := notifyfn.WebhookPublisher(env); err == nil {
		svc.Events = p
	}
	return svc, nil
}

// InvoiceReader is the invoices over the table, for refunds.
func InvoiceReader(st *dynamo.Store) settlementapi.InvoiceReader { return invoiceStoreOf(st) }

// settlementRoutes builds a settlement function serving several routes.
func settlementRoutes(name string, withWallets bool, routes func(settlementapi.Handlers) map[string]httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		st, err := Store(env)
		if err != nil {
			return nil, err
		}
		svc, err := SettlementService(env, st)
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
