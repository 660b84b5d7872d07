// Package custodyreads builds the custody routes that only read (the
// policy, the allowlist, the freezes, the journal, the key rotation) over
// the table alone: no withdrawal pipeline (queue) and no sealer (KMS),
// which only decisions and edits use (package custodyfn).
package custodyreads

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// readHandler builds a route that only reads the custody records (the
// policy, the allowlist, the freezes, the journal, the rotation): the
// service over the table alone, with no pipeline (queue) and no sealer
// (KMS), which only decisions and edits use.
func readHandler(name string, pick func(api.Custody) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (api.Custody, error) {
		st, err := core.Store(env)
		if err != nil {
			return api.Custody{}, err
		}
		return api.Custody{Svc: &custody.Service{Store: st.Custody, Rotations: st.HotKeys, Now: time.Now}}, nil
	}, pick)
}

// PolicyGet builds the policy-get function.
func PolicyGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return readHandler("policy-get", func(h api.Custody) httpapi.Handler { return h.GetPolicy })(ctx, env)
}

// AllowlistList builds the allowlist-list function.
func AllowlistList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return readHandler("allowlist-list", func(h api.Custody) httpapi.Handler { return h.ListAllow })(ctx, env)
}

// FreezesList builds the freezes-list function.
func FreezesList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return readHandler("freezes-list", func(h api.Custody) httpapi.Handler { return h.ListFreezes })(ctx, env)
}

// JournalList builds the journal-list function.
func JournalList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return readHandler("journal-list", func(h api.Custody) httpapi.Handler { return h.Journal })(ctx, env)
}

// RotationsGet builds the rotations-get function.
func RotationsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return readHandler("rotations-get", func(h api.Custody) httpapi.Handler { return h.GetRotation })(ctx, env)
}
