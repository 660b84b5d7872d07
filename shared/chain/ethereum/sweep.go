package ethereum

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/sweepscope"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SweepStore keeps the addresses waiting to be swept and the sweep in
// flight (the dynamo adapter implements it).
type SweepStore interface {
	SweepMarks(ctx context.Context, scope string, limit int32) ([]sg.SweepMark, error)
	OpenSweep(ctx context.Context, scope string) (sg.Sweep, bool, error)
	StartSweep(ctx context.Context, scope string, sw sg.Sweep) error
	EndSweep(ctx context.Context, scope string, sw sg.Sweep, swept bool) error
}

// Sweeper moves confirmed deposits from the forwarder addresses into the
// hot wallet: one factory.sweep(token, salts) transaction per batch, sent
// by the hot key, which also deploys any forwarder that has no code yet.
// At most one sweep is in flight per chain; each run either follows it or
// starts the next.
type Sweeper struct {
	Hot *HotWallet
	// Chain tells which forwarders have code and what they hold (ethclient
	// has both calls).
	Chain interface {
		CodeAt(ctx context.Context, a common.Address, block *big.Int) ([]byte, error)
		CallContract(ctx context.Context, m ethereum.CallMsg, block *big.Int) ([]byte, error)
	}
	Store   SweepStore
	Factory common.Address
	// Implementation is the factory's implementation(): with the factory
	// it fixes every forwarder's address, so a marked address that is not
	// the forwarder of its index (a wallet made before forwarders were
	// configured) is never swept, which would revert the whole batch.
	Implementation common.Address
	Token          common.Address
	// Layout, when known, lists the token slots each forwarder's sweep
	// touches in the transaction's access list (about 240 gas less each).
	Layout *TokenLayout
	// Batch is how many addresses one sweep takes (0: 200); at most
	// MaxDeploys of them may still need their forwarder deployed (0: 150),
	// so the first sweep of many new addresses stays under the 16.7M gas a
	// transaction may use (a deploy costs about 75,000, a sweep 11,100).
	Batch, MaxDeploys int
	Now               func() time.Time
}

// scope names this sweeper's marks: the chain and its factory.
func (s *Sweeper) scope() string { return SweepScope(s.Factory) }

// SweepScope is the scope of a factory's sweep marks.
func SweepScope(factory common.Address) string { return sweepscope.Ethereum(address.Account(factory)) }

// SweepResult says what one run did.
type SweepResult struct {
	Started, Ended string // sweep ids
	Addresses      int    // forwarders the sweep moves
	Refused        int    // forwarders the token refuses to move, left marked
	Swept          bool
	Hash           string
}

// SweepItem is one forwarder to sweep: its salt (the wallet index) and the
// amount to move (what it holds, read just before signing).
type SweepItem struct {
	Index  uint32
	Amount uint64
}

// SweepCalldata is factory.sweep(token, deploy, items): deploy are the
// indexes whose forwarders have no code yet; items are packed 12 bytes each
// (uint32 index, uint64 amount), as calldata is paid per byte.
func SweepCalldata(token common.Address, deploy []uint32, items []SweepItem) ([]byte, error) {
	abi, err := forwarder.ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	salts := make([][32]byte, len(deploy))
	for i, ix := range deploy {
		salts[i] = address.Salt(ix)
	}
	return abi.Pack("sweep", token, salts, PackSweepItems(items))
}

// PackSweepItems lays items out as factory.sweep takes them.
func PackSweepItems(items []SweepItem) []byte {
	out := make([]byte, 0, 12*len(items))
	for _, it := range items {
		out = binary.BigEndian.AppendUint32(out, it.Index)
		out = binary.BigEndian.AppendUint64(out, it.Amount)
	}
	return out
}

// accessList is the layout's access list for the sweep if the node
// estimates it cheaper than none (so a wrong layout is never used), or nil.
func (s *Sweeper) accessList(ctx context.Context, data []byte, forwarders []common.Address) (types.AccessList, error) {
	if s.Layout == nil {
		return nil, nil
	}
	al := s.Layout.SweepAccessList(s.Token, s.Factory, forwarders)
	from, err := From(ctx, s.Hot.Signer)
	if err != nil {
		return nil, err
	}
	without, err := s.Hot.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &s.Factory, Data: data})
	if err != nil {
		return nil, sg.Unavailable("ethereum.Sweep", err)
	}
	with, err := s.Hot.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &s.Factory, Data: data, AccessList: al})
	if err != nil || with >= without {
		return nil, nil
	}
	return al, nil
}

func (s *Sweeper) maxDeploys() int {
	if s.MaxDeploys > 0 {
		return s.MaxDeploys
	}
	return 150
}

// balanceOf reads what a holds of the token.
func (s *Sweeper) balanceOf(ctx context.Context, a common.Address) (*big.Int, error) {
	return TokenBalance(ctx, s.Chain, s.Token, a)
}

// Caller reads contracts (ethclient and the simulated backend have it).
type Caller interface {
	CallContract(ctx context.Context, m ethereum.CallMsg, block *big.Int) ([]byte, error)
}

// TokenBalance reads what holder holds of token (balanceOf, at the head).
func TokenBalance(ctx context.Context, c Caller, token, holder common.Address) (*big.Int, error) {
	out, err := c.CallContract(ctx, ethereum.CallMsg{To: &token, Data: erc20.BalanceOf(address.Account(holder))}, nil)
	if err != nil || len(out) < 32 {
		return nil, sg.Unavailable("ethereum.TokenBalance", fmt.Errorf("balanceOf %s: %v", holder.Hex(), err))
	}
	return new(big.Int).SetBytes(out[:32]), nil
}

// Run follows the open sweep to its end, or starts a new one.
func (s *Sweeper) Run(ctx context.Context) (SweepResult, error) {
	open, ok, err := s.Store.OpenSweep(ctx, s.scope())
	if err != nil {
		return SweepResult{}, err
	}
	if !ok {
		return s.start(ctx)
	}
	m, err := s.Hot.Track(ctx, open.ID)
	if errors.Is(err, sg.ErrNotFound) {
		// Opened, then the process stopped before signing: sign it now.
		return s.send(ctx, open, SweepResult{Started: open.ID, Addresses: len(open.Marks)})
	}
	if err != nil {
		return SweepResult{}, err
	}
	res := SweepResult{Hash: m.Hash, Addresses: len(open.Marks)}
	switch {
	case m.Confirmed, m.Failed:
		// A failed sweep keeps its marks: the next run tries them again.
		if err := s.Store.EndSweep(ctx, s.scope(), open, m.Confirmed); err != nil {
			return res, err
		}
		res.Ended, res.Swept = open.ID, m.Confirmed
		return res, nil
	case !m.Found && !m.Replaced:
		return res, s.Hot.Broadcast(ctx, open.ID) // again, in case a node lost it
	}
	return res, nil
}

func (s *Sweeper) start(ctx context.Context) (SweepResult, error) {
	batch := s.Batch
	if batch == 0 {
		batch = 200
	}
	marks, err := s.Store.SweepMarks(ctx, s.scope(), int32(batch))
	if err != nil || len(marks) == 0 {
		return SweepResult{}, err
	}
	p, err := s.plan(ctx, marks)
	if err != nil {
		return SweepResult{}, err
	}
	p, refused, err := s.dropRefused(ctx, p)
	if err != nil || len(p.marks) == 0 {
		return SweepResult{Refused: refused}, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sw := sg.Sweep{ID: sg.NewID("swp", now()), Marks: p.marks}
	if err := s.Store.StartSweep(ctx, s.scope(), sw); errors.Is(err, sg.ErrStateChanged) {
		return SweepResult{}, nil // another run opened one
	} else if err != nil {
		return SweepResult{}, err
	}
	res, err := s.send(ctx, sw, SweepResult{Started: sw.ID, Addresses: len(p.items)})
	res.Refused = refused
	return res, err
}

// sweepPlan is what one sweep does: the forwarders to deploy, the moves,
// and the marks it ends (the moves' and those with nothing to move).
type sweepPlan struct {
	deploy     []uint32
	items      []SweepItem
	forwarders []common.Address
	marks      []sg.SweepMark
}

// plan reads each marked address's code and balance. An address that is
// not the forwarder of its index, or holds nothing, is ended without a
// move; a forwarder past MaxDeploys waits, marked, for the next sweep.
func (s *Sweeper) plan(ctx context.Context, marks []sg.SweepMark) (sweepPlan, error) {
	var p sweepPlan
	fw := address.Forwarders{Factory: address.Account(s.Factory), Implementation: address.Account(s.Implementation)}
	for _, m := range marks {
		a := common.HexToAddress(m.Address)
		if a != common.Address(fw.Address(m.Index)) {
			p.marks = append(p.marks, m) // not a forwarder: its deposits wait for the offline keys
			continue
		}
		code, err := s.Chain.CodeAt(ctx, a, nil)
		if err != nil {
			return p, sg.Unavailable("ethereum.Sweep", err)
		}
		bal, err := s.balanceOf(ctx, a)
		if err != nil {
			return p, err
		}
		if bal.Sign() == 0 {
			p.marks = append(p.marks, m) // swept already (a mark left by a stop after its sweep)
			continue
		}
		if !bal.IsUint64() {
			return p, sg.Internal("ethereum.Sweep", fmt.Errorf("forwarder %s holds %s, beyond a uint64", a.Hex(), bal))
		}
		if len(code) == 0 {
			if len(p.deploy) == s.maxDeploys() {
				continue
			}
			p.deploy = append(p.deploy, m.Index)
		}
		p.items = append(p.items, SweepItem{Index: m.Index, Amount: bal.Uint64()})
		p.forwarders = append(p.forwarders, a)
		p.marks = append(p.marks, m)
	}
	return p, nil
}

// calldata is the plan's factory.sweep call.
func (s *Sweeper) calldata(p sweepPlan) ([]byte, error) {
	data, err := SweepCalldata(s.Token, p.deploy, p.items)
	if err != nil {
		return nil, sg.Internal("ethereum.Sweep", err)
	}
	return data, nil
}

// estimates reports whether the node would run the plan's sweep.
func (s *Sweeper) estimates(ctx context.Context, p sweepPlan) (bool, error) {
	data, err := s.calldata(p)
	if err != nil {
		return false, err
	}
	from, err := From(ctx, s.Hot.Signer)
	if err != nil {
		return false, err
	}
	_, err = s.Hot.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &s.Factory, Data: data})
	return err == nil, nil
}

// dropRefused leaves out the forwarders the token refuses to move (one
// blacklisted address, say), which would otherwise revert every batch:
// when the whole sweep would fail, each move is tried alone and only those
// that run are kept. The refused stay marked, for review.
func (s *Sweeper) dropRefused(ctx context.Context, p sweepPlan) (sweepPlan, int, error) {
	if len(p.items) == 0 {
		return p, 0, nil
	}
	if ok, err := s.estimates(ctx, p); ok || err != nil {
		return p, 0, err
	}
	deploying := map[uint32]bool{}
	for _, ix := range p.deploy {
		deploying[ix] = true
	}
	moving := map[uint32]bool{}
	for _, it := range p.items {
		moving[it.Index] = true
	}
	kept := sweepPlan{}
	refused := 0
	for i, it := range p.items {
		one := sweepPlan{items: []SweepItem{it}}
		if deploying[it.Index] {
			one.deploy = []uint32{it.Index}
		}
		ok, err := s.estimates(ctx, one)
		if err != nil {
			return p, 0, err
		}
		if !ok {
			refused++
			continue
		}
		kept.deploy = append(kept.deploy, one.deploy...)
		kept.items = append(kept.items, it)
		kept.forwarders = append(kept.forwarders, p.forwarders[i])
	}
	keptIdx := map[uint32]bool{}
	for _, it := range kept.items {
		keptIdx[it.Index] = true
	}
	for _, m := range p.marks {
		if !moving[m.Index] || keptIdx[m.Index] {
			kept.marks = append(kept.marks, m)
		}
	}
	return kept, refused, nil
}

func (s *Sweeper) send(ctx context.Context, sw sg.Sweep, res SweepResult) (SweepResult, error) {
	p, err := s.plan(ctx, sw.Marks)
	if err != nil {
		return res, err
	}
	if len(p.items) == 0 {
		// Nothing to move (marks of strays, or left by a stop after their sweep).
		res.Ended, res.Swept = sw.ID, true
		return res, s.Store.EndSweep(ctx, s.scope(), sw, true)
	}
	data, err := s.calldata(p)
	if err != nil {
		return res, err
	}
	al, err := s.accessList(ctx, data, p.forwarders)
	if err != nil {
		return res, err
	}
	if res.Hash, err = s.Hot.SendWith(ctx, sw.ID, s.Factory, data, al); err != nil {
		return res, err
	}
	return res, s.Hot.Broadcast(ctx, sw.ID)
}
