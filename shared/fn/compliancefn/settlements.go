package compliancefn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
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
	k, err := Build(env, st)
	if err != nil {
		return nil, err
	}
	// ---- cust: the merchant's tier (issue 15) ---- the payer asks the
	// same tier step the pipeline runs (PayoutPolicy's LimitPolicy) before
	// it requests a payout, and records the travel-rule data of the
	// merchant's payout to its own address from its customer's PII.
	svc.Payer = settlementapi.Payer{W: w, Svc: svc, Tier: tierStep(k, st),
		Own: compliance.OwnPayouts{Travel: k.Travel, Customers: k.Customers}}
	return svc, nil
}

// withdrawalsAndSettlements is the withdrawal pipeline (PayoutPolicy) and
// the settlement service over one table.
func withdrawalsAndSettlements(env fn.Env) (*ledger.Withdrawals, *dynamo.Store, *settlement.Service, error) {
	w, st, _, err := Withdrawals(env)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, err := fn.SettlementService(env, st)
	return w, st, svc, err
}

// SettlementsClose builds the scheduled settlement job: it closes the
// settlements whose cut-off passed or whose threshold was reached (the
// sparse due index, never a scan) and requests each one's payout.
func SettlementsClose(ctx context.Context, env fn.Env) (fn.Job, error) {
	svc, err := Settlements(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "settlements-close")
	svc.Log = log
	return func(ctx context.Context) (any, error) {
		res, err := svc.CloseDue(ctx, time.Now())
		if res.Due > 0 {
			log.Info("settlements", "due", res.Due, "closed", res.Closed, "paying", res.Paying, "held", res.Held, "failed", res.Failed, "errors", res.Errors)
		}
		return res, err
	}, nil
}

// InvoicesRefund builds POST /v1/invoices/{invoice_id}/refunds: a refund
// is a withdrawal of the same pipeline and policy as any payout.
func InvoicesRefund(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	w, st, svc, err := withdrawalsAndSettlements(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("invoices-refund", settlementapi.Refunds{Invoices: fn.InvoiceReader(st), W: w, Svc: svc}.Create), nil
}
