package tests

import (
	"context"
	"crypto/rand"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/dynamo"
)

// sweepWorld is a simulated chain with a forwarder factory owned by the KMS
// hot key, and a sweeper over the local stack's table.
type sweepWorld struct {
	*hotChain
	factory common.Address
	fw      address.Forwarders
	st      *dynamo.Store
	sweeper *chaineth.Sweeper
}

func newSweepWorld(t *testing.T) *sweepWorld {
	c := newHotChain(t, 0)
	factory, _, ff, err := forwarder.DeployForwarderFactory(c.auth, c.ec, c.hotAddr, c.hotAddr)
	if err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	impl, err := ff.Implementation(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, st := simLedgerOn(t, rawDB(t))
	hot := &chaineth.HotWallet{Node: c.ec, Signer: c.hot, ChainID: c.chainID, Store: st.Withdrawals, Confirmations: 2}
	layout := chaineth.TokenLayouts["testusdt"]
	return &sweepWorld{hotChain: c, factory: factory, st: st,
		fw:      address.Forwarders{Factory: address.Account(factory), Implementation: address.Account(impl)},
		sweeper: &chaineth.Sweeper{Hot: hot, Chain: c.ec, Store: st.Sweeps, Factory: factory, Implementation: impl, Token: c.tokenAddr, Layout: &layout}}
}

// deposit pays amount into wallet index's forwarder and marks it as the
// deposit watcher does on confirmation.
func (w *sweepWorld) deposit(t *testing.T, index uint32, amount int64, ref string) common.Address {
	t.Helper()
	to := common.Address(w.fw.Address(index))
	if _, err := w.token.Mint(w.auth, to, big.NewInt(amount)); err != nil {
		t.Fatal(err)
	}
	w.sim.Commit()
	if err := w.st.Sweeps.MarkForSweep(context.Background(), chaineth.SweepScope(w.factory), strings.ToLower(to.Hex()), index, ref); err != nil {
		t.Fatal(err)
	}
	return to
}

func (w *sweepWorld) run(t *testing.T) chaineth.SweepResult {
	t.Helper()
	r, err := w.sweeper.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *sweepWorld) tokens(t *testing.T, a common.Address) int64 {
	t.Helper()
	b, err := w.token.BalanceOf(nil, a)
	if err != nil {
		t.Fatal(err)
	}
	return b.Int64()
}

// Deposits into forwarder addresses (most with no code yet) are swept into
// the hot wallet in one transaction by the hot key: every token arrives,
// nothing stays behind, the forwarders get code, and the marks are cleared
// only once the sweep is confirmed. A second round finds them deployed.
func TestSweepMovesForwarderDepositsToTheHotWallet(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	base := uint32(900_000 + randInt(t, 50_000))
	var addrs []common.Address
	var total int64
	for i := uint32(0); i < 5; i++ {
		amount := int64(1_000_000 * (i + 1))
		addrs = append(addrs, w.deposit(t, base+i, amount, "d1-"+randHex(4)))
		total += amount
	}
	if code, _ := w.ec.CodeAt(ctx, addrs[0], nil); len(code) != 0 {
		t.Fatal("a forwarder has code before its first sweep")
	}
	r := w.run(t)
	if r.Started == "" || r.Addresses != 5 {
		t.Fatalf("first run: %+v; want a sweep of 5 addresses started", r)
	}
	// The sweep lists the token slots it touches (the layout is right, so
	// the node estimates it cheaper with the list).
	if tx, _, err := w.ec.TransactionByHash(ctx, common.HexToHash(r.Hash)); err != nil || len(tx.AccessList()) != 1 || len(tx.AccessList()[0].StorageKeys) != 15 {
		t.Fatalf("sweep transaction %s: access list %v (%v); want the token's 3 slots for each of 5 forwarders", r.Hash, tx.AccessList(), err)
	}
	if again := w.run(t); again.Started != "" || again.Ended != "" {
		t.Fatalf("a second sweep began while one was in flight: %+v", again)
	}
	w.sim.Commit()
	if r := w.run(t); r.Ended != "" {
		t.Fatalf("ended before the confirmation depth: %+v", r)
	}
	w.sim.Commit()
	if r := w.run(t); !r.Swept {
		t.Fatalf("not swept after 2 confirmations: %+v", r)
	}
	if got := w.tokens(t, w.hotAddr); got != total {
		t.Fatalf("hot wallet holds %d; want %d", got, total)
	}
	for _, a := range addrs {
		if b := w.tokens(t, a); b != 0 {
			t.Fatalf("forwarder %s kept %d", a.Hex(), b)
		}
		if code, _ := w.ec.CodeAt(ctx, a, nil); len(code) == 0 {
			t.Fatalf("forwarder %s has no code after its sweep", a.Hex())
		}
	}
	if marks, _ := w.st.Sweeps.SweepMarks(ctx, chaineth.SweepScope(w.factory), 100); len(marks) != 0 {
		t.Fatalf("%d marks left after the sweep", len(marks))
	}
	// Second round: deployed forwarders, one new address among them.
	w.deposit(t, base, 7_000_000, "d2-"+randHex(4))
	w.deposit(t, base+10, 3_000_000, "d2-"+randHex(4))
	w.run(t)
	w.sim.Commit()
	w.sim.Commit()
	if r := w.run(t); !r.Swept || r.Addresses != 2 {
		t.Fatalf("second sweep: %+v", r)
	}
	if got := w.tokens(t, w.hotAddr); got != total+10_000_000 {
		t.Fatalf("hot wallet holds %d after the second sweep; want %d", got, total+10_000_000)
	}
}

// A wrong layout is never used: the node estimates the sweep dearer with
// its access list, so the sweep goes without one.
func TestSweepDropsAWrongAccessList(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	wrong := chaineth.TokenLayout{Balances: 40, Allowances: 41, Blacklist: 42}
	w.sweeper.Layout = &wrong
	w.deposit(t, 7, 3_000_000, "w1")
	r := w.run(t)
	tx, _, err := w.ec.TransactionByHash(ctx, common.HexToHash(r.Hash))
	if err != nil || len(tx.AccessList()) != 0 {
		t.Fatalf("sweep with a wrong layout: access list %v (%v); want none", tx.AccessList(), err)
	}
	w.sim.Commit()
	w.sim.Commit()
	if r := w.run(t); !r.Swept || w.tokens(t, w.hotAddr) != 3_000_000 {
		t.Fatalf("not swept: %+v", r)
	}
}

// An address marked for sweeping that is not the forwarder of its index (a
// wallet made before forwarders were configured) is left out of the batch,
// which still sweeps the real forwarders, and its mark ends with the sweep.
func TestSweepSkipsAddressesThatAreNotForwarders(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	w.deposit(t, 21, 4_000_000, "f1")
	stray := common.HexToAddress("0x00000000000000000000000000000000000ab0ba")
	if _, err := w.token.Mint(w.auth, stray, big.NewInt(9_000_000)); err != nil {
		t.Fatal(err)
	}
	w.sim.Commit()
	scope := chaineth.SweepScope(w.factory)
	if err := w.st.Sweeps.MarkForSweep(ctx, scope, strings.ToLower(stray.Hex()), 22, "s1"); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	w.sim.Commit()
	w.sim.Commit()
	if r := w.run(t); !r.Swept || w.tokens(t, w.hotAddr) != 4_000_000 || w.tokens(t, stray) != 9_000_000 {
		t.Fatalf("sweep %+v: hot %d, stray %d", r, w.tokens(t, w.hotAddr), w.tokens(t, stray))
	}
	if left, _ := w.st.Sweeps.SweepMarks(ctx, scope, 10); len(left) != 0 {
		t.Fatalf("marks left: %+v", left)
	}
}

// A forwarder the token refuses to move (blacklisted by the token's owner,
// as Tether does) would revert every batch: it is left out, set aside for
// a later try, and the others are swept.
func TestSweepLeavesOutAForwarderTheTokenRefuses(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	good := w.deposit(t, 31, 2_000_000, "g1")
	bad := w.deposit(t, 32, 5_000_000, "b1")
	if _, err := w.token.SetBlackListed(w.auth, bad, true); err != nil {
		t.Fatal(err)
	}
	w.sim.Commit()
	r := w.run(t)
	if r.Started == "" || r.Addresses != 1 || r.Refused != 1 {
		t.Fatalf("first run: %+v; want one forwarder swept and one refused", r)
	}
	w.sim.Commit()
	w.sim.Commit()
	if r := w.run(t); !r.Swept {
		t.Fatalf("not swept: %+v", r)
	}
	if w.tokens(t, w.hotAddr) != 2_000_000 || w.tokens(t, good) != 0 || w.tokens(t, bad) != 5_000_000 {
		t.Fatalf("hot %d, good %d, refused %d", w.tokens(t, w.hotAddr), w.tokens(t, good), w.tokens(t, bad))
	}
	// ---- sweep: throughput ---- the refused mark is set aside, out of the batches.
	if left, _ := w.st.Sweeps.SweepMarks(ctx, chaineth.SweepScope(w.factory), 10); len(left) != 0 {
		t.Fatalf("marks left: %+v; want none (the refused one set aside)", left)
	}
	aside, _ := w.st.Sweeps.AsideMarks(ctx, chaineth.SweepScope(w.factory), 10)
	if len(aside) != 1 || aside[0].Address != lower(bad.Hex()) {
		t.Fatalf("marks aside: %+v; want the refused forwarder's", aside)
	}
}

// Forwarders past a sweep's deploy budget stay marked for the next sweep,
// which takes them: none is dropped.
func TestSweepDeployBudgetCarriesOver(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	w.sweeper.MaxDeploys = 1
	a := w.deposit(t, 41, 1_000_000, "d1")
	b := w.deposit(t, 42, 2_000_000, "d1")
	for round := 0; round < 2; round++ {
		if r := w.run(t); r.Addresses != 1 {
			t.Fatalf("round %d: %+v; want one new forwarder per sweep", round, r)
		}
		w.sim.Commit()
		w.sim.Commit()
		if r := w.run(t); !r.Swept {
			t.Fatalf("round %d not swept: %+v", round, r)
		}
	}
	if w.tokens(t, a) != 0 || w.tokens(t, b) != 0 || w.tokens(t, w.hotAddr) != 3_000_000 {
		t.Fatalf("after two sweeps: a %d, b %d, hot %d", w.tokens(t, a), w.tokens(t, b), w.tokens(t, w.hotAddr))
	}
	if left, _ := w.st.Sweeps.SweepMarks(ctx, chaineth.SweepScope(w.factory), 10); len(left) != 0 {
		t.Fatalf("marks left: %+v", left)
	}
}

// A process that stops after opening a sweep and before signing it leaves
// the sweep open; the next run signs and sends it. A deposit arriving at an
// address while its sweep is in flight keeps the address marked.
func TestSweepSurvivesAStopAndKeepsLateDeposits(t *testing.T) {
	ctx := context.Background()
	w := newSweepWorld(t)
	base := uint32(960_000 + randInt(t, 30_000))
	a := w.deposit(t, base, 2_000_000, "v1")
	w.deposit(t, base+1, 1_000_000, "v1")
	scope := chaineth.SweepScope(w.factory)
	marks, _ := w.st.Sweeps.SweepMarks(ctx, scope, 100)
	if err := w.st.Sweeps.StartSweep(ctx, scope, dynamo.Sweep{ID: "swp_stopped" + randHex(4), Marks: marks}); err != nil {
		t.Fatal(err)
	}
	// The process stopped here. The next run finds the open sweep unsigned.
	if r := w.run(t); r.Hash == "" {
		t.Fatalf("the open sweep was not signed and sent: %+v", r)
	}
	// A new deposit to a while the sweep is in flight, mined after it.
	w.sim.Commit()
	w.deposit(t, base, 500_000, "v2")
	if r := w.run(t); !r.Swept {
		t.Fatalf("not swept: %+v", r)
	}
	left, _ := w.st.Sweeps.SweepMarks(ctx, scope, 100)
	if len(left) != 1 || left[0].Address != lower(a.Hex()) {
		t.Fatalf("marks after the sweep: %+v; want only %s (deposit after the sweep began)", left, a.Hex())
	}
	w.run(t)
	w.sim.Commit()
	w.sim.Commit()
	if r := w.run(t); !r.Swept {
		t.Fatalf("late deposit not swept: %+v", r)
	}
	if got := w.tokens(t, w.hotAddr); got != 3_500_000 {
		t.Fatalf("hot wallet holds %d; want 3500000", got)
	}
}

func randInt(t *testing.T, n int64) int64 {
	t.Helper()
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		t.Fatal(err)
	}
	return v.Int64()
}

func lower(s string) string { return strings.ToLower(s) }
