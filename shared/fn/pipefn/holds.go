package pipefn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
)

// HoldsExpireJob builds the scheduled sweep of open withdrawals: it voids
// the holds of those left unsigned past their expiry, and queues again
// those that stalled (their queue message lost). It reads the index of
// open withdrawals, never the whole table.
func HoldsExpireJob(ctx context.Context, env Env) (core.Job, error) {
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
