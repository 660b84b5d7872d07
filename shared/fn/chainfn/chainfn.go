// Package chainfn wires the functions that sign or read a chain. It is kept
// apart from package fn so that only these functions link go-ethereum.
package chainfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/shared/awsenv"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ethereumConfig reads ETH_RPC_URL, USDT_CONTRACT_ETHEREUM and
// CONFIRMATIONS_ETHEREUM. ok is false when no RPC endpoint is configured.
func ethereumConfig(env fn.Env) (rpc string, token common.Address, confirmations uint64, ok bool, err error) {
	rpc = env("ETH_RPC_URL")
	if rpc == "" {
		return "", common.Address{}, 0, false, nil
	}
	if !common.IsHexAddress(env("USDT_CONTRACT_ETHEREUM")) {
		return "", common.Address{}, 0, false, errors.New("chainfn: USDT_CONTRACT_ETHEREUM is not an address")
	}
	confirmations, err = strconv.ParseUint(env("CONFIRMATIONS_ETHEREUM"), 10, 32)
	if err != nil || confirmations == 0 {
		return "", common.Address{}, 0, false, errors.New("chainfn: CONFIRMATIONS_ETHEREUM must be a positive integer")
	}
	return rpc, common.HexToAddress(env("USDT_CONTRACT_ETHEREUM")), confirmations, true, nil
}

// EthereumPayout builds the hot wallet's payout from the environment:
// HOT_SIGNER_KEY_ID (a KMS key or alias), ETH_PRICE_USDT (the USDT charged per
// ETH of network fee, until a price feed is wired).
func EthereumPayout(ctx context.Context, env fn.Env, st *dynamo.Store) (*chaineth.Payout, error) {
	rpc, token, conf, ok, err := ethereumConfig(env)
	if err != nil || !ok {
		return nil, err
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "KMS")
	kc := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = ep })
	node, err := ethclient.DialContext(ctx, rpc)
	if err != nil {
		return nil, err
	}
	chainID, err := node.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chainfn: chain id from %s: %w", rpc, err)
	}
	price, err := sg.ParseAmount(env("ETH_PRICE_USDT"), sg.USDTDecimals)
	if err != nil {
		return nil, errors.New("chainfn: ETH_PRICE_USDT must be a decimal amount")
	}
	wei := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	return &chaineth.Payout{Node: node, Signer: &kmssign.Signer{KMS: kc, KeyID: env("HOT_SIGNER_KEY_ID")}, ChainID: chainID,
		Token: token, Store: st, Confirmations: conf,
		FeeInAsset: func(fee *big.Int) sg.Amount {
			return sg.Amount(new(big.Int).Div(new(big.Int).Mul(fee, big.NewInt(int64(price))), wei).Int64())
		}}, nil
}

// WithdrawalsWorker is fn.WithdrawalsWorker with the chains' payouts.
func WithdrawalsWorker(ctx context.Context, env fn.Env) (fn.SQSHandler, error) {
	w, st, err := fn.WithdrawalsService(env)
	if err != nil {
		return nil, err
	}
	p, err := EthereumPayout(ctx, env, st)
	if err != nil {
		return nil, err
	}
	if p != nil {
		w.Payouts = map[sg.Chain]ledger.Payout{sg.Ethereum: p}
	}
	return fn.WorkerFor(ctx, env, w)
}

// LedgerSink credits the ledger from the Ethereum watcher. Owners maps
// lower-case deposit addresses to their wallets.
type LedgerSink struct {
	Deposits *ledger.Deposits
	Owners   map[string]dynamo.AddressOwner
}

func (s LedgerSink) deposit(d chaineth.Deposit) ledger.ChainDeposit {
	o := s.Owners[strings.ToLower(d.To.Hex())]
	return ledger.ChainDeposit{Tenant: o.Tenant, Wallet: o.Wallet, Chain: sg.Ethereum, Asset: sg.USDT, Amount: sg.Amount(d.Amount.Int64()),
		Ref: fmt.Sprintf("ethereum:%s:%d:%s", d.TxHash.Hex(), d.LogIndex, d.BlockHash.Hex()), Block: d.Block}
}

// Seen credits a deposit as pending.
func (s LedgerSink) Seen(ctx context.Context, d chaineth.Deposit) error {
	_, err := s.Deposits.Seen(ctx, s.deposit(d))
	return err
}

// Confirm makes a deposit available.
func (s LedgerSink) Confirm(ctx context.Context, d chaineth.Deposit) error {
	return s.Deposits.Confirm(ctx, s.deposit(d))
}

// Reverse takes back a deposit whose block left the chain.
func (s LedgerSink) Reverse(ctx context.Context, d chaineth.Deposit) error {
	return s.Deposits.Reverse(ctx, s.deposit(d))
}

// DepositsWatch builds the scheduled Ethereum deposit watcher: it loads its
// state, polls the chain, credits the ledger and saves the state over the
// version it loaded.
func DepositsWatch(ctx context.Context, env fn.Env) (fn.Job, error) {
	rpc, token, conf, ok, err := ethereumConfig(env)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("chainfn: ETH_RPC_URL is not set")
	}
	st, err := fn.Store(env)
	if err != nil {
		return nil, err
	}
	l := fn.Ledger(st)
	node, err := ethclient.DialContext(ctx, rpc)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "deposits-watch")
	// The watched set lives as long as the function instance: loaded whole at
	// the first run, then the addresses of wallets created since a minute
	// before the last load (a wallet's id is taken before it commits, so the
	// overlap catches one that committed late; reloading one is harmless).
	owners := map[string]dynamo.AddressOwner{}
	var loaded time.Time
	return func(ctx context.Context) (any, error) {
		after, now := "0", time.Now()
		if !loaded.IsZero() {
			after = sg.IDTimeBound("wal", loaded.Add(-time.Minute))
		}
		fresh, _, err := st.AddressesSince(ctx, sg.Ethereum, after)
		if err != nil {
			return nil, err
		}
		for a, o := range fresh {
			owners[a] = o
		}
		loaded = now
		blob, version, err := st.LoadWatch(ctx, "ethereum")
		if err != nil {
			return nil, err
		}
		var state chaineth.State
		if len(blob) > 0 {
			if err := json.Unmarshal(blob, &state); err != nil {
				return nil, err
			}
		}
		w := &chaineth.Watcher{Chain: node, Token: token, Confirmations: conf,
			Sink:    LedgerSink{Deposits: &ledger.Deposits{Service: l, Mover: st}, Owners: owners},
			Watched: func(a common.Address) bool { _, ok := owners[strings.ToLower(a.Hex())]; return ok }}
		state, err = w.Poll(ctx, state)
		if err != nil {
			return nil, err
		}
		out, _ := json.Marshal(state)
		if err := st.SaveWatch(ctx, "ethereum", out, version); err != nil {
			return nil, err
		}
		log.Info("watched", "cursor", state.Cursor, "pending", len(state.Pending), "rpc_calls", w.Calls)
		return map[string]any{"cursor": state.Cursor, "pending": len(state.Pending)}, nil
	}, nil
}
