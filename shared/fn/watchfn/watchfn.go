// Package watchfn builds the deposit watchers' scheduled pass (WatchJob)
// and the Tron watcher with its sink. It links no request handling, so the
// watchers start without it; the deposit controls (screening, the invoice
// listener, the monitor) are payoutfn's to give.
package watchfn

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Env reads one configuration variable.
type Env = core.Env

// DepositControls builds what a deposit watcher's sink asks and tells: the
// screen of each deposit's sender, asked before the ledger credits it, and
// the listener of the deposits that are not quarantined (the compliance
// wiring, payoutfn.DepositControls, apart from this package so that
// functions that move no deposits link none of it).
type DepositControls func(ctx context.Context, env Env, st *dynamo.Store) (sg.DepositScreen, sg.DepositListener, error)

// TronDepositsWatch builds the scheduled Tron deposit watcher with its
// controls (required: no deposit is credited unscreened).
func TronDepositsWatch(controls DepositControls) core.JobBuilder {
	return func(ctx context.Context, env Env) (core.Job, error) {
		return tronDepositsWatch(ctx, env, controls)
	}
}

func tronDepositsWatch(ctx context.Context, env Env, controls DepositControls) (core.Job, error) {
	if controls == nil {
		return nil, errors.New("watchfn: the Tron deposit watcher needs its deposit controls")
	}
	net, grid, token, ok, err := hotkeyfn.TronConfig(env)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("watchfn: TRON_GRID_URL is not set")
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "deposits-watch-tron")
	owners := &ledger.Owners{Chain: sg.Tron}
	screen, listener, err := controls(ctx, env, st)
	if err != nil {
		return nil, err
	}
	sink := TronSink{Sink: ledger.DepositSink{Deposits: &ledger.Deposits{Service: core.Ledger(st), Mover: st.Ledger}, Owners: owners, Marks: st.Sweeps,
		Scope: tron.SweepScope(token), Screen: screen, Listener: listener}, Confirmations: int(net.Confirmations)}
	return WatchJob(st, sg.Tron, owners, func(ctx context.Context, state tron.State) (tron.State, map[string]any, error) {
		if state.CursorTS == 0 {
			// A new deployment starts at the head, not at the token's genesis.
			head, err := grid.NowBlock(ctx, false)
			if err != nil {
				return state, nil, err
			}
			state.CursorTS = head.Timestamp - 60_000
		}
		w := &tron.Watcher{Grid: grid, Token: net.Token, Sink: sink,
			Watched: owners.Watched}
		state, err := w.Poll(ctx, state)
		if err != nil {
			return state, nil, err
		}
		log.Info("watched", "cursor_ts", state.CursorTS, "pending", len(state.Pending), "api_calls", grid.Calls, "rate_limited", grid.Limited)
		return state, map[string]any{"cursor_ts": state.CursorTS, "pending": len(state.Pending)}, nil
	}), nil
}

// TronSink feeds the Tron watcher's deposits to the one deposit sink
// (ledger.DepositSink: Owners finds base58 deposit addresses' wallets,
// Marks and Scope, tron.SweepScope, mark confirmed deposits for the Tron
// sweeper); Confirmations is the depth a solidified deposit is reported at.
type TronSink struct {
	Sink          ledger.DepositSink
	Confirmations int
}

// seenTron is d as the sink takes it; its sender in base58 ("" when the
// event named none, so screening quarantines it for a person to look).
func seenTron(d tron.Deposit) ledger.SeenDeposit {
	from := ""
	if d.From != (address.Account{}) {
		from = d.From.Tron()
	}
	return ledger.SeenDeposit{Chain: sg.Tron, To: d.To.Tron(), From: from, Amount: d.Amount, Ref: "tron:" + d.Key(), Block: d.Block, TxHash: d.TxID}
}

// Seen credits a Tron deposit as pending.
func (s TronSink) Seen(ctx context.Context, d tron.Deposit) error {
	return s.Sink.Seen(ctx, seenTron(d))
}

// Confirm makes a Tron deposit available and marks its address for the
// sweeper.
func (s TronSink) Confirm(ctx context.Context, d tron.Deposit) error {
	sd := seenTron(d)
	sd.Confirmations = s.Confirmations
	return s.Sink.Confirm(ctx, sd)
}

// Reverse takes back a Tron deposit whose transaction left the chain.
func (s TronSink) Reverse(ctx context.Context, d tron.Deposit) error {
	return s.Sink.Reverse(ctx, seenTron(d))
}

// WatchJob is a deposit watcher's scheduled pass around poll: the chain's
// deposit addresses (owners, one compact copy) loaded whole at the first
// run, page by page from the list's shards, and then only those of wallets
// created since a minute before the last load (a wallet's id is taken
// before it commits, so the overlap catches one that committed late;
// reloading one is harmless), then the watcher's state S loaded, polled,
// and saved over the version loaded, so two overlapping runs never both
// advance it. owners is shared with the caller's watcher (the per-log
// test) and sink (address to wallet).
func WatchJob[S any](st *dynamo.Store, chain sg.Chain, owners *ledger.Owners, poll func(ctx context.Context, s S) (S, map[string]any, error)) core.Job {
	var loaded time.Time
	return func(ctx context.Context) (any, error) {
		after, now := "0", time.Now()
		if !loaded.IsZero() {
			after = sg.IDTimeBound("wal", loaded.Add(-time.Minute))
		}
		if _, err := st.Watch.AddressPages(ctx, chain, after, owners.Add); err != nil {
			return nil, err
		}
		loaded = now
		blob, version, err := st.Watch.LoadWatch(ctx, string(chain))
		if err != nil {
			return nil, err
		}
		var state S
		if len(blob) > 0 {
			if err := json.Unmarshal(blob, &state); err != nil {
				return nil, err
			}
		}
		state, summary, err := poll(ctx, state)
		if err != nil {
			return nil, err
		}
		out, _ := json.Marshal(state)
		if err := st.Watch.SaveWatch(ctx, string(chain), out, version); err != nil {
			return nil, err
		}
		return summary, nil
	}
}
