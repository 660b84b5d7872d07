package payoutfn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/settlement"
)

// Settlements is the settlement service with its payer: the withdrawal
// pipeline with the one payout policy (PayoutPolicy), so a settlement's
// payout meets every control a withdrawal meets.
func Settlements(env fn.Env) (*settlement.Service, error) {
	w, st, svc, err := withdrawalsAndSettlements(env)
	if err != nil {
		return nil, err
	}
	k, err := customerfn.SealedKit(env, st)
	if err != nil {
		return nil, err
	}
	// ---- cust: the merchant's tier (issue 15) ---- the payer asks the
	// same tier step the pipeline runs (PayoutPolicy's LimitPolicy) before
	// it requests a payout, and records the travel-rule data of the
	// merchant's payout to its own address from its customer's PII.
	payer := settlementapi.Payer{W: w, Svc: svc, Tier: tierStep(k, st),
		Own: compliance.OwnPayouts{Travel: k.Travel, Customers: k.Customers}}
	svc.Payer = payer
	// The scheduler pays through payout batches (Multisend where the
	// chain has one): every due settlement of a tenant on a chain a row,
	// each prepared by the same payer (its tier asked, its travel data).
	svc.Batch = settlementapi.BatchPayer{B: &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals}, P: payer}
	return svc, nil
}

// withdrawalsAndSettlements is the withdrawal pipeline (PayoutPolicy) and
// the settlement service over one table.
func withdrawalsAndSettlements(env fn.Env) (*ledger.Withdrawals, *dynamo.Store, *settlement.Service, error) {
	w, st, _, err := Withdrawals(env)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, err := pipefn.SettlementService(env, st)
	return w, st, svc, err
}

// SettlementsClose builds the scheduled settlement job: it settles the
// paid invoices a freeze kept from settling once it is lifted (the parked
// list, a query), closes the settlements whose cut-off passed or whose
// threshold was reached (the sparse due index, never a scan) and requests
// each one's payout.
func SettlementsClose(ctx context.Context, env fn.Env) (fn.Job, error) {
	svc, err := Settlements(env)
	if err != nil {
		return nil, err
	}
	st, err := fn.Store(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "settlements-close")
	svc.Log = log
	// A chain whose hot wallet cannot cover the run's payouts holds them
	// back and raises the rebalancing alert (an error log line).
	if svc.Liquidity, err = HotLiquidity(ctx, env); err != nil {
		return nil, err
	}
	svc.Alerts = settlement.LogAlerts{Log: log}
	// ---- settle: liquidity ---- the check counts what payouts in flight
	// or queued already owe each hot wallet (the open-withdrawals index).
	svc.Owed = st.Withdrawals
	return func(ctx context.Context) (any, error) {
		res, err := svc.CloseDue(ctx, time.Now())
		if res.Due > 0 || res.Redriven > 0 {
			log.Info("settlements", "due", res.Due, "closed", res.Closed, "paying", res.Paying, "held", res.Held, "failed", res.Failed, "errors", res.Errors,
				"redriven", res.Redriven)
		}
		return res, err
	}, nil
}

// InvoicesRefund builds POST /v1/invoices/{invoice_id}/refunds: a refund
// is a withdrawal of the same pipeline and policy as any payout; and
// POST /v1/invoices/{invoice_id}/chargebacks (settle: chargebacks): a
// dispute loss moved out of the merchant's settlement in the ledger.
func InvoicesRefund(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	w, st, svc, err := withdrawalsAndSettlements(env)
	if err != nil {
		return nil, err
	}
	k, err := customerfn.SealedKit(env, st)
	if err != nil {
		return nil, err
	}
	// ---- settlebugs: a refund's travel-rule data, as any withdrawal's ----
	refunds := settlementapi.Refunds{Invoices: fn.InvoiceReader(st), W: w, Svc: svc,
		Links: dynamo.RefundLinks{Table: st.Base}, Idem: st.Base, PortalURL: env("PORTAL_URL"), Travel: k.Travel}
	chargebacks := settlementapi.Chargebacks{Invoices: fn.InvoiceReader(st), Svc: svc, Idem: st.Base}
	return httpapi.Wrap("invoices-refund", settlementapi.Serve(refunds, chargebacks)), nil
}

// RefundLinks builds the payer's side of a refund link, public (the token
// is the credential): GET and POST /v1/refund-links/{token}. A claim pays
// the refund through the same withdrawal pipeline and policy as any payout.
func RefundLinks(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	w, st, svc, err := withdrawalsAndSettlements(env)
	if err != nil {
		return nil, err
	}
	k, err := customerfn.SealedKit(env, st)
	if err != nil {
		return nil, err
	}
	h := settlementapi.RefundLinkClaims{Links: dynamo.RefundLinks{Table: st.Base}, Invoices: fn.InvoiceReader(st), W: w, Svc: svc, Idem: st.Base,
		Travel: k.Travel}
	return httpapi.Wrap("refund-links", invoiceapi.Public(h.Serve)), nil
}
