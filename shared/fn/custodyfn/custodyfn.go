// Package custodyfn builds POST /v1/approvals: deciding a payout runs the
// payout policy (payoutfn: screening with its sealed customer data) and
// queues the approved payout, so it links the pipeline's queue (SQS) and
// the sealer (KMS). The custody routes that need less are built apart:
// over the table alone (custodytable), with the sealer only (policyfn),
// with the queue only (pipefn/piperoutes: lifting a freeze).
package custodyfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// ApprovalsCreate builds the approvals-create function: the custody
// service over the withdrawal pipeline with its one policy
// (payoutfn.PayoutPolicy), as the worker runs it, so what approvers
// settle here is the same payout it decides.
func ApprovalsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodytable.Route("approvals-create", func(env core.Env, svc *custody.Service, _ *dynamo.Store) (err error) {
		svc.Withdrawals, _, _, err = payoutfn.Withdrawals(env)
		return err
	}, func(h api.Custody) httpapi.Handler { return h.Decide })(ctx, env)
}
