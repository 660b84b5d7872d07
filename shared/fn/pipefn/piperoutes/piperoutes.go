// Package piperoutes builds POST /v1/withdrawals/{transfer_id}/cancel over
// the withdrawal pipeline alone (pipefn): cancelling needs no policy, no
// chain and no sealer, so the function links no KMS client.
package piperoutes

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// WithdrawalsCancel builds POST /v1/withdrawals/{transfer_id}/cancel.
func WithdrawalsCancel(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	w, _, err := pipefn.WithdrawalsService(env)
	return httpapi.Wrap("withdrawals-cancel", api.Withdrawals{W: w}.Cancel), err
}
