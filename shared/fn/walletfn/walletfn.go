// Package walletfn wires the wallet routes over package core alone, so
// the wallet functions link the wallet service and DynamoDB, not every
// adapter package fn holds (issue 18).
package walletfn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/envelope"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// Env is the wiring's environment.
type Env = core.Env

// API builds the wallet handlers from TABLE_NAME and, for creation
// only (derive), XPUB_ETHEREUM and XPUB_TRON: reading wallets needs no keys,
// and parsing them costs a cold start several milliseconds.
func API(ctx context.Context, env Env, derive bool) (api.Wallets, error) {
	if err := core.Required(env, "TABLE_NAME"); err != nil {
		return api.Wallets{}, err
	}
	db, err := core.DynamoClient(env)
	if err != nil {
		return api.Wallets{}, err
	}
	var d sg.AddressDeriver
	if derive {
		if err := core.Required(env, "XPUB_ETHEREUM", "XPUB_TRON"); err != nil {
			return api.Wallets{}, err
		}
		hdd, err := hd.NewDeriver(map[sg.Chain]string{sg.Ethereum: env("XPUB_ETHEREUM"), sg.Tron: env("XPUB_TRON")})
		if err != nil {
			return api.Wallets{}, err
		}
		if f := env("FORWARDER_FACTORY_ETHEREUM"); f != "" {
			fw, err := forwarders(f, env("FORWARDER_IMPL_ETHEREUM"))
			if err != nil {
				return api.Wallets{}, err
			}
			hdd.WithForwarders(sg.Ethereum, fw)
		}
		d = hdd
	}
	store := dynamo.New(db, env("TABLE_NAME"))
	if env("ENVELOPE_KEY_ID") != "" {
		kc, err := kmsfn.Client(env)
		if err != nil {
			return api.Wallets{}, err
		}
		store.Base.Fields = &envelope.Fields{KMS: kc, KeyID: env("ENVELOPE_KEY_ID"), Keys: store.Custody}
	}
	return api.Wallets{Svc: &wallet.Service{Store: store.Wallets, Idem: store.Base, Balances: store.Ledger, Deriver: d, Freezes: store.Custody, Now: time.Now},
		Customers: store.Customers}, nil
}

// forwarders reads the factory and implementation addresses of CREATE2
// deposit forwarders.
func forwarders(factory, impl string) (address.Forwarders, error) {
	f, err := address.Parse(sg.Ethereum, factory)
	if err != nil {
		return address.Forwarders{}, errors.New("fn: FORWARDER_FACTORY_ETHEREUM is not an Ethereum address")
	}
	i, err := address.Parse(sg.Ethereum, impl)
	if err != nil {
		return address.Forwarders{}, errors.New("fn: FORWARDER_IMPL_ETHEREUM is not an Ethereum address")
	}
	return address.Forwarders{Factory: f, Implementation: i}, nil
}

// WalletsCreate builds POST /v1/wallets.
func WalletsCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, err := API(ctx, env, true)
	return httpapi.Wrap("wallets-create", w.Create), err
}

// WalletsGet builds GET /v1/wallets/{wallet_id}.
func WalletsGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, err := API(ctx, env, false)
	return httpapi.Wrap("wallets-get", w.Get), err
}

// WalletsList builds GET /v1/wallets.
func WalletsList(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, err := API(ctx, env, false)
	return httpapi.Wrap("wallets-list", w.List), err
}

// WalletsBalances builds GET /v1/wallets/{wallet_id}/balances.
func WalletsBalances(ctx context.Context, env Env) (httpapi.Handler, error) {
	w, err := API(ctx, env, false)
	return httpapi.Wrap("wallets-balances", w.Balances), err
}
