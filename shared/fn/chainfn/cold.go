package chainfn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The platform's cold payouts are configured by COLD_ADDRESS_ETHEREUM and
// COLD_ADDRESS_TRON (the addresses `coldsign address` prints for the cold
// seed; "" turns a chain's cold payouts off) and COLD_BUNDLE_TTL (how long
// a bundle may be away, default 24h; on Tron at most 23h, as a Tron
// transaction expires within a day).

func coldTTL(env core.Env) (time.Duration, error) {
	ttl := 24 * time.Hour
	if v := env("COLD_BUNDLE_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 7*24*time.Hour {
			return 0, errors.New("chainfn: COLD_BUNDLE_TTL must be a duration from 1m to 168h")
		}
		ttl = d
	}
	return ttl, nil
}

// coldWallet builds the cold payouts of Ethereum over the hot wallet's
// node (its address is where a refill goes). With no cold address
// configured it returns nil.
func coldWallet(ctx context.Context, env core.Env, st *dynamo.Store, hot *chaineth.HotWallet, token common.Address) (*chaineth.Cold, error) {
	addr := env("COLD_ADDRESS_ETHEREUM")
	if addr == "" {
		return nil, nil
	}
	if !common.IsHexAddress(addr) {
		return nil, errors.New("chainfn: COLD_ADDRESS_ETHEREUM is not an address")
	}
	ttl, err := coldTTL(env)
	if err != nil {
		return nil, err
	}
	if hot == nil {
		return nil, errors.New("chainfn: COLD_ADDRESS_ETHEREUM is set but ETH_RPC_URL is not")
	}
	node := hot.Node
	hotAddr, err := chaineth.From(ctx, hot.Signer)
	if err != nil {
		return nil, fmt.Errorf("chainfn: hot address: %w", err)
	}
	follow := &chaineth.HotWallet{Node: node, ChainID: hot.ChainID, Store: st.Withdrawals, Confirmations: hot.Confirmations, NoReplace: true}
	return &chaineth.Cold{Node: node, Store: st.Cold, Follow: follow, ChainID: hot.ChainID, Token: token, Address: common.HexToAddress(addr),
		TTL: ttl, Hot: hotAddr, Now: time.Now, Float: floatOn(st, sg.Ethereum)}, nil
}

// floatOn records a cold payout to the hot wallet as platform float.
func floatOn(st *dynamo.Store, c sg.Chain) func(ctx context.Context, amount sg.Amount, ref string) error {
	l := core.Ledger(st)
	return func(ctx context.Context, amount sg.Amount, ref string) error {
		_, err := l.RecordFloat(ctx, c, amount, ref)
		return err
	}
}

// tronCold builds the cold payouts of Tron over grid, the hot signer's
// address being where a refill goes. cold is the zero account when only
// following (the tracker).
func tronCold(st *dynamo.Store, grid *tron.Grid, token, cold address.Account, ttl time.Duration, hot func(context.Context) (address.Account, error)) *tron.Cold {
	return &tron.Cold{Grid: grid, Store: st.Cold, Send: &tron.Sender{Grid: grid, Store: st.Withdrawals}, Token: token, Address: cold, TTL: ttl,
		Hot: hot, Float: floatOn(st, sg.Tron), Now: time.Now}
}

// ColdChains builds each chain's side of cold payouts that has a cold
// address configured (nil for a chain without one), for the cold payout
// routes (package chainroutes).
func ColdChains(ctx context.Context, env core.Env, st *dynamo.Store) (eth *chaineth.Cold, tr *tron.Cold, err error) {
	if env("COLD_ADDRESS_ETHEREUM") != "" {
		hot, _, token, err := hotWallet(ctx, env, st)
		if err != nil {
			return nil, nil, err
		}
		if eth, err = coldWallet(ctx, env, st, hot, token); err != nil {
			return nil, nil, err
		}
	}
	if a := env("COLD_ADDRESS_TRON"); a != "" {
		cold, err := address.Parse(sg.Tron, a)
		if err != nil {
			return nil, nil, errors.New("chainfn: COLD_ADDRESS_TRON is not a Tron address")
		}
		_, grid, token, ok, err := hotkeyfn.TronConfig(env)
		if err == nil && !ok {
			err = errors.New("chainfn: COLD_ADDRESS_TRON is set but TRON_GRID_URL is not")
		}
		if err != nil {
			return nil, nil, err
		}
		ttl, err := coldTTL(env)
		if err != nil {
			return nil, nil, err
		}
		signer, err := hotkeyfn.KMSSigner(ctx, env)
		if err != nil {
			return nil, nil, err
		}
		tr = tronCold(st, grid, token, cold, ttl, signer.Address)
	}
	if eth == nil && tr == nil {
		return nil, nil, errors.New("chainfn: neither COLD_ADDRESS_ETHEREUM nor COLD_ADDRESS_TRON is set")
	}
	return eth, tr, nil
}

// coldFollower moves a tracked cold payout on (chaineth.Cold, tron.Cold).
type coldFollower interface {
	Advance(ctx context.Context, tenant, id string) (bool, error)
}

// coldFollowers are what the tracker follows cold payouts with, per chain,
// over the pipeline's payouts (their nodes, tokens and hot addresses).
func coldFollowers(ctx context.Context, env core.Env, st *dynamo.Store, payouts map[sg.Chain]ledger.Payout) (map[sg.Chain]coldFollower, error) {
	out := map[sg.Chain]coldFollower{}
	if p, ok := payoutfn.Unscreened(payouts[sg.Ethereum]).(*chaineth.Payout); ok {
		c, err := coldWallet(ctx, env, st, p.Hot, p.Token)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out[sg.Ethereum] = c
		}
	}
	if p, ok := payoutfn.Unscreened(payouts[sg.Tron]).(*tron.Payout); ok {
		// A signed Tron cold payout needs no cold address to be followed.
		out[sg.Tron] = tronCold(st, p.Send.Grid, p.Token, address.Account{}, tron.MaxColdTTL, p.Send.Signer.Address)
	}
	return out, nil
}
