// Package gasbench measures what Stablegate's own transactions cost in gas
// on a simulated chain run on mainnet's rules. make bench prints it and a
// test holds the sweep to its goal; no function links it.
package gasbench

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
)

// MainnetLike runs the simulated chain on mainnet's rules (Prague/Osaka):
// the dev chain also switches on forks newer than mainnet, which roughly
// triples what an ERC20 transfer costs.
func MainnetLike(_ *node.Config, c *ethconfig.Config) {
	cfg := *c.Genesis.Config
	cfg.BogotaTime, cfg.AmsterdamTime = nil, nil
	c.Genesis.Config = &cfg
}

// World is a mainnet-like simulated chain with the Tether-faithful token
// (TetherUSDT: the gas of Tether's token, see TestTetherFaithful) and a
// forwarder factory, both owned by one key.
type World struct {
	Sim     *simulated.Backend
	Auth    *bind.TransactOpts
	Token   *benchtoken.TetherUSDT
	TokenAt common.Address
	// TetherCode is Tether's own code at TetherAt (nil unless the world was
	// made with it), for MeasureSweepOf.
	TetherCode *benchtoken.TetherUSDT
	Factory    *forwarder.ForwarderFactory
	Fw         address.Forwarders
	From       common.Address
	next       uint32 // next unused wallet index
	key        *ecdsa.PrivateKey
	chainID    *big.Int
	nonce      uint64 // the key's next nonce (kept here: the simulated pool's pending view can lag a commit)
}

// send signs and sends a call with an access list.
func (w *World) send(to common.Address, data []byte, al types.AccessList) (*types.Transaction, error) {
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: w.chainID, Nonce: w.nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(20 * params.GWei),
		Gas: 1 << 24, To: &to, Data: data, AccessList: al}) // Osaka's cap per transaction (EIP-7825)
	w.nonce++
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(w.chainID), w.key)
	if err != nil {
		return nil, err
	}
	return signed, w.Sim.Client().SendTransaction(context.Background(), signed)
}

// tx returns transaction options with the key's next nonce.
func (w *World) tx() *bind.TransactOpts {
	o := *w.Auth
	o.Nonce = new(big.Int).SetUint64(w.nonce)
	w.nonce++
	return &o
}

// NewWorld starts the chain and deploys the contracts.
func NewWorld() (*World, error) { return NewWorldWith(nil) }

// NewWorldWith is NewWorld with, when tetherCode is not nil, Tether's own
// runtime code installed at TetherAt as a Tether token whose owner, the
// hot wallet, holds the supply (TetherState).
func NewWorldWith(tetherCode []byte) (*World, error) {
	key, _ := crypto.GenerateKey()
	return newWorld(key, tetherCode)
}

func newWorld(key *ecdsa.PrivateKey, tetherCode []byte) (*World, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	supply := big.NewInt(1_000_000_000_000_000) // a billion USDT
	alloc := types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}}
	if tetherCode != nil {
		alloc[TetherAt] = types.Account{Code: tetherCode, Storage: TetherState(from, supply), Balance: new(big.Int)}
	}
	sim := simulated.NewBackend(alloc, MainnetLike)
	ec := sim.Client()
	chainID, _ := ec.ChainID(context.Background())
	auth, _ := bind.NewKeyedTransactorWithChainID(key, chainID)
	w := &World{Sim: sim, Auth: auth, From: from, key: key, chainID: chainID}
	var err error
	var deployToken *types.Transaction
	if w.TokenAt, deployToken, w.Token, err = benchtoken.DeployTetherUSDT(w.tx(), ec, big.NewInt(0)); err != nil {
		return nil, err
	}
	factoryAt, deployFactory, factory, err := forwarder.DeployForwarderFactory(w.tx(), ec, from, from)
	if err != nil {
		return nil, err
	}
	if _, err := mined(sim, deployToken, deployFactory); err != nil {
		return nil, err
	}
	impl, err := factory.Implementation(nil)
	if err != nil {
		return nil, err
	}
	w.Factory, w.Fw = factory, address.Forwarders{Factory: address.Account(factoryAt), Implementation: address.Account(impl)}
	// The hot wallet already holds tokens (as it does in steady state): it
	// pays the deposits the sweeps move back to it.
	mint, err := w.Token.Mint(w.tx(), from, supply)
	if err != nil {
		return nil, err
	}
	if tetherCode != nil {
		if w.TetherCode, err = benchtoken.NewTetherUSDT(TetherAt, ec); err != nil {
			return nil, err
		}
	}
	if _, err := mined(sim, mint); err != nil {
		return nil, err
	}
	return w, nil
}

// Close stops the chain.
func (w *World) Close() { _ = w.Sim.Close() }

// gasOf commits the block and returns tx's gas used.
func (w *World) gasOf(tx *types.Transaction, err error) (uint64, error) {
	if err != nil {
		return 0, err
	}
	rs, err := mined(w.Sim, tx)
	if err != nil {
		return 0, err
	}
	r := rs[0]
	return r.GasUsed, nil
}

// Sweep is the gas of sweeping n deposit addresses in one transaction.
type Sweep struct {
	N int
	// First deploys every forwarder as it sweeps; Steady sweeps deployed
	// ones (each address's second and later deposits). Both are per deposit.
	First, Steady uint64
}

// MeasureSweep pays a deposit into each of n fresh forwarder addresses and
// sweeps them, then does it again with the forwarders deployed. With a
// layout, each sweep lists the token slots it touches in its access list.
func (w *World) MeasureSweep(n int, layout *chaineth.TokenLayout) (Sweep, error) {
	return w.MeasureSweepOf(w.Token, w.TokenAt, n, layout)
}

// MeasureSweepOf is MeasureSweep on the token at tokenAt (TetherUSDT, or
// Tether's own code at TetherAt); the hot wallet pays the deposits.
func (w *World) MeasureSweepOf(token *benchtoken.TetherUSDT, tokenAt common.Address, n int, layout *chaineth.TokenLayout) (Sweep, error) {
	items := make([]chaineth.SweepItem, n)
	base := w.next
	w.next += uint32(n)
	pay := func() error {
		var sent []*types.Transaction
		for i := range items {
			amount := big.NewInt(int64(1_000_000 + i))
			items[i] = chaineth.SweepItem{Index: base + uint32(i), Amount: amount.Uint64()}
			tx, err := token.Transfer(w.tx(), common.Address(w.Fw.Address(base+uint32(i))), amount)
			if err != nil {
				return err
			}
			sent = append(sent, tx)
			if i%100 == 99 {
				w.Sim.Commit() // keep blocks under the gas limit
			}
		}
		_, err := mined(w.Sim, sent...)
		return err
	}
	out := Sweep{N: n}
	for round, g := range []*uint64{&out.First, &out.Steady} {
		if err := pay(); err != nil {
			return out, err
		}
		var deploy []uint32 // the first round finds no forwarder deployed
		forwarders := make([]common.Address, n)
		for i := range items {
			if round == 0 {
				deploy = append(deploy, items[i].Index)
			}
			forwarders[i] = common.Address(w.Fw.Address(items[i].Index))
		}
		data, err := chaineth.SweepCalldata(tokenAt, deploy, items)
		if err != nil {
			return out, err
		}
		var al types.AccessList
		if layout != nil {
			al = layout.SweepAccessList(tokenAt, common.Address(w.Fw.Factory), forwarders)
		}
		gas, err := w.gasOf(w.send(common.Address(w.Fw.Factory), data, al))
		if err != nil {
			return out, err
		}
		*g = gas / uint64(n)
	}
	for i := range items {
		if b, err := token.BalanceOf(nil, common.Address(w.Fw.Address(base+uint32(i)))); err != nil || b.Sign() != 0 {
			return out, fmt.Errorf("gasbench: forwarder %d kept %s after the sweep", i, b)
		}
	}
	return out, nil
}

// Payout is the gas of one token transfer from the hot wallet.
type Payout struct{ Fresh, Existing uint64 }

// MeasurePayout pays a fresh holder, then the same (now existing) holder.
func (w *World) MeasurePayout() (Payout, error) {
	if _, err := w.gasOf(w.Token.Mint(w.tx(), w.From, big.NewInt(1_000_000_000_000))); err != nil {
		return Payout{}, err
	}
	to := common.HexToAddress("0x00000000000000000000000000000000000b0b01")
	var p Payout
	var err error
	if p.Fresh, err = w.gasOf(w.Token.Transfer(w.tx(), to, big.NewInt(1_000_000))); err != nil {
		return p, err
	}
	p.Existing, err = w.gasOf(w.Token.Transfer(w.tx(), to, big.NewInt(1_000_000)))
	return p, err
}
