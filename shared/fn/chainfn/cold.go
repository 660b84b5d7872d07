package chainfn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/api/coldapi"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// coldWallet builds the cold payouts of Ethereum over the hot wallet's
// node (its address is where a refill goes), from COLD_ADDRESS_ETHEREUM
// (the address coldsign prints for the cold seed) and COLD_BUNDLE_TTL (how
// long a bundle may be away, default 24h). With no cold address configured
// it returns nil.
func coldWallet(ctx context.Context, env fn.Env, st *dynamo.Store, hot *chaineth.HotWallet, token common.Address) (*chaineth.Cold, error) {
	addr := env("COLD_ADDRESS_ETHEREUM")
	if addr == "" {
		return nil, nil
	}
	if !common.IsHexAddress(addr) {
		return nil, errors.New("chainfn: COLD_ADDRESS_ETHEREUM is not an address")
	}
	ttl := 24 * time.Hour
	if v := env("COLD_BUNDLE_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 7*24*time.Hour {
			return nil, errors.New("chainfn: COLD_BUNDLE_TTL must be a duration from 1m to 168h")
		}
		ttl = d
	}
	if hot == nil {
		return nil, errors.New("chainfn: ETH_RPC_URL is not set")
	}
	node := hot.Node
	hotAddr, err := chaineth.From(ctx, hot.Signer)
	if err != nil {
		return nil, fmt.Errorf("chainfn: hot address: %w", err)
	}
	follow := &chaineth.HotWallet{Node: node, ChainID: hot.ChainID, Store: st, Confirmations: hot.Confirmations, NoReplace: true}
	l := fn.Ledger(st)
	return &chaineth.Cold{Node: node, Store: st, Follow: follow, ChainID: hot.ChainID, Token: token, Address: common.HexToAddress(addr),
		TTL: ttl, Hot: hotAddr, Now: time.Now,
		Float: func(ctx context.Context, amount sg.Amount, ref string) error {
			_, err := l.RecordFloat(ctx, sg.Ethereum, amount, ref)
			return err
		}}, nil
}

func coldHandler(name string, pick func(coldapi.Handlers) httpapi.Handler) fn.Builder {
	return fn.OnHotKey(func(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
		st, err := fn.Store(env)
		if err != nil {
			return nil, err
		}
		hot, _, token, err := hotWallet(ctx, env, st)
		if err != nil {
			return nil, err
		}
		c, err := coldWallet(ctx, env, st, hot, token)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, errors.New("chainfn: COLD_ADDRESS_ETHEREUM is not set")
		}
		svc := &coldapi.Service{Store: st, Chains: map[sg.Chain]coldapi.Chain{sg.Ethereum: c}, Now: time.Now}
		return httpapi.Wrap(name, pick(coldapi.Handlers{Cold: svc})), nil
	})
}

// The cold payout endpoints, one function each (see template.yaml).
var (
	ColdPayoutsCreate = coldHandler("cold-payouts-create", func(h coldapi.Handlers) httpapi.Handler { return h.Prepare })
	ColdPayoutsGet    = coldHandler("cold-payouts-get", func(h coldapi.Handlers) httpapi.Handler { return h.Get })
	ColdPayoutsQR     = coldHandler("cold-payouts-qr", func(h coldapi.Handlers) httpapi.Handler { return h.QR })
	ColdPayoutsSign   = coldHandler("cold-payouts-sign", func(h coldapi.Handlers) httpapi.Handler { return h.Import })
	ColdPayoutsCancel = coldHandler("cold-payouts-cancel", func(h coldapi.Handlers) httpapi.Handler { return h.Cancel })
)
