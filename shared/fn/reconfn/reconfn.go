// Package reconfn wires reconciliation's scheduled run: the
// on-chain holdings it compares (HoldingsTotal: multicall on Ethereum,
// batched account reads on Tron) and the scheduled job (reconcile). It
// links no request handling, so the job starts without it (issue 18); the
// API's read of a tenant's reconciliation is in ledgerfn.
package reconfn

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/reconfn/reconstore"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/recon"
)

// Env reads one configuration variable.
type Env = core.Env

// ReconcileJob builds the scheduled platform-wide run: it logs the report
// and emits the number of differences as a metric to alarm on. Chains with
// an endpoint configured have their on-chain holdings compared too. A
// tenant too large for one invocation is read on by the next ones from its
// checkpoint (reconstore.Scheduled).
func ReconcileJob(ctx context.Context, env Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(reconcileJob)(ctx, env)
}

func reconcileJob(ctx context.Context, env Env) (core.Job, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	chains, err := onChainReaders(ctx, env, st)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "reconcile")
	metrics := obs.NewMetrics(os.Stdout, "Stablegate", "reconcile")
	rs := reconstore.Scheduled(st)
	return func(ctx context.Context) (any, error) {
		r, err := recon.Platform(ctx, rs, time.Now(), chains)
		if err != nil {
			return nil, err
		}
		diffs := 0
		for _, c := range r.Checks {
			diffs += c.Count()
		}
		b, _ := json.Marshal(r)
		if r.OK {
			log.Info("reconciliation ok", "checks", len(r.Checks))
		} else {
			log.Error("reconciliation found differences", "differences", diffs, "report", string(b))
		}
		metrics.Emit("schedule", obs.Metric{Name: "ReconciliationDifferences", Unit: "Count", Value: int64(diffs)})
		return r, nil
	}, nil
}
