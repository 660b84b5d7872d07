package fn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// WithdrawalsCancel builds POST /v1/withdrawals/{transfer_id}/cancel.
func WithdrawalsCancel(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, _, err := pipefn.WithdrawalsService(env)
	return httpapi.Wrap("withdrawals-cancel", api.Withdrawals{W: w}.Cancel), err
}
