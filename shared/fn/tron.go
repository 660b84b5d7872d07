package fn

import (
	"context"
	"errors"
	"os"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tron's functions live here, not in chainfn: Tron needs no chain library,
// so the Tron deposit watcher does not link go-ethereum.

// tronConfig is the Tron network (core.Network) with its API client and token.
func TronConfig(env Env) (sg.Network, *tron.Grid, address.Account, bool, error) {
	net, ok, err := core.Network(env, sg.Tron)
	if err != nil || !ok {
		return net, nil, address.Account{}, false, err
	}
	token, _ := address.Parse(sg.Tron, net.Token)
	u, hc, err := hotkeyfn.ChainHTTP(env, net)
	if err != nil {
		return net, nil, address.Account{}, false, err
	}
	return net, &tron.Grid{URL: u, APIKey: env("TRON_API_KEY"), HTTP: hc}, token, true, nil
}

// TronPayout builds the Tron hot wallet's payout: the same KMS key
// (HOT_SIGNER_KEY_ID) as on Ethereum, TRX_PRICE_USDT the USDT charged per
// TRX burnt. nil when Tron is not configured.
func TronPayout(ctx context.Context, env Env, st *dynamo.Store) (*tron.Payout, error) {
	_, grid, token, ok, err := TronConfig(env)
	if err != nil || !ok {
		return nil, err
	}
	price, err := sg.ParseAmount(env("TRX_PRICE_USDT"), sg.USDTDecimals)
	if err != nil {
		return nil, errors.New("chainfn: TRX_PRICE_USDT must be a decimal amount")
	}
	signer, err := hotkeyfn.KMSSigner(ctx, env)
	if err != nil {
		return nil, err
	}
	return &tron.Payout{Send: &tron.Sender{Grid: grid, Signer: signer, Store: st.Withdrawals}, Token: token,
		FeeInAsset: func(sun int64) sg.Amount { return sg.Amount(sun * int64(price) / 1_000_000) }}, nil
}

// DepositControls builds what a deposit watcher's sink asks and tells: the
// screen of each deposit's sender, asked before the ledger credits it, and
// the listener of the deposits that are not quarantined (the compliance
// wiring, payoutfn.DepositControls, apart from this package so that
// functions that move no deposits link none of it).
type DepositControls func(ctx context.Context, env Env, st *dynamo.Store) (sg.DepositScreen, sg.DepositListener, error)

// TronDepositsWatch builds the scheduled Tron deposit watcher with its
// controls (required: no deposit is credited unscreened).
func TronDepositsWatch(controls DepositControls) JobBuilder {
	return func(ctx context.Context, env Env) (Job, error) {
		return tronDepositsWatch(ctx, env, controls)
	}
}

func tronDepositsWatch(ctx context.Context, env Env, controls DepositControls) (Job, error) {
	if controls == nil {
		return nil, errors.New("fn: the Tron deposit watcher needs its deposit controls")
	}
	net, grid, token, ok, err := TronConfig(env)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("chainfn: TRON_GRID_URL is not set")
	}
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "deposits-watch-tron")
	owners := &ledger.Owners{Chain: sg.Tron}
	screen, listener, err := controls(ctx, env, st)
	if err != nil {
		return nil, err
	}
	sink := TronSink{Deposits: &ledger.Deposits{Service: core.Ledger(st), Mover: st.Ledger}, Owners: owners, Marks: st.Sweeps, Scope: tron.SweepScope(token),
		Screen: screen, Listener: listener, Confirmations: int(net.Confirmations)}
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
// (ledger.DepositSink); Owners finds base58 deposit addresses' wallets.
type TronSink struct {
	Deposits *ledger.Deposits
	Owners   ledger.OwnerLookup
	// Marks, when set, records confirmed deposits for the Tron sweeper
	// under Scope (tron.SweepScope).
	Marks ledger.SweepMarks
	Scope string
	// Screen screens each deposit's sender before the ledger credits it
	// (a hit is quarantined); Listener hears of each deposit that is not
	// quarantined after the ledger (the acquiring service, which settles
	// invoices, and the monitor); Confirmations is the depth a solidified
	// deposit is reported at.
	Screen        sg.DepositScreen
	Listener      sg.DepositListener
	Confirmations int
}

func (s TronSink) sink() ledger.DepositSink {
	return ledger.DepositSink{Deposits: s.Deposits, Owners: s.Owners, Marks: s.Marks, Scope: s.Scope, Screen: s.Screen, Listener: s.Listener}
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
	return s.sink().Seen(ctx, seenTron(d))
}

// Confirm makes a Tron deposit available and marks its address for the
// sweeper.
func (s TronSink) Confirm(ctx context.Context, d tron.Deposit) error {
	sd := seenTron(d)
	sd.Confirmations = s.Confirmations
	return s.sink().Confirm(ctx, sd)
}

// Reverse takes back a Tron deposit whose transaction left the chain.
func (s TronSink) Reverse(ctx context.Context, d tron.Deposit) error {
	return s.sink().Reverse(ctx, seenTron(d))
}
