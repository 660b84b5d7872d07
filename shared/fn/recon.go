package fn

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/fn/ledgerfn"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/recon"
)

// Job is a scheduled function's handler (core.Job).
type Job = core.Job

// JobBuilder makes a scheduled function's handler.
type JobBuilder = core.JobBuilder

// ReconcileJob builds the scheduled platform-wide run: it logs the report
// and emits the number of differences as a metric to alarm on. Chains with
// an endpoint configured have their on-chain holdings compared too. A
// tenant too large for one invocation is read on by the next ones from its
// checkpoint (ledgerfn.ScheduledReconStore).
func ReconcileJob(ctx context.Context, env Env) (Job, error) {
	return JobOnHotKey(reconcileJob)(ctx, env)
}

func reconcileJob(ctx context.Context, env Env) (Job, error) {
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	chains, err := onChainReaders(ctx, env, st)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "reconcile")
	metrics := obs.NewMetrics(os.Stdout, "Stablegate", "reconcile")
	rs := ledgerfn.ScheduledReconStore(st)
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

// HoldsExpireJob builds the scheduled sweep of open withdrawals: it voids
// the holds of those left unsigned past their expiry, and queues again
// those that stalled (their queue message lost). It reads the index of
// open withdrawals, never the whole table.
func HoldsExpireJob(ctx context.Context, env Env) (Job, error) {
	w, st, err := WithdrawalsService(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "holds-expire")
	gauges := opsGauges(env, st, obs.NewMetrics(os.Stdout, "Stablegate", "holds-expire")) // ---- ops: alarm gauges ----
	return func(ctx context.Context) (any, error) {
		now := time.Now()
		if err := gauges(ctx, now); err != nil { // ---- ops: alarm gauges ----
			log.Error("ops gauges", "error", err.Error())
		}
		n, err := ExpireHolds(ctx, w, st, now)
		log.Info("expired holds voided", "count", n)
		if err != nil {
			return map[string]int{"expired": n}, err
		}
		r, err := Redrive(ctx, w, st, now.Add(-StalledAfter))
		log.Info("stalled withdrawals queued again", "count", r)
		return map[string]int{"expired": n, "redriven": r}, err
	}, nil
}

// StalledAfter is how long a withdrawal the worker should be moving may
// stay unchanged before it is queued again: well past the queue's retries
// of a step (a minute or so), so a live message is rarely doubled (a
// second one is harmless: every step is a guarded transition).
const StalledAfter = 5 * time.Minute

// Redrive queues again every open withdrawal unchanged since before that
// the worker should be moving, and returns how many.
func Redrive(ctx context.Context, w *ledger.Withdrawals, st *dynamo.Store, before time.Time) (int, error) {
	ts, err := st.Withdrawals.StalledWithdrawals(ctx, before)
	if err != nil {
		return 0, err
	}
	for i, t := range ts {
		if err := w.Enqueue(ctx, t.TenantID, t.ID); err != nil {
			return i, err
		}
	}
	return len(ts), nil
}

// ExpireHolds voids every lapsed hold and returns how many it voided.
func ExpireHolds(ctx context.Context, w *ledger.Withdrawals, st *dynamo.Store, now time.Time) (int, error) {
	ts, err := st.Withdrawals.ExpiredHolds(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range ts {
		ok, err := w.Expire(ctx, t)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
