// Package piperoutes builds the routes over the withdrawal pipeline alone
// (pipefn): cancelling a payout (POST /v1/withdrawals/{transfer_id}/cancel)
// and lifting a freeze, which queues again the payouts it held. Neither
// needs the payout policy, a chain or a sealer, so neither links a KMS
// client.
package piperoutes

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// WithdrawalsCancel builds POST /v1/withdrawals/{transfer_id}/cancel.
func WithdrawalsCancel(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	w, _, err := pipefn.WithdrawalsService(env)
	return httpapi.Wrap("withdrawals-cancel", api.Withdrawals{W: w}.Cancel), err
}

// FreezesApprove builds POST /v1/freezes/{freeze_id}/approve: the custody
// service over the table (custodytable) with the withdrawal pipeline,
// which queues again the payouts a lifted freeze held; the worker applies
// the payout policy when it takes them, so lifting needs no sealer.
func FreezesApprove(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodytable.Route("freezes-approve", func(env core.Env, svc *custody.Service, _ *dynamo.Store) (err error) {
		svc.Withdrawals, _, err = pipefn.WithdrawalsService(env)
		return err
	}, func(h api.Custody) httpapi.Handler { return h.VoteUnfreeze })(ctx, env)
}
