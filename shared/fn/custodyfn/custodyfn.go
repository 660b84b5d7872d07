// Package custodyfn builds the custody functions (policies, allowlist,
// approvals, freezes, journal) apart from package fn, so functions that
// serve none of them link none of it.
package custodyfn

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// CustodyService builds the policy, approvals and freeze service over the
// withdrawal pipeline (approved and unfrozen payouts are queued again), with
// PLATFORM_UNFREEZE_APPROVALS platform admins to lift a platform freeze.
func CustodyService(env core.Env) (*custody.Service, error) {
	// The pipeline's one policy (payoutfn.PayoutPolicy), as the worker
	// runs it: what approvers settle here is the same payout it decides.
	w, st, _, err := payoutfn.Withdrawals(env)
	if err != nil {
		return nil, err
	}
	n := 2
	if v := env("PLATFORM_UNFREEZE_APPROVALS"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 10 {
			return nil, errors.New("fn: PLATFORM_UNFREEZE_APPROVALS must be 1 to 10")
		}
	}
	sealer, err := kmsfn.Sealer(env)
	if err != nil {
		return nil, err
	}
	return &custody.Service{Store: st.Custody, Rotations: st.HotKeys, Withdrawals: w, Now: time.Now, PlatformUnfreezeApprovals: n,
		Sealer: sealer, AllowLoopbackWebhooks: env("ALLOW_LOOPBACK_WEBHOOKS") == "true"}, nil
}

func custodyHandler(name string, pick func(api.Custody) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (api.Custody, error) {
		svc, err := CustodyService(env)
		return api.Custody{Svc: svc}, err
	}, pick)
}

// The custody endpoints, one function each (see template.yaml).

// PolicyPut builds the policy-put function.
func PolicyPut(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("policy-put", func(h api.Custody) httpapi.Handler { return h.PutPolicy })(ctx, env)
}

// AllowlistAdd builds the allowlist-add function.
func AllowlistAdd(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("allowlist-add", func(h api.Custody) httpapi.Handler { return h.AddAllow })(ctx, env)
}

// ApprovalsCreate builds the approvals-create function.
func ApprovalsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("approvals-create", func(h api.Custody) httpapi.Handler { return h.Decide })(ctx, env)
}

// FreezesCreate builds the freezes-create function.
func FreezesCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("freezes-create", func(h api.Custody) httpapi.Handler { return h.Freeze })(ctx, env)
}

// FreezesApprove builds the freezes-approve function.
func FreezesApprove(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("freezes-approve", func(h api.Custody) httpapi.Handler { return h.VoteUnfreeze })(ctx, env)
}

// RotationsCreate builds the rotations-create function.
func RotationsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custodyHandler("rotations-create", func(h api.Custody) httpapi.Handler { return h.RequestRotation })(ctx, env)
}
