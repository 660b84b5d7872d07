package compliancefn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/obs"
)

// kycExpireBatch is how many verifications one pass of the expiry job
// moves; the job runs passes until one moves none (or its time is short).
const kycExpireBatch = 100

// KYCExpireJob builds the scheduled job that moves verifications past
// their expiry to expired (the sparse expiry index, never a scan): passes
// of kycExpireBatch until one moves none, for at most 50 seconds.
func KYCExpireJob(ctx context.Context, env core.Env) (core.Job, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "kyc-expire")
	cus := &compliance.Customers{Store: st.Customers, Now: time.Now, Log: log}
	kyc := &compliance.KYC{Customers: cus}
	return func(ctx context.Context) (any, error) {
		total := 0
		deadline := time.Now().Add(50 * time.Second)
		for time.Now().Before(deadline) {
			n, err := kyc.ExpireDue(ctx, kycExpireBatch)
			total += n
			if err != nil {
				log.Error("kyc expiry failed", "expired", total, "error", err.Error())
				return map[string]int{"expired": total}, err
			}
			if n == 0 {
				break
			}
		}
		log.Info("kyc verifications expired", "count", total)
		return map[string]int{"expired": total}, nil
	}, nil
}
