// Package policyfn builds PUT /v1/policy: the custody service over the
// table (custodytable) with the sealer that seals the approval webhook's
// secret (KMS), and no withdrawal pipeline (SQS): setting a policy queues
// no payout.
package policyfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// PolicyPut builds the policy-put function.
func PolicyPut(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodytable.Route("policy-put", func(env core.Env, svc *custody.Service, _ *dynamo.Store) (err error) {
		svc.Sealer, err = kmsfn.Sealer(env)
		return err
	}, func(h api.Custody) httpapi.Handler { return h.PutPolicy })(ctx, env)
}
