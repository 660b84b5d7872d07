package fn

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// walletAPI builds the wallet handlers from TABLE_NAME, XPUB_ETHEREUM and XPUB_TRON.
func walletAPI(ctx context.Context, env Env) (api.Wallets, error) {
	if err := required(env, "TABLE_NAME", "XPUB_ETHEREUM", "XPUB_TRON"); err != nil {
		return api.Wallets{}, err
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return api.Wallets{}, err
	}
	d, err := hd.NewDeriver(map[sg.Chain]string{sg.Ethereum: env("XPUB_ETHEREUM"), sg.Tron: env("XPUB_TRON")})
	if err != nil {
		return api.Wallets{}, err
	}
	store := dynamo.New(dynamodb.NewFromConfig(cfg), env("TABLE_NAME"))
	return api.Wallets{Svc: &wallet.Service{Store: store, Idem: store, Balances: store, Deriver: d, Now: time.Now}}, nil
}

func walletHandler(name string, pick func(api.Wallets) httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		w, err := walletAPI(ctx, env)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(w)), nil
	}
}

// Wallet function builders.
var (
	WalletsCreate   = walletHandler("wallets-create", func(w api.Wallets) httpapi.Handler { return w.Create })
	WalletsGet      = walletHandler("wallets-get", func(w api.Wallets) httpapi.Handler { return w.Get })
	WalletsList     = walletHandler("wallets-list", func(w api.Wallets) httpapi.Handler { return w.List })
	WalletsBalances = walletHandler("wallets-balances", func(w api.Wallets) httpapi.Handler { return w.Balances })
)
