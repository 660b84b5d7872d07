package ethereum

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethfee"
	"github.com/stablegate/stablegate/shared/chain/sweepscope"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SweepStore keeps the addresses waiting to be swept, those set aside
// because the token refused them, and the sweep in flight (the dynamo
// adapter implements it).
type SweepStore interface {
	SweepMarks(ctx context.Context, scope string, limit int32) ([]sg.SweepMark, error)
	OpenSweep(ctx context.Context, scope string) (sg.Sweep, bool, error)
	StartSweep(ctx context.Context, scope string, sw sg.Sweep) error
	EndSweep(ctx context.Context, scope string, sw sg.Sweep, swept bool) error
	SetAside(ctx context.Context, scope string, m sg.SweepMark, retryAt time.Time, tries int) error
	AsideMarks(ctx context.Context, scope string, limit int32) ([]sg.AsideMark, error)
	Restore(ctx context.Context, scope string, m sg.AsideMark) error
}

// BatchCaller sends JSON-RPC calls as one batch (go-ethereum's rpc.Client,
// ethclient.Client's Client()).
type BatchCaller interface {
	BatchCallContext(ctx context.Context, b []rpc.BatchElem) error
}

// Sweeper moves confirmed deposits from the forwarder addresses into the
// hot wallet: one factory.sweep(token, salts) transaction per batch, sent
// by the hot key, which also deploys any forwarder that has no code yet.
// At most one sweep is in flight per chain. A run follows the sweep in
// flight to its end and starts the next, batch after batch, for as long
// as its time allows (Budget, or its context's deadline less Margin).
type Sweeper struct {
	Hot *HotWallet
	// Chain tells which forwarders have code and what they hold (ethclient
	// has both calls).
	Chain interface {
		CodeAt(ctx context.Context, a common.Address, block *big.Int) ([]byte, error)
		CallContract(ctx context.Context, m ethereum.CallMsg, block *big.Int) ([]byte, error)
	}
	// Reads, when set, reads the batch's forwarders (code and balance) in
	// JSON-RPC batches of ReadBatch forwarders (0: 100, two calls each)
	// instead of two calls per forwarder.
	Reads     BatchCaller
	ReadBatch int
	Store     SweepStore
	Factory   common.Address
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
	// Budget is how long a run may go on starting and following sweeps
	// (0: until its context's deadline less Margin; with neither, a run
	// takes one step, and starts the next sweep when it ends one). Margin
	// is what a run leaves before its deadline (0: 10s); Poll how long it
	// waits between looks at a sweep in flight (0: 2s).
	Budget, Margin, Poll time.Duration
	// AsideRetries is how many marks set aside a run tries again when
	// they are due (0: 10), each alone, after its batches.
	AsideRetries int
	Now          func() time.Time
	// Sleep waits d or until ctx ends (nil: a timer).
	Sleep func(ctx context.Context, d time.Duration)
}

// scope names this sweeper's marks: the chain and its factory.
func (s *Sweeper) scope() string { return SweepScope(s.Factory) }

// SweepScope is the scope of a factory's sweep marks.
func SweepScope(factory common.Address) string { return sweepscope.Ethereum(address.Account(factory)) }

// SweepResult says what one run did.
type SweepResult struct {
	Started, Ended string // the last sweep started, and the last ended
	Addresses      int    // forwarders the last sweep started (or followed) moves
	Refused        int    // forwarders the token refused this run, set aside
	Swept          bool   // the last sweep ended was mined
	Hash           string // the last sweep's transaction
	// Batches is how many sweeps this run ended mined; Moved how many
	// forwarders they swept; Sent how many sweeps it signed and sent.
	Batches, Moved, Sent int
	// Retried is how many marks set aside it tried again; Restored how
	// many of them the token now moves (back among the marks).
	Retried, Restored int
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
	abi, err := FactoryABI()
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

func (s *Sweeper) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sweeper) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return 200
}

func (s *Sweeper) poll() time.Duration {
	if s.Poll > 0 {
		return s.Poll
	}
	return 2 * time.Second
}

func (s *Sweeper) sleep(ctx context.Context, d time.Duration) {
	if s.Sleep != nil {
		s.Sleep(ctx, d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// stopAt is when a run stops starting and following sweeps; ok is false
// when it has no time to wait in (one step).
func (s *Sweeper) stopAt(ctx context.Context) (time.Time, bool) {
	if s.Budget > 0 {
		return s.now().Add(s.Budget), true
	}
	if d, ok := ctx.Deadline(); ok {
		margin := s.Margin
		if margin == 0 {
			margin = 10 * time.Second
		}
		return d.Add(-margin), true
	}
	return time.Time{}, false
}

// Backoff is how long a refused mark stays aside after its tries-th
// refusal: 15 minutes, doubling, at most a day.
func Backoff(tries int) time.Duration {
	d := 15 * time.Minute
	for i := 1; i < tries && d < 24*time.Hour; i++ {
		d *= 2
	}
	return min(d, 24*time.Hour)
}

// Run follows the sweep in flight to its end and starts the next, one
// batch after another, until nothing is marked or its time is spent (it
// then leaves the sweep in flight for the next run). Marks set aside are
// tried again, each alone, once the batches are done, never before them.
func (s *Sweeper) Run(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	stop, timed := s.stopAt(ctx)
	aside, err := s.asideSet(ctx)
	if err != nil {
		return res, err
	}
	idle := 0 // starts in a row that only set marks aside
	for {
		if timed && !s.now().Before(stop) {
			return res, nil
		}
		last := res.Ended
		waiting, ended, err := s.step(ctx, &res, aside)
		if err != nil {
			return res, err
		}
		if ended {
			if res.Ended != last {
				idle = 0
			} else if idle++; idle > 3 {
				break // marks set aside and nothing else: a later run goes on
			}
			continue // a batch ended: the next starts at once
		}
		if !waiting {
			break // nothing in flight, nothing marked
		}
		if !timed || !s.now().Add(s.poll()).Before(stop) {
			return res, nil
		}
		s.sleep(ctx, s.poll())
		if ctx.Err() != nil {
			return res, nil
		}
	}
	return res, s.retryAside(ctx, &res, stop, timed)
}

// asideSet is the marks set aside, by address.
func (s *Sweeper) asideSet(ctx context.Context) (map[string]sg.AsideMark, error) {
	list, err := s.Store.AsideMarks(ctx, s.scope(), 1000)
	if err != nil {
		return nil, err
	}
	out := make(map[string]sg.AsideMark, len(list))
	for _, a := range list {
		out[a.Address] = a
	}
	return out, nil
}

// step follows the sweep in flight or starts the next. waiting: a sweep
// is in flight; ended: one ended (or marks were set aside), so the next
// may start at once.
func (s *Sweeper) step(ctx context.Context, res *SweepResult, aside map[string]sg.AsideMark) (waiting, ended bool, err error) {
	open, ok, err := s.Store.OpenSweep(ctx, s.scope())
	if err != nil {
		return false, false, err
	}
	if !ok {
		return s.start(ctx, res, aside)
	}
	m, err := s.Hot.Track(ctx, open.ID)
	if errors.Is(err, sg.ErrNotFound) {
		// Opened, then the process stopped before signing: plan it again
		// (what the forwarders hold now) and sign it now.
		p, err := s.plan(ctx, open.Marks)
		if err != nil {
			return false, false, err
		}
		res.Started = open.ID
		return s.send(ctx, res, open, p, 0)
	}
	if err != nil {
		return false, false, err
	}
	res.Hash, res.Addresses = m.Hash, len(open.Marks)
	switch {
	case m.Confirmed, m.Failed:
		// A failed sweep keeps its marks: the next start plans them again.
		if err := s.Store.EndSweep(ctx, s.scope(), open, m.Confirmed); err != nil {
			return false, false, err
		}
		res.Ended, res.Swept = open.ID, m.Confirmed
		if m.Confirmed {
			res.Batches++
			res.Moved += len(open.Marks)
		}
		return false, true, nil
	case !m.Found && !m.Replaced:
		return true, false, s.Hot.Broadcast(ctx, open.ID) // again, in case a node lost it
	}
	return true, false, nil
}

// start plans the next batch once, sets aside what the token refuses,
// opens the sweep and signs it with that plan.
func (s *Sweeper) start(ctx context.Context, res *SweepResult, aside map[string]sg.AsideMark) (waiting, ended bool, err error) {
	marks, err := s.Store.SweepMarks(ctx, s.scope(), int32(s.batch()))
	if err != nil || len(marks) == 0 {
		return false, false, err
	}
	now := s.now()
	fresh := marks[:0:0]
	for _, m := range marks {
		// A new deposit to a forwarder set aside and not yet due: aside
		// again at once, with no estimate (the batch would be refused).
		if a, ok := aside[m.Address]; ok && now.Before(a.RetryAt) {
			if err := s.Store.SetAside(ctx, s.scope(), m, a.RetryAt, a.Tries); err != nil {
				return false, false, err
			}
			continue
		}
		fresh = append(fresh, m)
	}
	if len(fresh) == 0 {
		return false, true, nil
	}
	p, err := s.plan(ctx, fresh)
	if err != nil {
		return false, false, err
	}
	p, gas, err := s.dropRefused(ctx, res, p, aside)
	if err != nil {
		return false, false, err
	}
	if len(p.marks) == 0 {
		return false, true, nil // all refused: set aside
	}
	sw := sg.Sweep{ID: sg.NewID("swp", now), Marks: p.marks}
	if err := s.Store.StartSweep(ctx, s.scope(), sw); errors.Is(err, sg.ErrStateChanged) {
		return false, false, nil // another run opened one
	} else if err != nil {
		return false, false, err
	}
	res.Started = sw.ID
	return s.send(ctx, res, sw, p, gas)
}

// sweepPlan is what one sweep does: the forwarders to deploy, the moves,
// and the marks it ends (the moves' and those with nothing to move).
type sweepPlan struct {
	deploy     []uint32
	items      []SweepItem
	forwarders []common.Address
	marks      []sg.SweepMark
}

// forwarderState is what the chain says of a forwarder: whether it has
// code, and what it holds of the token.
type forwarderState struct {
	code    bool
	balance *big.Int
}

// plan reads each marked forwarder's code and balance (in batches when
// Reads is set). An address that is not the forwarder of its index, or
// holds nothing, is ended without a move; a forwarder past MaxDeploys
// waits, marked, for the next sweep.
func (s *Sweeper) plan(ctx context.Context, marks []sg.SweepMark) (sweepPlan, error) {
	var p sweepPlan
	fw := address.Forwarders{Factory: address.Account(s.Factory), Implementation: address.Account(s.Implementation)}
	var cands []sg.SweepMark
	var addrs []common.Address
	for _, m := range marks {
		a := common.HexToAddress(m.Address)
		if a != common.Address(fw.Address(m.Index)) {
			p.marks = append(p.marks, m) // not a forwarder: its deposits wait for the offline keys
			continue
		}
		cands, addrs = append(cands, m), append(addrs, a)
	}
	states, err := s.read(ctx, addrs)
	if err != nil {
		return p, err
	}
	for i, m := range cands {
		a, st := addrs[i], states[i]
		if st.balance.Sign() == 0 {
			p.marks = append(p.marks, m) // swept already (a mark left by a stop after its sweep)
			continue
		}
		if !st.balance.IsUint64() {
			return p, sg.Internal("ethereum.Sweep", fmt.Errorf("forwarder %s holds %s, beyond a uint64", a.Hex(), st.balance))
		}
		if !st.code {
			if len(p.deploy) == s.maxDeploys() {
				continue
			}
			p.deploy = append(p.deploy, m.Index)
		}
		p.items = append(p.items, SweepItem{Index: m.Index, Amount: st.balance.Uint64()})
		p.forwarders = append(p.forwarders, a)
		p.marks = append(p.marks, m)
	}
	return p, nil
}

// read returns each forwarder's code and balance: JSON-RPC batches of
// ReadBatch forwarders through Reads, else two calls each.
func (s *Sweeper) read(ctx context.Context, addrs []common.Address) ([]forwarderState, error) {
	out := make([]forwarderState, len(addrs))
	if s.Reads == nil {
		for i, a := range addrs {
			code, err := s.Chain.CodeAt(ctx, a, nil)
			if err != nil {
				return nil, sg.Unavailable("ethereum.Sweep", err)
			}
			bal, err := s.balanceOf(ctx, a)
			if err != nil {
				return nil, err
			}
			out[i] = forwarderState{code: len(code) > 0, balance: bal}
		}
		return out, nil
	}
	size := s.ReadBatch
	if size <= 0 {
		size = 100
	}
	for lo := 0; lo < len(addrs); lo += size {
		chunk := addrs[lo:min(lo+size, len(addrs))]
		codes, bals := make([]hexutil.Bytes, len(chunk)), make([]hexutil.Bytes, len(chunk))
		elems := make([]rpc.BatchElem, 0, 2*len(chunk))
		for i, a := range chunk {
			call := map[string]any{"to": s.Token, "data": hexutil.Bytes(erc20.BalanceOf(address.Account(a)))}
			elems = append(elems,
				rpc.BatchElem{Method: "eth_getCode", Args: []any{a, "latest"}, Result: &codes[i]},
				rpc.BatchElem{Method: "eth_call", Args: []any{call, "latest"}, Result: &bals[i]})
		}
		if err := s.Reads.BatchCallContext(ctx, elems); err != nil {
			return nil, sg.Unavailable("ethereum.Sweep", err)
		}
		for i, a := range chunk {
			if err := errors.Join(elems[2*i].Error, elems[2*i+1].Error); err != nil {
				return nil, sg.Unavailable("ethereum.Sweep", fmt.Errorf("read %s: %w", a.Hex(), err))
			}
			if len(bals[i]) < 32 {
				return nil, sg.Unavailable("ethereum.Sweep", fmt.Errorf("balanceOf %s: %d bytes", a.Hex(), len(bals[i])))
			}
			out[lo+i] = forwarderState{code: len(codes[i]) > 0, balance: new(big.Int).SetBytes(bals[i][:32])}
		}
	}
	return out, nil
}

// calldata is the plan's factory.sweep call.
func (s *Sweeper) calldata(p sweepPlan) ([]byte, error) {
	data, err := SweepCalldata(s.Token, p.deploy, p.items)
	if err != nil {
		return nil, sg.Internal("ethereum.Sweep", err)
	}
	return data, nil
}

// estimate asks the node for the gas of the plan's sweep (with al). ok is
// false when the chain refuses it (a revert); a node that cannot answer
// is an error.
func (s *Sweeper) estimate(ctx context.Context, p sweepPlan, al types.AccessList) (gas uint64, ok bool, err error) {
	data, err := s.calldata(p)
	if err != nil {
		return 0, false, err
	}
	from, err := From(ctx, s.Hot.Signer)
	if err != nil {
		return 0, false, err
	}
	gas, err = s.Hot.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &s.Factory, Data: data, AccessList: al})
	if err == nil {
		if gas > maxSweepGas {
			// ---- bigrun: a sweep keeps its limit's headroom under the cap ----
			// Its limit (the estimate plus 20%) would pass what a
			// transaction may use: the node refuses it when sent (a first
			// sweep of many new forwarders on Tether's token did). The
			// estimate says by how much.
			return gas, false, errTooBig
		}
		return gas, true, nil
	}
	if m := strings.ToLower(err.Error()); strings.Contains(m, "exceeds allowance") || strings.Contains(m, "exceeds block gas limit") || strings.Contains(m, "gas limit too high") {
		return 0, false, errTooBig
	}
	if err := estimateRefusal(err); errors.Is(err, sg.ErrPayoutWouldRevert) {
		return 0, false, nil
	} else {
		return 0, false, err
	}
}

// maxSweepGas is the largest estimate a sweep may have: its limit, the
// estimate plus 20% (ethfee.GasLimit), stays within ethfee.MaxTxGas.
const maxSweepGas = ethfee.MaxTxGas * 10 / 12

// errTooBig is a sweep that needs more gas than a block or a transaction
// may use.
var errTooBig = errors.New("ethereum.Sweep: the sweep needs more gas than a block allows")

// first is the plan cut to its first k moves, with the marks that end
// without a move.
func (p sweepPlan) first(k int) sweepPlan {
	out := p.sub(0, k)
	moving, kept := map[uint32]bool{}, map[uint32]bool{}
	for i, it := range p.items {
		moving[it.Index] = true
		kept[it.Index] = i < k
	}
	for _, m := range p.marks {
		if !moving[m.Index] || kept[m.Index] {
			out.marks = append(out.marks, m)
		}
	}
	return out
}

// sub is the part [lo, hi) of the plan's moves, with their deploys.
func (p sweepPlan) sub(lo, hi int) sweepPlan {
	deploying := make(map[uint32]bool, len(p.deploy))
	for _, ix := range p.deploy {
		deploying[ix] = true
	}
	out := sweepPlan{items: p.items[lo:hi], forwarders: p.forwarders[lo:hi]}
	for _, it := range out.items {
		if deploying[it.Index] {
			out.deploy = append(out.deploy, it.Index)
		}
	}
	return out
}

// dropRefused leaves out the forwarders the token refuses to move (one
// blacklisted address, say), which would otherwise revert every batch:
// when the whole sweep would be refused, halves are tried until each
// refused move stands alone (a few estimates per refused forwarder, not
// one per forwarder), and the refused are set aside with a growing wait.
// gas is the kept plan's estimate when the first one passed.
func (s *Sweeper) dropRefused(ctx context.Context, res *SweepResult, p sweepPlan, aside map[string]sg.AsideMark) (sweepPlan, uint64, error) {
	if len(p.items) == 0 {
		return p, 0, nil
	}
	gas, ok, err := s.estimate(ctx, p, nil)
	for errors.Is(err, errTooBig) && len(p.items) > 1 {
		// More than a block (or a transaction) may use: the first half
		// goes now (or the part the estimate says fits), the rest stays
		// marked for the next batch.
		k := len(p.items) / 2
		if gas > maxSweepGas {
			k = max(k, int(uint64(len(p.items))*maxSweepGas/gas)) // ---- bigrun: cut to fit, not by half ----
		}
		p = p.first(k)
		gas, ok, err = s.estimate(ctx, p, nil)
	}
	if err != nil || ok {
		return p, gas, err
	}
	keep := make([]bool, len(p.items))
	var bisect func(lo, hi int, refused bool) error
	bisect = func(lo, hi int, refused bool) error {
		if !refused {
			_, ok, err := s.estimate(ctx, p.sub(lo, hi), nil)
			if err != nil && !errors.Is(err, errTooBig) {
				return err
			}
			if ok {
				for i := lo; i < hi; i++ {
					keep[i] = true
				}
				return nil
			}
		}
		if hi-lo == 1 {
			return nil
		}
		mid := (lo + hi) / 2
		if err := bisect(lo, mid, false); err != nil {
			return err
		}
		return bisect(mid, hi, false)
	}
	if err := bisect(0, len(p.items), true); err != nil {
		return p, 0, err
	}
	kept := p.sub(0, 0)
	moving := map[uint32]bool{}
	for i, it := range p.items {
		moving[it.Index] = true
		if keep[i] {
			q := p.sub(i, i+1)
			kept.deploy = append(kept.deploy, q.deploy...)
			kept.items = append(kept.items, it)
			kept.forwarders = append(kept.forwarders, p.forwarders[i])
		}
	}
	keptIdx := map[uint32]bool{}
	for _, it := range kept.items {
		keptIdx[it.Index] = true
	}
	now := s.now()
	for _, m := range p.marks {
		if !moving[m.Index] || keptIdx[m.Index] {
			kept.marks = append(kept.marks, m)
			continue
		}
		tries := aside[m.Address].Tries + 1
		if err := s.Store.SetAside(ctx, s.scope(), m, now.Add(Backoff(tries)), tries); err != nil {
			return p, 0, err
		}
		res.Refused++
	}
	// Halves that run alone may not run together: a batch past what a
	// transaction may use fails as a revert inside it (a token call out of
	// gas). The kept moves are cut by half until they run.
	for len(kept.items) > 0 {
		gas, ok, err := s.estimate(ctx, kept, nil)
		if err != nil && !errors.Is(err, errTooBig) {
			return p, 0, err
		}
		if ok {
			return kept, gas, nil
		}
		if len(kept.items) == 1 {
			return sweepPlan{}, 0, nil // refused alone now: the next start tries again
		}
		kept = kept.first(len(kept.items) / 2)
	}
	return kept, 0, nil
}

// accessList is the layout's access list for the sweep if the node
// estimates it cheaper than none (gas: the estimate without one, 0 if
// not known), so a wrong layout is never used; else nil.
func (s *Sweeper) accessList(ctx context.Context, p sweepPlan, gas uint64) (types.AccessList, error) {
	if s.Layout == nil {
		return nil, nil
	}
	if gas == 0 {
		var ok bool
		var err error
		if gas, ok, err = s.estimate(ctx, p, nil); err != nil || !ok {
			return nil, err
		}
	}
	al := s.Layout.SweepAccessList(s.Token, s.Factory, p.forwarders)
	with, ok, err := s.estimate(ctx, p, al)
	if err != nil || !ok || with >= gas {
		return nil, err
	}
	return al, nil
}

// send signs the open sweep sw with plan p (once: the signed transaction
// is kept under the sweep's id, so a run that stops and comes back sends
// the same one) and broadcasts it.
func (s *Sweeper) send(ctx context.Context, res *SweepResult, sw sg.Sweep, p sweepPlan, gas uint64) (waiting, ended bool, err error) {
	if len(p.items) == 0 {
		// Nothing to move (marks of strays, or left by a stop after their sweep).
		res.Ended, res.Swept = sw.ID, true
		return false, true, s.Store.EndSweep(ctx, s.scope(), sw, true)
	}
	data, err := s.calldata(p)
	if err != nil {
		return false, false, err
	}
	al, err := s.accessList(ctx, p, gas)
	if err != nil {
		return false, false, err
	}
	hash, err := s.Hot.SendWith(ctx, sw.ID, s.Factory, data, al)
	if errors.Is(err, sg.ErrPayoutWouldRevert) {
		// Refused since it was planned, before any nonce was taken for it
		// (the hot wallet asks the node first): ended unsent, its marks
		// kept for the next start, which sets the refused aside.
		from, ferr := From(ctx, s.Hot.Signer)
		if ferr != nil {
			return false, false, ferr
		}
		if _, held, nerr := s.Hot.Store.NonceOf(ctx, sg.Ethereum, from.Hex(), sw.ID); nerr != nil || held {
			return false, false, errors.Join(err, nerr)
		}
		res.Ended, res.Swept = sw.ID, false
		return false, true, s.Store.EndSweep(ctx, s.scope(), sw, false)
	}
	if err != nil {
		return false, false, err
	}
	res.Hash, res.Addresses = hash, len(p.items)
	res.Sent++
	return true, false, s.Hot.Broadcast(ctx, sw.ID)
}

// retryAside tries the marks set aside that are due again, each alone (at
// most AsideRetries a run): one the token now moves goes back among the
// marks (the next batch takes it), one it still refuses waits longer.
func (s *Sweeper) retryAside(ctx context.Context, res *SweepResult, stop time.Time, timed bool) error {
	limit := s.AsideRetries
	if limit <= 0 {
		limit = 10
	}
	list, err := s.Store.AsideMarks(ctx, s.scope(), 1000)
	if err != nil {
		return err
	}
	now := s.now()
	for _, a := range list {
		if res.Retried == limit || (timed && !s.now().Before(stop)) {
			return nil
		}
		if now.Before(a.RetryAt) {
			continue
		}
		res.Retried++
		p, err := s.plan(ctx, []sg.SweepMark{a.SweepMark})
		if err != nil {
			return err
		}
		ok := true
		if len(p.items) > 0 {
			if _, ok, err = s.estimate(ctx, p, nil); err != nil {
				return err
			}
		}
		if !ok {
			if err := s.Store.SetAside(ctx, s.scope(), a.SweepMark, now.Add(Backoff(a.Tries+1)), a.Tries+1); err != nil {
				return err
			}
			continue
		}
		if err := s.Store.Restore(ctx, s.scope(), a); err != nil {
			return err
		}
		res.Restored++
	}
	return nil
}
