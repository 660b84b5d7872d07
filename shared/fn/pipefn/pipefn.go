// Package pipefn wires the withdrawal pipeline and the settlement service
// over the table (no policy step: payoutfn adds the one payout policy),
// and the scheduled sweep of open withdrawals (holds-expire) with its
// alarm gauges. It links no request handling, so the jobs and workers
// built on it start without it (issue 18); the routes are in package fn
// and payoutfn.
package pipefn

import (
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/settlement"
)

// Env reads one configuration variable.
type Env = core.Env

// SettlementService is the settlement service over the table
// (acquiretable.Settlements) with, when WEBHOOK_QUEUE_URL is set, its
// events. It has no payer: payoutfn.Settlements adds the withdrawal
// pipeline's.
func SettlementService(env Env, st *dynamo.Store) (*settlement.Service, error) {
	svc, err := acquiretable.Settlements(env, st)
	if err != nil {
		return nil, err
	}
	if p, err := publishfn.WebhookPublisher(env); err == nil {
		svc.Events = p
	}
	return svc, nil
}
