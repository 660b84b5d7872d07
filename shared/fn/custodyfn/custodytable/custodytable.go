// Package custodytable builds the custody routes that need the table
// alone: those that read (the policy, the allowlist, the freezes, the
// journal, the key rotation) and the edits that only write records
// (adding to the allowlist, freezing, asking for a key rotation). None
// queues a payout or seals a secret, so none links the withdrawal
// pipeline's queue (SQS) or a sealer (KMS): setting the policy seals its
// webhook secret (custodyfn/policyfn), lifting a freeze queues the payouts
// it held (pipefn/piperoutes), and deciding an approval runs the payout
// policy (custodyfn).
package custodytable

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// Service builds the custody service over the table: its records, the
// hot key rotations and the wallets, with PLATFORM_UNFREEZE_APPROVALS
// platform admins to lift a platform freeze. The other custody builders
// add what their routes need to it.
func Service(env core.Env) (*custody.Service, *dynamo.Store, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	n := 2
	if v := env("PLATFORM_UNFREEZE_APPROVALS"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 10 {
			return nil, nil, errors.New("fn: PLATFORM_UNFREEZE_APPROVALS must be 1 to 10")
		}
	}
	return &custody.Service{Store: st.Custody, Rotations: st.HotKeys, Wallets: st.Wallets, Now: time.Now, PlatformUnfreezeApprovals: n,
		AllowLoopbackWebhooks: env("ALLOW_LOOPBACK_WEBHOOKS") == "true"}, st, nil
}

// Route builds a custody route over the service more adds to: nil adds
// nothing.
func Route(name string, more func(core.Env, *custody.Service, *dynamo.Store) error, pick func(api.Custody) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (api.Custody, error) {
		svc, st, err := Service(env)
		if err == nil && more != nil {
			err = more(env, svc, st)
		}
		return api.Custody{Svc: svc}, err
	}, pick)
}

// The custody routes over the table alone, one function each (see template.yaml).

// PolicyGet builds the policy-get function.
func PolicyGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("policy-get", nil, func(h api.Custody) httpapi.Handler { return h.GetPolicy })(ctx, env)
}

// AllowlistList builds the allowlist-list function.
func AllowlistList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("allowlist-list", nil, func(h api.Custody) httpapi.Handler { return h.ListAllow })(ctx, env)
}

// AllowlistAdd builds the allowlist-add function.
func AllowlistAdd(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("allowlist-add", nil, func(h api.Custody) httpapi.Handler { return h.AddAllow })(ctx, env)
}

// FreezesList builds the freezes-list function.
func FreezesList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("freezes-list", nil, func(h api.Custody) httpapi.Handler { return h.ListFreezes })(ctx, env)
}

// FreezesCreate builds the freezes-create function.
func FreezesCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("freezes-create", nil, func(h api.Custody) httpapi.Handler { return h.Freeze })(ctx, env)
}

// JournalList builds the journal-list function.
func JournalList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("journal-list", nil, func(h api.Custody) httpapi.Handler { return h.Journal })(ctx, env)
}

// RotationsGet builds the rotations-get function.
func RotationsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("rotations-get", nil, func(h api.Custody) httpapi.Handler { return h.GetRotation })(ctx, env)
}

// RotationsCreate builds the rotations-create function.
func RotationsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return Route("rotations-create", nil, func(h api.Custody) httpapi.Handler { return h.RequestRotation })(ctx, env)
}
