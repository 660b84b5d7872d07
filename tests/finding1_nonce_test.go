package tests

import (
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// chainPipeline is the withdrawal pipeline paying out from c's hot wallet,
// showing why a payout waits, with its store.
func chainPipeline(t *testing.T, c *hotChain) (*ledger.Withdrawals, *dynamo.Store, *chaineth.Payout) {
	t.Helper()
	usdtPerEth := big.NewInt(3_000_000_000)
	p := &chaineth.Payout{Hot: &chaineth.HotWallet{Node: c.ec, Signer: c.hot, ChainID: c.chainID, Store: nil, Confirmations: 2}, Token: c.tokenAddr,
		FeeInAsset: func(wei *big.Int) sg.Amount {
			return sg.Amount(new(big.Int).Div(new(big.Int).Mul(wei, usdtPerEth), big.NewInt(params.Ether)).Int64())
		}}
	w := pipeline(t, rawDB(t), testQueue(t), p)
	st := dynamo.Over(w.Mover.(*dynamo.Ledger).Table)
	p.Hot.Store, w.Waits = st.Withdrawals, st.Withdrawals
	return w, st, p
}

// payoutOf creates a withdrawal of amount (base units) from wallet to a
// fresh address and returns its id.
func payoutOf(t *testing.T, w *ledger.Withdrawals, ten, wallet string, amount sg.Amount) string {
	t.Helper()
	to := common.BigToAddress(big.NewInt(int64(rand.Uint32()) + 1_000_000)).Hex()
	r, err := w.Create(context.Background(), ten, "n-"+randHex(8), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: to, Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return r.Transfer.ID
}

// settle advances the payouts, mining a block between rounds, until every
// one is final (or rounds run out) and returns them as they end.
func settle(t *testing.T, c *hotChain, w *ledger.Withdrawals, ten string, ids ...string) map[string]sg.Transfer {
	t.Helper()
	out := map[string]sg.Transfer{}
	for round := 0; round < 40 && len(out) < len(ids); round++ {
		for _, id := range ids {
			if _, done := out[id]; done {
				continue
			}
			got, _, err := w.Advance(context.Background(), ten, id)
			if err != nil && !errors.Is(err, ledger.ErrCannotSendYet) {
				t.Fatalf("advance %s: %v", id, err)
			}
			if got.State.Final() {
				out[id] = got
			}
		}
		c.sim.Commit()
	}
	return out
}

// noNonceGap fails unless every nonce the hot address used is mined and
// nothing waits in the node's pool.
func noNonceGap(t *testing.T, c *hotChain) uint64 {
	t.Helper()
	ctx := context.Background()
	mined, err := c.ec.NonceAt(ctx, c.hotAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := c.ec.PendingNonceAt(ctx, c.hotAddr)
	if err != nil {
		t.Fatal(err)
	}
	if pending != mined {
		t.Fatalf("the hot address has %d transactions waiting in the pool (mined nonce %d, pending %d): a nonce gap", pending-mined, mined, pending)
	}
	return mined
}

// Finding 1: a payout the hot wallet's float cannot cover takes no nonce,
// says why on its record, and once cancelled leaves nothing behind: the
// next payouts are mined.
func TestFinding1_ShortPayoutHoldsNoNonceAndCancelLeavesNoGap(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 50_000_000) // the hot wallet holds 50 USDT
	w, st, _ := chainPipeline(t, c)
	ten := tenant()
	wallet := seedWallets(t, st, w.Service, ten, 1, false, "")[0]
	fund(t, w.Service, ten, wallet, sg.Ethereum, "1000")

	short := payoutOf(t, w, ten, wallet, 500_000_000)
	if _, _, err := w.Advance(ctx, ten, short); !errors.Is(err, ledger.ErrCannotSendYet) {
		t.Fatalf("a payout over the float: %v, want ErrCannotSendYet", err)
	}
	got, err := st.Ledger.Transfer(ctx, ten, short)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != sg.StateApproved || got.NonceHeld || got.Waiting == nil || got.Waiting.Code != sg.ErrHotWalletShort.Code {
		t.Fatalf("the short payout: state %s, nonce held %v, waiting %+v; want approved, no nonce, hot_wallet_short", got.State, got.NonceHeld, got.Waiting)
	}
	if got, err := w.Cancel(ctx, ten, short); err != nil || got.State != sg.StateCancelled {
		t.Fatalf("cancel: %v %v", got.State, err)
	}
	a, b := payoutOf(t, w, ten, wallet, 10_000_000), payoutOf(t, w, ten, wallet, 10_000_000)
	done := settle(t, c, w, ten, a, b)
	for _, id := range []string{a, b} {
		if done[id].State != sg.StatePosted {
			t.Fatalf("payout %s after a cancelled short one: %q, want posted", id, done[id].State)
		}
	}
	if n := noNonceGap(t, c); n != 2 {
		t.Fatalf("the hot address used %d nonces; want 2", n)
	}
}

// Finding 1: once a payout's transaction is signed (it holds a nonce) a
// cancel is refused, even if the worker stopped before recording the move
// to signed; the payout then goes out and the next one is mined.
func TestFinding1_CancelAfterSigningBeganIsRefused(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 500_000_000)
	w, st, p := chainPipeline(t, c)
	ten := tenant()
	wallet := seedWallets(t, st, w.Service, ten, 1, false, "")[0]
	fund(t, w.Service, ten, wallet, sg.Ethereum, "100")

	first := payoutOf(t, w, ten, wallet, 20_000_000)
	// No signer yet: the payout stops in awaiting_signer; then its
	// transaction is signed and kept, and the worker stops before the move.
	payouts := w.Payouts
	w.Payouts = map[sg.Chain]ledger.Payout{}
	if got, _, err := w.Advance(ctx, ten, first); err != nil || got.State != sg.StateAwaitingSigner {
		t.Fatalf("without a signer: %s %v", got.State, err)
	}
	w.Payouts = payouts
	rec, _ := st.Ledger.Transfer(ctx, ten, first)
	if _, err := p.Sign(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cancel(ctx, ten, first); !errors.Is(err, sg.ErrNotCancellable) {
		t.Fatalf("cancel of a payout holding a nonce: %v, want withdrawal_not_cancellable", err)
	}
	rec, _ = st.Ledger.Transfer(ctx, ten, first)
	if ok, err := w.Expire(ctx, rec); ok || err != nil {
		t.Fatalf("expiry of a payout holding a nonce: %v %v", ok, err)
	}
	later := *w
	later.Now = func() time.Time { return time.Now().Add(100 * time.Hour) }
	if ok, err := later.Expire(ctx, rec); ok || err != nil {
		t.Fatalf("expiry past its hold of a payout holding a nonce: %v %v", ok, err)
	}
	second := payoutOf(t, w, ten, wallet, 5_000_000)
	done := settle(t, c, w, ten, first, second)
	if done[first].State != sg.StatePosted || done[second].State != sg.StatePosted {
		t.Fatalf("after the refused cancel: %q and %q, want both posted", done[first].State, done[second].State)
	}
	noNonceGap(t, c)
}

// Finding 1, by way of a freeze: a freeze that lands after a payout took
// its nonce does not park it (it is committed to its chain), so the next
// payouts of other wallets are mined; payouts not yet holding a nonce are
// still stopped by it.
func TestFinding1_FreezeDoesNotStrandANonce(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 500_000_000)
	w, st, p := chainPipeline(t, c)
	w.Freezes = st.Custody
	ten := tenant()
	wallets := seedWallets(t, st, w.Service, ten, 2, false, "")
	for _, wal := range wallets {
		fund(t, w.Service, ten, wal, sg.Ethereum, "100")
	}
	held, waiting := payoutOf(t, w, ten, wallets[0], 20_000_000), payoutOf(t, w, ten, wallets[0], 1_000_000)
	payouts := w.Payouts
	w.Payouts = map[sg.Chain]ledger.Payout{}
	for _, id := range []string{held, waiting} {
		if got, _, err := w.Advance(ctx, ten, id); err != nil || got.State != sg.StateAwaitingSigner {
			t.Fatalf("without a signer: %s %v", got.State, err)
		}
	}
	w.Payouts = payouts
	rec, _ := st.Ledger.Transfer(ctx, ten, held)
	if _, err := p.Sign(ctx, rec); err != nil { // takes the nonce; the worker stops before the move
		t.Fatal(err)
	}
	now := time.Now().UTC()
	f := sg.Freeze{ID: sg.NewID("frz", now), Scope: sg.FreezeWallet, TenantID: ten, WalletID: wallets[0], Reason: "test", By: "ops", At: now, Required: 1}
	if err := st.Custody.PutFreeze(ctx, f, ten, sg.JournalEntry{At: now, Actor: "ops", Action: "freeze.created", Subject: f.ID}); err != nil {
		t.Fatal(err)
	}
	other := payoutOf(t, w, ten, wallets[1], 5_000_000)
	done := settle(t, c, w, ten, held, other)
	if done[held].State != sg.StatePosted || done[other].State != sg.StatePosted {
		t.Fatalf("under the freeze: the payout holding a nonce %q, the other wallet's %q; want both posted", done[held].State, done[other].State)
	}
	if got, _, err := w.Advance(ctx, ten, waiting); err != nil || got.State != sg.StateAwaitingSigner || got.NonceHeld {
		t.Fatalf("the frozen wallet's payout without a nonce: %s (nonce %v) %v; want it stopped", got.State, got.NonceHeld, err)
	}
	noNonceGap(t, c)
}

// Random cancels, hold expiries and float shortfalls among 200 payouts,
// raced against four workers: every payout ends in exactly one final state,
// the hot address has no nonce gap and nothing waits in the pool, and the
// books hold nothing back.
func TestPayoutChaos_200PayoutsEndWithoutNonceGap(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 1_500_000_000) // 1,500 USDT of float
	w, st, _ := chainPipeline(t, c)
	ten := tenant()
	wallets := seedWallets(t, st, w.Service, ten, 8, false, "")
	for _, wal := range wallets {
		fund(t, w.Service, ten, wal, sg.Ethereum, "100000")
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		amount := sg.Amount(1+rng.IntN(15)) * 1_000_000
		if rng.IntN(10) == 0 {
			amount = 5_000_000_000 // beyond the float: the node's estimate fails
		}
		ids[i] = payoutOf(t, w, ten, wallets[i%len(wallets)], amount)
	}
	later := *w
	later.Now = func() time.Time { return time.Now().Add(100 * time.Hour) }

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the chain: a block every few milliseconds
		defer wg.Done()
		for !stop.Load() {
			c.sim.Commit()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	work := make(chan string, n)
	for _, i := range rng.Perm(n) {
		work <- ids[i]
	}
	close(work)
	errs := make(chan error, 8*n)
	var workers sync.WaitGroup
	for k := 0; k < 4; k++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for id := range work {
				for tries := 0; tries < 3; tries++ {
					if _, _, err := w.Advance(ctx, ten, id); err != nil && !errors.Is(err, ledger.ErrCannotSendYet) {
						errs <- err
					}
				}
			}
		}()
	}
	workers.Add(1)
	go func() { // chaos: cancels and expiries at random moments
		defer workers.Done()
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
		for k := 0; k < 80; k++ {
			id := ids[r.IntN(n)]
			if k%2 == 0 {
				if _, err := w.Cancel(ctx, ten, id); err != nil && !errors.Is(err, sg.ErrNotCancellable) && !errors.Is(err, sg.ErrStateChanged) {
					errs <- err
				}
			} else if rec, err := st.Ledger.Transfer(ctx, ten, id); err == nil {
				if _, err := later.Expire(ctx, rec); err != nil {
					errs <- err
				}
			}
			time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
		}
	}()
	workers.Wait()
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a step failed: %v", err)
	}

	// What the float cannot cover is ended by its owner: a cancel or an
	// expiry, alternately; everything else is driven to its end.
	final := map[string]sg.Transfer{}
	for round := 0; round < 60 && len(final) < n; round++ {
		for i, id := range ids {
			if _, ok := final[id]; ok {
				continue
			}
			got, _, err := w.Advance(ctx, ten, id)
			if errors.Is(err, ledger.ErrCannotSendYet) {
				if i%2 == 0 {
					got, err = w.Cancel(ctx, ten, id)
				} else if _, err = later.Expire(ctx, got); err == nil {
					got, err = st.Ledger.Transfer(ctx, ten, id)
				}
			}
			if err != nil {
				t.Fatalf("payout %s: %v", id, err)
			}
			if got.State.Final() {
				final[id] = got
			}
		}
		c.sim.Commit()
	}
	counts := map[sg.TransferState]int{}
	held := 0
	for _, id := range ids {
		got, ok := final[id]
		if !ok {
			rec, _ := st.Ledger.Transfer(ctx, ten, id)
			t.Fatalf("payout %s never ended: %s", id, rec.State)
		}
		counts[got.State]++
		if got.NonceHeld {
			held++
			if got.State != sg.StatePosted && got.State != sg.StateFailed {
				t.Fatalf("payout %s held a nonce and ended %s", id, got.State)
			}
		}
	}
	if used := noNonceGap(t, c); used != uint64(held) {
		t.Fatalf("the hot address used %d nonces, %d payouts held one", used, held)
	}
	for _, wal := range wallets {
		b, err := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, wal, sg.Ethereum, sg.USDT), 1)
		if err != nil || b.Held != 0 {
			t.Fatalf("wallet %s still holds %s (%v)", wal, b.Held, err)
		}
	}
	if counts[sg.StatePosted] == 0 || counts[sg.StateCancelled] == 0 || counts[sg.StateExpired] == 0 {
		t.Fatalf("the run did not mix outcomes: %v", counts)
	}
	t.Logf("200 payouts ended: %v; %d nonces used, none left in the pool", counts, held)
}
