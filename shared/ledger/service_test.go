package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The ledger's package tests run over the in-memory twin
// (shared/memstore), which the store contract (shared/storetest) holds to
// the DynamoDB adapter's behaviour: no emulator, milliseconds.

var bg = context.Background()

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	st     *memstore.Store
	queue  *memstore.Queue
	clock  *clock
	svc    *Service
	tenant string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	return &fixture{st: st, queue: &memstore.Queue{}, clock: c, svc: &Service{Store: st, Wallets: st, Now: c.Now}, tenant: "acme"}
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func ethAddress() string { return "0x" + randHex(20) }

// wallet creates a wallet of the fixture's tenant with an Ethereum address.
func (f *fixture) wallet(t *testing.T) sg.Wallet {
	t.Helper()
	idx, _ := f.st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", f.clock.Now()), TenantID: f.tenant, CustomerRef: "c", Index: idx, CreatedAt: f.clock.Now(),
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress()}}}
	if err := f.st.CreateWallet(bg, w, sg.Idempotency{TenantID: f.tenant, Operation: "wallets.create", Key: randHex(6)}); err != nil {
		t.Fatal(err)
	}
	return w
}

// fund credits w's available balance.
func (f *fixture) fund(t *testing.T, w sg.Wallet, amount sg.Amount) {
	t.Helper()
	if _, err := f.svc.CreditWallet(bg, f.tenant, Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, Ref: "fund-" + randHex(6)}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) balance(t *testing.T, w sg.Wallet) sg.Balance {
	t.Helper()
	b, err := f.st.AccountBalance(bg, sg.WalletAccount(f.tenant, w.ID, sg.Ethereum, sg.USDT), w.Shards())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) wantBalance(t *testing.T, w sg.Wallet, available, held sg.Amount) {
	t.Helper()
	if b := f.balance(t, w); b.Available != available || b.Held != held {
		t.Fatalf("%s: available %d, held %d; want %d, %d", w.ID, b.Available, b.Held, available, held)
	}
}

func (f *fixture) system(t *testing.T, name string) sg.Amount {
	t.Helper()
	b, err := f.st.AccountBalance(bg, sg.SystemAccount(name, sg.Ethereum, sg.USDT), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

func (f *fixture) freeze(t *testing.T, scope sg.FreezeScope, wallet string) sg.Freeze {
	t.Helper()
	fr := sg.Freeze{ID: sg.NewID("frz", f.clock.Now()), Scope: scope, TenantID: f.tenant, WalletID: wallet, By: "ops", At: f.clock.Now(), Required: 1}
	if scope == sg.FreezePlatform {
		fr.TenantID = ""
	}
	if err := f.st.PutFreeze(bg, fr, f.tenant, sg.JournalEntry{At: f.clock.Now(), Actor: "ops", Action: "freeze"}); err != nil {
		t.Fatal(err)
	}
	return fr
}

func (f *fixture) lift(t *testing.T, fr sg.Freeze) {
	t.Helper()
	if _, err := f.st.VoteUnfreeze(bg, fr, sg.Approval{Approver: "boss", Approve: true, At: f.clock.Now()}, f.tenant, sg.JournalEntry{At: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("err = %v; want %v", err, want)
	}
}

func wantParam(t *testing.T, err error, param string) {
	t.Helper()
	var e *sg.Error
	if !errors.As(err, &e) || e.Param != param {
		t.Fatalf("err = %v; want one naming %q", err, param)
	}
}

func TestTransferMovesMoneyOncePerKey(t *testing.T) {
	f := newFixture(t)
	a, b := f.wallet(t), f.wallet(t)
	f.fund(t, a, 100)
	in := Internal{From: a.ID, To: b.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 30, Memo: "rent", Metadata: map[string]string{"k": "v"}}
	r, err := f.svc.Transfer(bg, f.tenant, "k1", "h1", in)
	if err != nil || r.Replayed || r.Transfer.State != sg.StatePosted || r.Transfer.Type != sg.TransferInternal {
		t.Fatalf("Transfer = %+v, %v", r, err)
	}
	f.wantBalance(t, a, 70, 0)
	f.wantBalance(t, b, 30, 0)

	again, err := f.svc.Transfer(bg, f.tenant, "k1", "h1", in)
	if err != nil || !again.Replayed || again.Transfer.ID != r.Transfer.ID {
		t.Fatalf("retry = %+v, %v; want the first transfer, replayed", again, err)
	}
	f.wantBalance(t, a, 70, 0)

	_, err = f.svc.Transfer(bg, f.tenant, "k1", "another request", in)
	wantErr(t, err, sg.ErrIdempotencyKeyReused)

	got, err := f.st.Transfer(bg, f.tenant, r.Transfer.ID)
	if err != nil || got.Memo != "rent" || got.Metadata["k"] != "v" || got.Amount != 30 {
		t.Fatalf("stored %+v, %v", got, err)
	}
}

func TestTransferRefusals(t *testing.T) {
	f := newFixture(t)
	a, b, frozenFlag, frozenOwn := f.wallet(t), f.wallet(t), f.wallet(t), f.wallet(t)
	f.fund(t, a, 100)
	f.fund(t, frozenOwn, 100)
	f.st.SetFrozen(f.tenant, frozenFlag.ID, true)
	f.freeze(t, sg.FreezeWallet, frozenOwn.ID)
	// 50 of a's 100 are held by a payout in flight.
	wd := f.withdrawals(nil)
	if _, err := wd.Create(bg, f.tenant, "hold", "h", Withdraw{Wallet: a.ID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(), Amount: 48}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		from, to string
		chain    sg.Chain
		amount   sg.Amount
		want     error
		param    string
	}{
		{"zero amount", a.ID, b.ID, sg.Ethereum, 0, sg.ErrAmountNotPositive, "amount"},
		{"negative amount", a.ID, b.ID, sg.Ethereum, -5, sg.ErrAmountNotPositive, "amount"},
		{"unsupported chain", a.ID, b.ID, "bitcoin", 5, sg.ErrUnsupportedChain, "chain"},
		{"same wallet", a.ID, a.ID, sg.Ethereum, 5, sg.ErrSameWallet, "to_wallet_id"},
		{"unknown source", sg.NewID("wal", f.clock.Now()), b.ID, sg.Ethereum, 5, sg.ErrWalletNotFound, "from_wallet_id"},
		{"unknown destination", a.ID, sg.NewID("wal", f.clock.Now()), sg.Ethereum, 5, sg.ErrWalletNotFound, "to_wallet_id"},
		{"frozen source", frozenFlag.ID, b.ID, sg.Ethereum, 5, sg.ErrWalletFrozen, "from_wallet_id"},
		{"frozen destination", a.ID, frozenFlag.ID, sg.Ethereum, 5, sg.ErrWalletFrozen, "to_wallet_id"},
		{"source under a freeze", frozenOwn.ID, b.ID, sg.Ethereum, 5, sg.ErrFrozen, "from_wallet_id"},
		{"destination under a freeze", a.ID, frozenOwn.ID, sg.Ethereum, 5, sg.ErrFrozen, "to_wallet_id"},
		{"more than the balance", a.ID, b.ID, sg.Ethereum, 101, sg.ErrInsufficientFunds, "amount"},
		{"more than available, part of it held", a.ID, b.ID, sg.Ethereum, 60, sg.ErrFundsHeld, "amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.Transfer(bg, f.tenant, "k-"+c.name, "h", Internal{From: c.from, To: c.to, Chain: c.chain, Asset: sg.USDT, Amount: c.amount})
			wantErr(t, err, c.want)
			wantParam(t, err, c.param)
		})
	}
	f.wantBalance(t, a, 50, 50)
	f.wantBalance(t, b, 0, 0)
	f.wantBalance(t, frozenOwn, 100, 0)
}

// A retry of a transfer that was posted is answered as it was, even once a
// freeze (or anything else) would refuse a new one.
func TestTransferRetryAfterAFreezeIsAReplay(t *testing.T) {
	f := newFixture(t)
	a, b := f.wallet(t), f.wallet(t)
	f.fund(t, a, 10)
	in := Internal{From: a.ID, To: b.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 10}
	first, err := f.svc.Transfer(bg, f.tenant, "k", "h", in)
	if err != nil {
		t.Fatal(err)
	}
	f.freeze(t, sg.FreezeTenant, "")
	r, err := f.svc.Transfer(bg, f.tenant, "k", "h", in)
	if err != nil || !r.Replayed || r.Transfer.ID != first.Transfer.ID {
		t.Fatalf("retry under a freeze = %+v, %v; want the replay", r, err)
	}
	// Spent funds too: a retry is no new debit.
	r, err = f.svc.Transfer(bg, f.tenant, "k", "h", in)
	if err != nil || !r.Replayed {
		t.Fatalf("retry = %+v, %v", r, err)
	}
	_, err = f.svc.Transfer(bg, f.tenant, "k2", "h", in)
	wantErr(t, err, sg.ErrFrozen)
}

func TestCreditWallet(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	c := Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 25, Ref: "r1"}
	r, err := f.svc.CreditWallet(bg, f.tenant, c)
	if err != nil || r.Replayed || r.Transfer.Type != sg.TransferDeposit {
		t.Fatalf("CreditWallet = %+v, %v", r, err)
	}
	r2, err := f.svc.CreditWallet(bg, f.tenant, c)
	if err != nil || !r2.Replayed || r2.Transfer.ID != r.Transfer.ID {
		t.Fatalf("again = %+v, %v; want a replay", r2, err)
	}
	f.wantBalance(t, w, 25, 0)
	if got := f.system(t, sg.SysDevFaucet); got != -25 {
		t.Fatalf("dev faucet %d; want -25", got)
	}
	pend := Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 5, Ref: "r2", Bucket: sg.Pending}
	if _, err := f.svc.CreditWallet(bg, f.tenant, pend); err != nil {
		t.Fatal(err)
	}
	if b := f.balance(t, w); b.Pending != 5 {
		t.Fatalf("pending %d; want 5", b.Pending)
	}
	_, err = f.svc.CreditWallet(bg, f.tenant, Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 0, Ref: "r3"})
	wantErr(t, err, sg.ErrAmountNotPositive)
	_, err = f.svc.CreditWallet(bg, f.tenant, Credit{Wallet: sg.NewID("wal", f.clock.Now()), Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1, Ref: "r4"})
	wantErr(t, err, sg.ErrWalletNotFound)
}

func TestRecordFloat(t *testing.T) {
	f := newFixture(t)
	r, err := f.svc.RecordFloat(bg, sg.Ethereum, 1000, "0xfund")
	if err != nil || r.Transfer.TenantID != sg.PlatformTenant || r.Transfer.Type != sg.TransferFloat {
		t.Fatalf("RecordFloat = %+v, %v", r, err)
	}
	again, err := f.svc.RecordFloat(bg, sg.Ethereum, 1000, "0xfund")
	if err != nil || !again.Replayed {
		t.Fatalf("again = %+v, %v; want a replay", again, err)
	}
	if hot, fl := f.system(t, sg.SysHotWallet), f.system(t, sg.SysFloat); hot != 1000 || fl != -1000 {
		t.Fatalf("hot wallet %d, float %d; want 1000, -1000", hot, fl)
	}
	_, err = f.svc.RecordFloat(bg, sg.Ethereum, 0, "0xnone")
	wantErr(t, err, sg.ErrAmountNotPositive)
}

func TestDepositsPendingThenPostedOrReversed(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	d := &Deposits{Service: f.svc, Mover: f.st}
	dep := func(ref string, amount sg.Amount) ChainDeposit {
		return ChainDeposit{Tenant: f.tenant, Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, Ref: ref, Block: 7}
	}
	a, err := d.Seen(bg, dep("a", 10))
	if err != nil || a.State != sg.StatePending {
		t.Fatalf("Seen = %+v, %v", a, err)
	}
	again, err := d.Seen(bg, dep("a", 10))
	if err != nil || again.ID != a.ID {
		t.Fatalf("seen twice = %+v, %v; want the first", again, err)
	}
	if b := f.balance(t, w); b.Pending != 10 || b.Available != 0 {
		t.Fatalf("after seen: %+v", b)
	}
	for i := 0; i < 2; i++ { // a second confirmation is a no-op
		if _, err := d.Confirm(bg, dep("a", 10)); err != nil {
			t.Fatal(err)
		}
	}
	if b := f.balance(t, w); b.Pending != 0 || b.Available != 10 {
		t.Fatalf("after confirm: %+v", b)
	}
	if _, err := d.Reverse(bg, dep("a", 10)); err == nil || sg.KindOf(err) != sg.KindInternal {
		t.Fatalf("reverse of a posted deposit = %v; want an internal error", err)
	}
	if _, err := d.Seen(bg, dep("b", 4)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reverse(bg, dep("b", 4)); err != nil {
		t.Fatal(err)
	}
	if b := f.balance(t, w); b.Pending != 0 || b.Available != 10 {
		t.Fatalf("after reverse: %+v", b)
	}
	if in := f.system(t, sg.SysInbound); in != -10 {
		t.Fatalf("inbound %d; want -10 (the reversed deposit given back)", in)
	}
	_, err = d.Seen(bg, ChainDeposit{Tenant: f.tenant, Wallet: sg.NewID("wal", f.clock.Now()), Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1, Ref: "c"})
	wantErr(t, err, sg.ErrWalletNotFound)
	_, err = d.Confirm(bg, dep("never seen", 1))
	wantErr(t, err, sg.ErrNotFound)
}
