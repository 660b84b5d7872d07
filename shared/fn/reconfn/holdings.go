package reconfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/holdings"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// chainHoldings reads one chain's holdings: the token balances of every
// deposit address the platform issued and of the hot wallet. On Ethereum
// they are read at the deposit watcher's cursor, so a deposit the watcher
// has not reached yet is not counted against the books.
type chainHoldings struct {
	st    holdingsStore
	chain sg.Chain
	hot   address.Account
	total func(ctx context.Context, addrs []address.Account, block *uint64) (sg.Amount, error)
}

// holdingsStore is what a holdings read needs of the table: the watcher's
// cursor and the chain's address list, a page at a time.
type holdingsStore interface {
	LoadWatch(ctx context.Context, name string) ([]byte, int64, error)
	AddressPages(ctx context.Context, c sg.Chain, after string, page func([]sg.AddressOwner) error) (string, error)
}

// Holdings reads the chain's deposit addresses a page at a time (the
// sharded address list, never the whole set in memory) and sums each
// page's balances as it comes (batched reads: see holdings.Ethereum).
func (h chainHoldings) Holdings(ctx context.Context) (sg.Amount, error) {
	var block *uint64
	if h.chain == sg.Ethereum {
		blob, _, err := h.st.LoadWatch(ctx, "ethereum")
		if err != nil {
			return 0, err
		}
		var w struct{ Cursor uint64 }
		if len(blob) > 0 && json.Unmarshal(blob, &w) == nil && w.Cursor > 0 {
			block = &w.Cursor
		}
	}
	sum, err := h.total(ctx, []address.Account{h.hot}, block)
	if err != nil {
		return 0, err
	}
	_, err = h.st.AddressPages(ctx, h.chain, "0", func(page []sg.AddressOwner) error {
		addrs := make([]address.Account, 0, len(page))
		for _, o := range page {
			a, err := address.Parse(h.chain, o.Address)
			if err != nil {
				return sg.Internal("fn.Holdings", err)
			}
			addrs = append(addrs, a)
		}
		v, err := h.total(ctx, addrs, block)
		sum += v
		return err
	})
	return sum, err
}

// onChainReaders builds a holdings reader for every served chain.
func onChainReaders(ctx context.Context, env Env, st *dynamo.Store) (map[sg.Chain]recon.OnChain, error) {
	served, err := hotkeyfn.ServedChains(ctx, env)
	if err != nil {
		return nil, err
	}
	out := map[sg.Chain]recon.OnChain{}
	for _, c := range served {
		h := chainHoldings{st: st.Watch, chain: c.Net.Chain, hot: c.Hot}
		if h.total, err = HoldingsTotal(env, c); err != nil {
			return nil, err
		}
		out[c.Net.Chain] = h
	}
	return out, nil
}

// HoldingsTotal is the token-balance reader of a served chain: a page of
// holders per call through the multicall MULTICALL_ETHEREUM or
// MULTICALL_TRON names (a contract answering Multicall3's aggregate3),
// else the chain's fallback (JSON-RPC batches on Ethereum, the accounts
// API one address at a time on Tron).
func HoldingsTotal(env Env, c hotkeyfn.Served) (func(ctx context.Context, addrs []address.Account, block *uint64) (sg.Amount, error), error) {
	u, hc, err := hotkeyfn.ChainHTTP(env, c.Net)
	if err != nil {
		return nil, err
	}
	name := "MULTICALL_" + strings.ToUpper(string(c.Net.Chain))
	var mc address.Account
	if v := env(name); v != "" {
		if mc, err = address.Parse(c.Net.Chain, v); err != nil {
			return nil, fmt.Errorf("fn: %s: %w", name, err)
		}
	}
	if c.Net.Chain == sg.Ethereum {
		return (&holdings.Ethereum{RPC: &ethrpc.Client{URL: u, HTTP: hc}, Token: c.Token, Multicall: mc}).Total, nil
	}
	return (&holdings.Tron{Grid: &tron.Grid{URL: u, APIKey: env("TRON_API_KEY"), HTTP: hc}, Token: c.Token, Multicall: mc}).Total, nil
}
