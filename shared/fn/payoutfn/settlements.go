package payoutfn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlepay"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/sealedkit"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/settlement"
)

// Settlements is the settlement service with its payer: the withdrawal
// pipeline with the one payout policy (PayoutPolicy), so a settlement's
// payout meets every control a withdrawal meets.
func Settlements(env core.Env) (*settlement.Service, error) {
	w, st, svc, err := WithdrawalsAndSettlements(env)
	if err != nil {
		return nil, err
	}
	k, err := sealedkit.For(env, st)
	if err != nil {
		return nil, err
	}
	// ---- cust: the merchant's tier (issue 15) ---- the payer asks the
	// same tier step the pipeline runs (PayoutPolicy's LimitPolicy) before
	// it requests a payout, and records the travel-rule data of the
	// merchant's payout to its own address from its customer's PII.
	payer := settlepay.Payer{W: w, Svc: svc, Tier: tierStep(k, st),
		Own: compliance.OwnPayouts{Travel: k.Travel, Customers: k.Customers}}
	svc.Payer = payer
	// The scheduler pays through payout batches (Multisend where the
	// chain has one): every due settlement of a tenant on a chain a row,
	// each prepared by the same payer (its tier asked, its travel data).
	svc.Batch = settlepay.BatchPayer{B: &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals}, P: payer}
	return svc, nil
}

// WithdrawalsAndSettlements is the withdrawal pipeline (PayoutPolicy) and
// the settlement service over one table.
func WithdrawalsAndSettlements(env core.Env) (*ledger.Withdrawals, *dynamo.Store, *settlement.Service, error) {
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
func SettlementsClose(ctx context.Context, env core.Env) (core.Job, error) {
	svc, err := Settlements(env)
	if err != nil {
		return nil, err
	}
	st, err := core.Store(env)
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
