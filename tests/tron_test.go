package tests

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/watchfn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// tronWorld is the TronGrid fixture (no Tron node runs here: see
// internal/dev/tronfix) with a wallet, its deposit address, a KMS hot
// key and the ledger on the local stack's table.
type tronWorld struct {
	fx      *tronfix.Server
	grid    *tron.Grid
	l       *ledger.Service
	st      *dynamo.Store
	tenant  string
	wallet  string
	depo    address.Account
	hot     *kmssign.Signer
	hotAcct address.Account
	watcher *tron.Watcher
}

func acct(seed string) address.Account {
	var a address.Account
	h := sha256.Sum256([]byte(seed))
	copy(a[:], h[:20])
	return a
}

func newTronWorld(t *testing.T, rateLimitEvery int) *tronWorld {
	t.Helper()
	l, st := simLedgerOn(t, rawDB(t))
	w := &tronWorld{l: l, st: st, tenant: tenant()}
	w.wallet = seedWallets(t, st, l, w.tenant, 1, false, "")[0]
	w.fx = tronfix.New(acct("token " + randHex(4)))
	w.fx.RateLimitEvery = rateLimitEvery
	if err := w.fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.fx.Close() })
	w.grid = &tron.Grid{URL: w.fx.URL, Sleep: func(time.Duration) {}}
	ctx := context.Background()
	cfg, _ := config.LoadDefaultConfig(ctx)
	kc := kms.NewFromConfig(cfg)
	w.hot = newKMSKey(t, kc)
	var err error
	if w.hotAcct, err = w.hot.Address(ctx); err != nil {
		t.Fatal(err)
	}
	w.fx.FundTRX(w.hotAcct, 10_000_000_000) // 10,000 TRX for the fees it burns
	w.depo = acct("deposit " + randHex(8))
	owners := map[string]dynamo.AddressOwner{strings.ToLower(w.depo.Tron()): {Tenant: w.tenant, Wallet: w.wallet}}
	w.watcher = &tron.Watcher{Grid: w.grid, Token: w.fx.Token.Tron(), PageSize: 2,
		Sink:    watchfn.TronSink{Sink: ledger.DepositSink{Deposits: &ledger.Deposits{Service: l, Mover: st.Ledger}, Owners: ledger.OwnerMap(owners)}},
		Watched: func(a address.Account) bool { _, ok := owners[strings.ToLower(a.Tron())]; return ok }}
	return w
}

func (w *tronWorld) balance(t *testing.T) sg.Balance {
	t.Helper()
	b, err := w.st.Ledger.AccountBalance(context.Background(), sg.WalletAccount(w.tenant, w.wallet, sg.Tron, sg.USDT), 1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (w *tronWorld) poll(t *testing.T, st tron.State) tron.State {
	t.Helper()
	st, err := w.watcher.Poll(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TRC20 deposits read through the events API (paged by fingerprint, under
// rate limiting) are pending on sight, available once their block is
// solidified, credited once however often the watcher runs, and reversed
// when their block leaves the chain before that.
func TestTronDepositsPendingSolidifiedAndReversed(t *testing.T) {
	w := newTronWorld(t, 4)
	other := acct("someone " + randHex(4))
	w.fx.Mint(other, 100_000_000)
	// Noise for paging: transfers to addresses nobody watches.
	for i := 0; i < 3; i++ {
		w.fx.Transfer(other, acct("noise "+randHex(4)), 1_000)
	}
	w.fx.Transfer(other, w.depo, 7_250_000)
	w.fx.Mine(1)
	st := w.poll(t, tron.State{})
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 7_250_000 || b.Available != 0 {
		t.Fatalf("after sight: %+v; want 7.25 pending", b)
	}
	w.fx.Mine(tronfix.SolidifyDepth - 1)
	st = w.poll(t, st)
	if b := w.balance(t); b.Available != 0 {
		t.Fatalf("available before solidity: %+v", b)
	}
	w.fx.Mine(1)
	st = w.poll(t, st)
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 0 || b.Available != 7_250_000 {
		t.Fatalf("after solidity: %+v; want 7.25 available", b)
	}
	// A deposit whose block is dropped before it is solid is reversed.
	w.fx.Transfer(other, w.depo, 1_000_000)
	w.fx.Mine(1)
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 1_000_000 {
		t.Fatalf("second deposit not pending: %+v", b)
	}
	w.fx.Reorg(2)
	w.fx.Mine(tronfix.SolidifyDepth)
	st = w.poll(t, st)
	if b := w.balance(t); b.Pending != 0 || b.Available != 7_250_000 {
		t.Fatalf("after the reorg: %+v; want the dropped deposit reversed", b)
	}
	if len(st.Pending) != 0 {
		t.Fatalf("%d deposits still pending", len(st.Pending))
	}
	if w.fx.Limited == 0 || w.grid.Limited != w.fx.Limited {
		t.Fatalf("rate limits: fixture sent %d, client saw %d", w.fx.Limited, w.grid.Limited)
	}
}

func (w *tronWorld) payout(expiry time.Duration) *tron.Payout {
	return &tron.Payout{Send: &tron.Sender{Grid: w.grid, Signer: w.hot, Store: w.st.Withdrawals, Expiry: expiry}, Token: w.fx.Token,
		FeeInAsset: func(sun int64) sg.Amount { return sg.Amount(sun / 10) }} // 1 TRX = 0.1 USDT
}

// A Tron withdrawal is signed in KMS, accepted by the fixture (which checks
// the id, the signature against the owner, the reference block and the
// expiration), paid, and posted once its block is solid, with the TRX it
// burnt as the fee.
func TestTronWithdrawalPaidOut(t *testing.T) {
	ctx := context.Background()
	w := newTronWorld(t, 0)
	w.fx.Mint(w.hotAcct, 1_000_000_000)
	fund(t, w.l, w.tenant, w.wallet, sg.Tron, "100")
	p := w.payout(0)
	pipe := pipelineOn(t, rawDB(t), testQueue(t), sg.Tron, p)
	to := acct("merchant payee " + randHex(4))
	r, err := pipe.Create(ctx, w.tenant, "t-"+randHex(6), "h", ledger.Withdraw{Wallet: w.wallet, Chain: sg.Tron, Asset: sg.USDT, ToAddress: to.Tron(), Amount: 30_000_000})
	if err != nil {
		t.Fatal(err)
	}
	got, waiting, err := pipe.Advance(ctx, w.tenant, r.Transfer.ID)
	if err != nil || !waiting || got.State != sg.StateBroadcast || len(got.TxHash) != 64 {
		t.Fatalf("after broadcast: %s %q waiting=%v %v", got.State, got.TxHash, waiting, err)
	}
	w.fx.Mine(1)
	if _, waiting, _ := pipe.Advance(ctx, w.tenant, r.Transfer.ID); !waiting {
		t.Fatal("posted before the block was solid")
	}
	w.fx.Mine(tronfix.SolidifyDepth)
	got, waiting, err = pipe.Advance(ctx, w.tenant, r.Transfer.ID)
	if err != nil || waiting || got.State != sg.StatePosted {
		t.Fatalf("after solidity: %s waiting=%v %v", got.State, waiting, err)
	}
	if b := w.fx.BalanceOf(to); b.Int64() != 30_000_000 {
		t.Fatalf("payee holds %s; want 30 USDT", b)
	}
	info, _ := w.grid.TxInfo(ctx, got.TxHash)
	if got.NetworkFee != sg.Amount(info.Fee/10) || info.Fee == 0 {
		t.Fatalf("network fee %s; the chain says %d sun", got.NetworkFee, info.Fee)
	}
	charged := min(got.NetworkFee, got.Fee)
	if b := w.balance(t); b.Held != 0 || b.Available != 100_000_000-30_000_000-charged {
		t.Fatalf("ledger after payout: %+v", b)
	}
	t.Logf("paid 30 USDT on Tron: %d sun burnt (energy %d, bandwidth %d), %s USDT charged of %s held", info.Fee, info.EnergyFee, info.NetFee, charged, got.Fee)
}

// A signed transfer nobody took before its expiration is signed anew on a
// fresh reference block, and the new one is paid, once.
func TestTronExpiredPayoutSignedAnew(t *testing.T) {
	ctx := context.Background()
	w := newTronWorld(t, 0)
	w.fx.Mint(w.hotAcct, 1_000_000_000)
	fund(t, w.l, w.tenant, w.wallet, sg.Tron, "50")
	p := w.payout(30 * time.Second) // 10 blocks
	pipe := pipelineOn(t, rawDB(t), testQueue(t), sg.Tron, p)
	to := acct("payee " + randHex(4))
	r, err := pipe.Create(ctx, w.tenant, "e-"+randHex(6), "h", ledger.Withdraw{Wallet: w.wallet, Chain: sg.Tron, Asset: sg.USDT, ToAddress: to.Tron(), Amount: 5_000_000})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := w.st.Ledger.Transfer(ctx, w.tenant, r.Transfer.ID)
	first, err := p.Sign(ctx, tr) // signed, then lost: never broadcast
	if err != nil {
		t.Fatal(err)
	}
	w.fx.Mine(12) // past its expiration
	for i := 0; i < 3; i++ {
		if _, _, err := pipe.Advance(ctx, w.tenant, r.Transfer.ID); err != nil {
			t.Fatalf("advance %d: %v", i, err)
		}
	}
	kept, _ := w.st.Withdrawals.SignedTx(ctx, r.Transfer.ID)
	if kept.Hash == first || len(kept.Prev) != 1 || kept.Prev[0] != first {
		t.Fatalf("kept %s (prev %v); want a new transaction replacing %s", kept.Hash, kept.Prev, first)
	}
	w.fx.Mine(1 + tronfix.SolidifyDepth)
	got, _, err := pipe.Advance(ctx, w.tenant, r.Transfer.ID)
	if err != nil || got.State != sg.StatePosted || got.TxHash != kept.Hash {
		t.Fatalf("after the new one was solid: %s %s %v", got.State, got.TxHash, err)
	}
	if b := w.fx.BalanceOf(to); b.Int64() != 5_000_000 {
		t.Fatalf("payee holds %s; want 5 USDT once", b)
	}
}
