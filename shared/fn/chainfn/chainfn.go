// Package chainfn wires the functions that sign or read a chain. It is kept
// apart from package fn so that only these functions link go-ethereum.
package chainfn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // policy time windows name IANA zones

	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/fn/watchfn"

	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ethereumConfig is the Ethereum network (core.Network) with its token.
func ethereumConfig(env core.Env) (sg.Network, common.Address, bool, error) {
	net, ok, err := core.Network(env, sg.Ethereum)
	if err != nil || !ok {
		return net, common.Address{}, false, err
	}
	return net, common.HexToAddress(net.Token), true, nil
}

// hotWallet builds the Ethereum hot wallet from the environment:
// HOT_SIGNER_KEY_ID (a KMS key or alias) and the chain's node.
func hotWallet(ctx context.Context, env core.Env, st *dynamo.Store) (*chaineth.HotWallet, *ethclient.Client, common.Address, error) {
	net, token, ok, err := ethereumConfig(env)
	if err != nil || !ok {
		return nil, nil, token, err
	}
	rpc := net.RPC[0]
	signer, err := hotkeyfn.KMSSigner(ctx, env)
	if err != nil {
		return nil, nil, token, err
	}
	u, hc, err := hotkeyfn.ChainHTTP(env, net)
	if err != nil {
		return nil, nil, token, err
	}
	node, err := chaineth.Dial(ctx, u, hc)
	if err != nil {
		return nil, nil, token, err
	}
	chainID, err := node.ChainID(ctx)
	if err != nil {
		return nil, nil, token, fmt.Errorf("chainfn: chain id from %s: %w", rpc, err)
	}
	if net.ChainID != 0 && chainID.Int64() != net.ChainID {
		return nil, nil, token, fmt.Errorf("chainfn: %s answers chain id %s, not %s's %d", rpc, chainID, net.Name, net.ChainID)
	}
	return &chaineth.HotWallet{Node: node, Signer: signer, ChainID: chainID,
		Store: st.Withdrawals, Confirmations: net.Confirmations}, node, token, nil
}

// EthereumPayout builds the hot wallet's payout from the environment (see
// hotWallet) and ETH_PRICE_USDT (the USDT charged per ETH of network fee,
// until a price feed is wired).
func EthereumPayout(ctx context.Context, env core.Env, st *dynamo.Store) (*chaineth.Payout, error) {
	hot, _, token, err := hotWallet(ctx, env, st)
	if err != nil || hot == nil {
		return nil, err
	}
	price, err := sg.ParseAmount(env("ETH_PRICE_USDT"), sg.USDTDecimals)
	if err != nil {
		return nil, errors.New("chainfn: ETH_PRICE_USDT must be a decimal amount")
	}
	wei := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return &chaineth.Payout{Hot: hot, Token: token,
		FeeInAsset: func(fee *big.Int) sg.Amount {
			charged, err := sg.AmountOf(new(big.Int).Div(new(big.Int).Mul(fee, big.NewInt(int64(price))), wei))
			if err != nil {
				return math.MaxInt64 // beyond any hold: charged the fee held
			}
			return charged
		}}, nil
}

// Sweeps builds the scheduled sweeper of Ethereum deposit forwarders:
// FORWARDER_FACTORY_ETHEREUM names the factory (see infra/contracts) and
// TOKEN_LAYOUT_ETHEREUM, if set, the token's storage layout for access lists.
func Sweeps(ctx context.Context, env core.Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(sweeps)(ctx, env)
}

func sweeps(ctx context.Context, env core.Env) (core.Job, error) {
	factory := env("FORWARDER_FACTORY_ETHEREUM")
	if !common.IsHexAddress(factory) {
		return nil, errors.New("chainfn: FORWARDER_FACTORY_ETHEREUM is not an address")
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	hot, node, token, err := hotWallet(ctx, env, st)
	if err != nil {
		return nil, err
	}
	if hot == nil {
		return nil, errors.New("chainfn: ETH_RPC_URL is not set")
	}
	impl, err := chaineth.FactoryImplementation(ctx, node, common.HexToAddress(factory))
	if err != nil {
		return nil, fmt.Errorf("chainfn: the forwarder factory's implementation: %w", err)
	}
	// ---- sweep: throughput ---- the forwarders are read in JSON-RPC
	// batches; a run chains batches until its deadline (less a margin).
	s := &chaineth.Sweeper{Hot: hot, Chain: node, Reads: node.Client(), Store: st.Sweeps, Factory: common.HexToAddress(factory), Implementation: impl, Token: token}
	if name := env("TOKEN_LAYOUT_ETHEREUM"); name != "" {
		l, ok := chaineth.TokenLayouts[name]
		if !ok {
			return nil, fmt.Errorf("chainfn: TOKEN_LAYOUT_ETHEREUM %q is not one of testusdt, tether", name)
		}
		s.Layout = &l
	}
	log := obs.NewLogger(os.Stdout, "sweeps")
	return core.UnlessPlatformFrozen(st.Custody, log, chaineth.SweepResult{}, func(ctx context.Context) (any, error) {
		r, err := s.Run(ctx)
		if err != nil {
			return nil, err
		}
		log.Info("sweep", "started", r.Started, "ended", r.Ended, "addresses", r.Addresses, "swept", r.Swept, "tx", r.Hash,
			"batches", r.Batches, "sent", r.Sent, "refused", r.Refused, "retried", r.Retried, "restored", r.Restored)
		return r, nil
	}), nil
}

// pipeline is the withdrawal pipeline with the chains' payouts.
func pipeline(ctx context.Context, env core.Env) (*ledger.Withdrawals, *dynamo.Store, error) {
	// The one policy (custody rules, screening, travel rule, limits) and
	// the limits' settlement: payoutfn.Withdrawals.
	w, st, kit, err := payoutfn.Withdrawals(env)
	if err != nil {
		return nil, nil, err
	}
	sealer, err := kmsfn.Sealer(env)
	if err != nil {
		return nil, nil, err
	}
	if sealer != nil {
		v := &custody.Voter{Svc: &custody.Service{Store: st.Custody, Withdrawals: w, Now: time.Now}, Sealer: sealer,
			HTTP:          &http.Client{Timeout: custody.WebhookTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
			AllowLoopback: env("ALLOW_LOOPBACK_WEBHOOKS") == "true"}
		w.AwaitingApproval = v.Vote
	}
	p, err := EthereumPayout(ctx, env, st)
	if err != nil {
		return nil, nil, err
	}
	w.Payouts = map[sg.Chain]ledger.Payout{}
	if p != nil {
		w.Payouts[sg.Ethereum] = p
	}
	tp, err := hotkeyfn.TronPayout(ctx, env, st)
	if err != nil {
		return nil, nil, err
	}
	if tp != nil {
		w.Payouts[sg.Tron] = tp
	}
	if err := registerOwn(ctx, env, st, w, p, tp); err != nil {
		return nil, nil, err
	}
	// ---- batch: payout batches ----
	if err := batchRouter(env, st, w, p); err != nil {
		return nil, nil, err
	}
	// ---- tronms: Tron batch payouts ----
	if err := tronBatchRouter(env, st, w, tp); err != nil {
		return nil, nil, err
	}
	// Every destination is screened again right before it is signed for.
	w.Payouts = payoutfn.Screened(kit, w.Payouts)
	return w, st, nil
}

// registerOwn records the addresses this function knows as the platform's
// own (the hot key of each chain, the tokens, the cold wallets), so a payout
// to any of them is refused wherever it is asked for; and gives the
// pipeline its tokens to refuse.
func registerOwn(ctx context.Context, env core.Env, st *dynamo.Store, w *ledger.Withdrawals, p *chaineth.Payout, tp *tron.Payout) error {
	type own struct {
		c          sg.Chain
		addr, kind string
	}
	var list []own
	w.Tokens = map[sg.Chain][]string{}
	if p != nil {
		from, err := chaineth.From(ctx, p.Hot.Signer)
		if err != nil {
			return err
		}
		list = append(list, own{sg.Ethereum, from.Hex(), "hot"}, own{sg.Ethereum, p.Token.Hex(), "token"})
		w.Tokens[sg.Ethereum] = []string{p.Token.Hex()}
	}
	if tp != nil {
		from, err := tp.Send.Signer.Address(ctx)
		if err != nil {
			return err
		}
		list = append(list, own{sg.Tron, from.Tron(), "hot"}, own{sg.Tron, tp.Token.Tron(), "token"})
		w.Tokens[sg.Tron] = []string{tp.Token.Tron()}
	}
	for c, name := range map[sg.Chain]string{sg.Ethereum: "COLD_ADDRESS_ETHEREUM", sg.Tron: "COLD_ADDRESS_TRON"} {
		if a := env(name); a != "" {
			list = append(list, own{c, a, "cold"})
		}
	}
	for _, o := range list {
		if err := st.Watch.RegisterOwn(ctx, o.c, o.addr, o.kind); err != nil {
			return err
		}
	}
	return nil
}

// WithdrawalsWorker builds the queue consumer that drives withdrawals
// through policy, signing and broadcast (pipefn.WorkerFor), with the chains'
// payouts.
func WithdrawalsWorker(ctx context.Context, env core.Env) (core.SQSHandler, error) {
	return hotkeyfn.SQSOnHotKey(withdrawalsWorker)(ctx, env)
}

func withdrawalsWorker(ctx context.Context, env core.Env) (core.SQSHandler, error) {
	w, st, err := pipeline(ctx, env)
	if err != nil {
		return nil, err
	}
	inner, err := pipefn.WorkerFor(ctx, env, w, st)
	if err != nil {
		return nil, err
	}
	// ---- batch: payout batches ---- (their messages share the queue)
	return pipefn.BatchWorkerFor(ctx, env, batchesOf(w, st), inner)
}

// WithdrawalsTrack builds the scheduled tracker: every payout the worker
// handed over (broadcast, waiting for its chain) is advanced, which follows
// its receipt, replaces it when stuck and posts or voids it at the end;
// ended ones leave the list.
func WithdrawalsTrack(ctx context.Context, env core.Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(withdrawalsTrack)(ctx, env)
}

func withdrawalsTrack(ctx context.Context, env core.Env) (core.Job, error) {
	w, st, err := pipeline(ctx, env)
	if err != nil {
		return nil, err
	}
	// Cold payouts are followed over the hot wallets' nodes (cold.go).
	colds, err := coldFollowers(ctx, env, st, w.Payouts)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "withdrawals-track")
	return func(ctx context.Context) (any, error) {
		ended, waiting := 0, 0
		for _, c := range sg.Chains {
			tracked, err := st.Watch.Tracked(ctx, c)
			if err != nil {
				return nil, err
			}
			for _, p := range tracked {
				if p.Kind == sg.TrackedCold {
					cold := colds[c]
					if cold == nil {
						continue
					}
					done, err := cold.Advance(ctx, p.Tenant, p.ID)
					if err != nil || !done {
						waiting++
						continue
					}
					if err := st.Watch.Untrack(ctx, c, p.ID); err != nil {
						return nil, err
					}
					ended++
					log.Info("cold payout ended", "bundle_id", p.ID)
					continue
				}
				// ---- ops: tracing ---- each check joins the payout's trace.
				sctx, span := obs.Tracer().Start(obs.WithTraceHeader(ctx, p.Trace), "withdrawals-track",
					trace.WithAttributes(attribute.String("transfer_id", p.ID)))
				t, wait, err := w.Advance(sctx, p.Tenant, p.ID)
				span.SetAttributes(attribute.String("state", string(t.State)))
				span.End()
				if err != nil {
					log.Warn("payout step failed; next run retries", "transfer_id", p.ID, "error", err.Error())
					continue
				}
				if wait {
					waiting++
					continue
				}
				if err := st.Watch.Untrack(ctx, c, p.ID); err != nil {
					return nil, err
				}
				ended++
				log.Info("payout ended", "transfer_id", t.ID, "state", string(t.State))
			}
		}
		return map[string]int{"ended": ended, "waiting": waiting}, nil
	}, nil
}

// LedgerSink feeds the Ethereum watcher's deposits to the one deposit sink
// (ledger.DepositSink: Owners finds deposit addresses' wallets; Marks and
// Scope, chaineth.SweepScope of the factory, mark confirmed deposits for
// the sweeper, deposit addresses being forwarders); Confirmations is the
// depth a confirmed deposit is reported at.
type LedgerSink struct {
	Sink          ledger.DepositSink
	Confirmations int
}

// seenEthereum is d as the sink takes it, its sender (the Transfer log's
// from) in lower-case hex.
func seenEthereum(d chaineth.Deposit) ledger.SeenDeposit {
	return ledger.SeenDeposit{Chain: sg.Ethereum, To: strings.ToLower(d.To.Hex()), From: strings.ToLower(d.From.Hex()), Amount: d.Amount,
		Ref: fmt.Sprintf("ethereum:%s:%d:%s", d.TxHash.Hex(), d.LogIndex, d.BlockHash.Hex()), Block: d.Block, TxHash: d.TxHash.Hex()}
}

// Seen credits a deposit as pending.
func (s LedgerSink) Seen(ctx context.Context, d chaineth.Deposit) error {
	return s.Sink.Seen(ctx, seenEthereum(d))
}

// Confirm makes a deposit available and marks its forwarder for the sweep.
func (s LedgerSink) Confirm(ctx context.Context, d chaineth.Deposit) error {
	sd := seenEthereum(d)
	sd.Confirmations = s.Confirmations
	return s.Sink.Confirm(ctx, sd)
}

// Reverse takes back a deposit whose block left the chain.
func (s LedgerSink) Reverse(ctx context.Context, d chaineth.Deposit) error {
	return s.Sink.Reverse(ctx, seenEthereum(d))
}

// DepositsWatch builds the scheduled Ethereum deposit watcher: it loads its
// state, polls the chain, credits the ledger and saves the state over the
// version it loaded.
func DepositsWatch(ctx context.Context, env core.Env) (core.Job, error) {
	net, token, ok, err := ethereumConfig(env)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("chainfn: ETH_RPC_URL is not set")
	}
	conf := net.Confirmations
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	l := core.Ledger(st)
	u, hc, err := hotkeyfn.ChainHTTP(env, net)
	if err != nil {
		return nil, err
	}
	node, err := chaineth.Dial(ctx, u, hc)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "deposits-watch")
	owners := &ledger.Owners{Chain: sg.Ethereum}
	screen, listener, err := payoutfn.DepositControls(ctx, env, st)
	if err != nil {
		return nil, err
	}
	sink := LedgerSink{Sink: ledger.DepositSink{Deposits: &ledger.Deposits{Service: l, Mover: st.Ledger}, Owners: owners, Screen: screen, Listener: listener},
		Confirmations: int(conf)}
	if f := env("FORWARDER_FACTORY_ETHEREUM"); f != "" {
		if !common.IsHexAddress(f) {
			return nil, errors.New("chainfn: FORWARDER_FACTORY_ETHEREUM is not an address")
		}
		sink.Sink.Marks, sink.Sink.Scope = st.Sweeps, chaineth.SweepScope(common.HexToAddress(f))
	}
	watcher := func(c chaineth.Chain) *chaineth.Watcher {
		return &chaineth.Watcher{Chain: c, Token: token, Confirmations: conf, Sink: sink,
			Watched: func(a common.Address) bool { return owners.Watched(address.Account(a)) }}
	}
	poll := func(ctx context.Context, state chaineth.State) (chaineth.State, map[string]any, error) {
		w := watcher(node)
		state, err := w.Poll(ctx, state)
		if err != nil {
			return state, nil, err
		}
		log.Info("watched", "cursor", state.Cursor, "pending", len(state.Pending), "rpc_calls", w.Calls)
		return state, map[string]any{"cursor": state.Cursor, "pending": len(state.Pending)}, nil
	}
	// ---- scan: push mode when the node has a WebSocket ----
	if ws := env("ETH_WS_URL"); ws != "" {
		return followJob(st, owners, ws, watcher, poll, log), nil
	}
	return watchfn.WatchJob(st, sg.Ethereum, owners, poll), nil
}
