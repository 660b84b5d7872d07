package fn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn/walletfn"
)

// walletAPI is walletfn's wallet handlers, for the invoice and settlement
// builders that make the platform's own wallets.
func walletAPI(ctx context.Context, env Env, derive bool) (api.Wallets, error) {
	return walletfn.API(ctx, env, derive)
}
