package fn

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/recon"
)

// ReconciliationGet builds GET /v1/reconciliation: the caller's tenant's books.
func ReconciliationGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	st, err := store(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("reconciliation-get", func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
		p, err := httpapi.PrincipalOf(req)
		if err != nil {
			return httpapi.Fail(ctx, req, err), nil
		}
		r, err := recon.Tenant(ctx, st, p.TenantID, time.Now())
		if err != nil {
			return httpapi.Fail(ctx, req, err), nil
		}
		return httpapi.JSON(http.StatusOK, r), nil
	}), nil
}

// ReconcileJob builds the scheduled platform-wide run: it logs the report
// and emits the number of differences as a metric to alarm on.
func ReconcileJob(ctx context.Context, env Env) (func(ctx context.Context) (recon.Report, error), error) {
	st, err := store(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "reconcile")
	metrics := obs.NewMetrics(os.Stdout, "Stablegate", "reconcile")
	return func(ctx context.Context) (recon.Report, error) {
		r, err := recon.Platform(ctx, st, time.Now())
		if err != nil {
			return r, err
		}
		diffs := 0
		for _, c := range r.Checks {
			diffs += len(c.Differences)
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
