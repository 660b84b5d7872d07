package tests

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/testusdt"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type depositWorld struct {
	sim      *simulated.Backend
	token    *testusdt.TestUSDT
	auth     *bind.TransactOpts
	watcher  *chaineth.Watcher
	st       *dynamo.Store
	tenant   string
	wallet   string
	depoAddr common.Address
}

func newDepositWorld(t *testing.T, confirmations uint64) *depositWorld {
	l, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	wallet := seedWallets(t, st, l, ten, 1, false, "")[0]
	deployer, _ := crypto.GenerateKey()
	sim := simulated.NewBackend(types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))}})
	t.Cleanup(func() { _ = sim.Close() })
	chainID, _ := sim.Client().ChainID(context.Background())
	auth, _ := bind.NewKeyedTransactorWithChainID(deployer, chainID)
	tokenAddr, _, token, err := testusdt.DeployTestUSDT(auth, sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	sim.Commit()
	depo := common.HexToAddress("0x" + randHex(20))
	owners := map[string]dynamo.AddressOwner{strings.ToLower(depo.Hex()): {Tenant: ten, Wallet: wallet}}
	sink := chainfn.LedgerSink{Sink: ledger.DepositSink{Deposits: &ledger.Deposits{Service: l, Mover: st.Ledger}, Owners: ledger.OwnerMap(owners)}}
	w := &chaineth.Watcher{Chain: sim.Client(), Token: tokenAddr, Confirmations: confirmations, Sink: sink,
		Watched: func(a common.Address) bool { _, ok := owners[strings.ToLower(a.Hex())]; return ok }}
	return &depositWorld{sim: sim, token: token, auth: auth, watcher: w, st: st, tenant: ten, wallet: wallet, depoAddr: depo}
}

func (w *depositWorld) balance(t *testing.T) sg.Balance {
	b, err := w.st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(w.tenant, w.wallet, sg.Ethereum, sg.USDT), 1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitPool waits until the pool holds the deployer's sent transactions, so
// the next Commit seals them.
func (w *depositWorld) waitPool(t *testing.T) {
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		mined, _ := w.sim.Client().NonceAt(ctx, w.auth.From, nil)
		if pending, _ := w.sim.Client().PendingNonceAt(ctx, w.auth.From); pending > mined {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the pool never took the transaction")
}

func (w *depositWorld) poll(t *testing.T, st chaineth.State) chaineth.State {
	st, err := w.watcher.Poll(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A deposit is pending on sight and available after the chain's
// confirmation depth, exactly once however often the watcher runs.
func TestDepositPendingThenAvailable(t *testing.T) {
	w := newDepositWorld(t, 3)
	var st chaineth.State
	st = w.poll(t, st)
	if _, err := w.token.Mint(w.auth, w.depoAddr, big.NewInt(25_000_000)); err != nil {
		t.Fatal(err)
	}
	w.waitPool(t)
	w.sim.Commit()
	st = w.poll(t, st)
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 25_000_000 || b.Available != 0 {
		t.Fatalf("after 1 confirmation: %+v", b)
	}
	w.sim.Commit()
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 25_000_000 {
		t.Fatalf("after 2 confirmations: %+v", b)
	}
	w.sim.Commit()
	st = w.poll(t, st)
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 0 || b.Available != 25_000_000 {
		t.Fatalf("after 3 confirmations: %+v", b)
	}
	if len(st.Pending) != 0 {
		t.Fatalf("watcher still tracks %d deposits", len(st.Pending))
	}
}

// On a reorganisation (simulated chain Fork) a deposit whose block left the
// chain is reversed; one re-included in the new branch is credited once;
// one that is not re-included stays reversed.
func TestDepositReorg(t *testing.T) {
	w := newDepositWorld(t, 4)
	ctx := context.Background()
	var st chaineth.State
	st = w.poll(t, st)
	parent := w.sim.Commit()                                                            // the block the fork will grow from
	if _, err := w.token.Mint(w.auth, w.depoAddr, big.NewInt(10_000_000)); err != nil { // re-included later
		t.Fatal(err)
	}
	nonce, _ := w.sim.Client().PendingNonceAt(ctx, w.auth.From)
	if _, err := w.token.Mint(w.auth, w.depoAddr, big.NewInt(7_000_000)); err != nil { // replaced later
		t.Fatal(err)
	}
	// Let the pool take both before sealing the block.
	for i := 0; i < 100; i++ {
		if n, _ := w.sim.Client().PendingNonceAt(ctx, w.auth.From); n == nonce+1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.sim.Commit()
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 17_000_000 {
		t.Fatalf("before the reorg: %+v", b)
	}
	// The chain forks at parent. The 7 USDT mint's nonce is taken by another
	// transaction on the new branch, so it can never come back.
	if err := w.sim.Fork(parent); err != nil {
		t.Fatal(err)
	}
	replace := *w.auth
	replace.Nonce = new(big.Int).SetUint64(nonce)
	replace.GasTipCap = big.NewInt(10 * params.GWei)
	replace.GasFeeCap = big.NewInt(200 * params.GWei)
	// The pool takes the dropped block's transactions back once it has
	// caught up with the new head; then the replacement can take the nonce.
	var err error
	for i := 0; i < 100; i++ {
		if _, err = w.token.Mint(&replace, common.HexToAddress("0x00000000000000000000000000000000000000aa"), big.NewInt(1)); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		w.sim.Commit()
	}
	for i := 0; i < 6; i++ {
		st = w.poll(t, st)
		w.sim.Commit()
	}
	w.poll(t, st)
	b := w.balance(t)
	if b.Available != 10_000_000 || b.Pending != 0 {
		t.Fatalf("after the reorg: %+v; want the re-included 10 USDT available once and the dropped 7 reversed", b)
	}
	ts, err := w.st.Ledger.TenantTransfers(ctx, w.tenant)
	if err != nil {
		t.Fatal(err)
	}
	states := map[sg.TransferState]int{}
	for _, tr := range ts {
		if tr.Type == sg.TransferDeposit {
			states[tr.State]++
		}
	}
	if states[sg.StateReversed] != 2 || states[sg.StatePosted] != 1 {
		t.Fatalf("deposit records by state: %v; want 2 reversed (both old-branch credits) and 1 posted (the re-included one)", states)
	}
}
