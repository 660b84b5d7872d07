package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The controls of issue 15 on the ledger's money-out paths, over the
// in-memory twins: tier limits on internal transfers (and so on batches,
// which post row by row through Transfer), the payout pipeline's policy
// chain (screening, limits) and its guard before signing, and the limits'
// settlement when a payout ends.

var ofacDir = filepath.Join("..", "..", "infra", "ofac")

const (
	// Listed on the copied OFAC list (sanctioned_addresses_TRX.txt).
	sanctionedTRX = "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"
	cleanTRX      = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
)

// usdt is whole USDT in base units.
func usdt(n int64) sg.Amount { return sg.Amount(n * 1_000_000) }

// openedCases records the cases screening asks for.
type openedCases struct {
	mu   sync.Mutex
	keys map[string]sg.CaseRequest
}

func (c *openedCases) OpenCase(_ context.Context, r sg.CaseRequest) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[string]sg.CaseRequest{}
	}
	c.keys[r.Key] = r
	return "cs_" + r.Subject, nil
}

func (c *openedCases) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}

// signer is a chain's payout adapter that records what it signed; its
// payouts confirm at once.
type signer struct {
	mu     sync.Mutex
	signed []string
}

func (s *signer) Sign(_ context.Context, t sg.Transfer) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signed = append(s.signed, t.ToAddress)
	return "0xtx-" + t.ID, nil
}
func (s *signer) Broadcast(context.Context, sg.Transfer) error { return nil }
func (s *signer) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Confirmed: true, Fee: 1}, nil
}

type rig struct {
	st       *memstore.Store
	cust     *memstore.Customers
	limits   *compliance.Limits
	screen   *compliance.Screening
	cases    *openedCases
	svc      *ledger.Service
	w        *ledger.Withdrawals
	sign     *signer
	tenant   string
	customer string
}

// newRig is a tenant whose one customer is verified into a tier with
// limits (per payment 10 USDT, per rolling day 25 USDT, across chains),
// the OFAC list loaded, and a pipeline whose policy screens then holds to
// the limits, as payoutfn.PayoutPolicy chains them.
func newRig(t *testing.T) *rig {
	t.Helper()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	r := &rig{st: memstore.New(), cust: memstore.NewCustomers(), cases: &openedCases{}, sign: &signer{}, tenant: "acme"}
	r.st.Now = clock
	r.limits = &compliance.Limits{Store: r.cust, Counters: r.cust, Now: clock}
	r.screen = &compliance.Screening{Store: memstore.NewSanctions(), Cases: r.cases, Now: clock}
	if _, _, err := r.screen.Refresh(context.Background(), compliance.FileFetcher{Dir: ofacDir, Date: now}); err != nil {
		t.Fatal(err)
	}
	tt := sg.TierTable{TenantID: r.tenant, Default: "small", Verified: "small", KYCValidity: 365 * 24 * time.Hour,
		Tiers: []sg.Tier{{Name: "small", Total: sg.TierLimits{Single: usdt(10), Day: usdt(25)}, Capabilities: []sg.Capability{sg.CapPayouts}}}}
	if _, err := r.cust.PutTiers(context.Background(), tt); err != nil {
		t.Fatal(err)
	}
	r.customer = sg.NewID(sg.CustomerIDPrefix, now)
	if err := r.cust.CreateCustomer(context.Background(), sg.Customer{ID: r.customer, TenantID: r.tenant,
		KYC: sg.KYC{Status: sg.KYCVerified, Tier: "small", VerifiedAt: now}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	r.svc = &ledger.Service{Store: r.st, Wallets: r.st, Now: clock, Limits: r.limits}
	lp := compliance.LimitPolicy{Limits: r.limits, Wallets: r.st}
	r.w = &ledger.Withdrawals{Service: r.svc, Mover: r.st, Queue: &memstore.Queue{}, Freezes: r.st, Quotes: r.st, Destinations: r.st, Waits: r.st,
		Fee:     func(sg.Chain) sg.Amount { return 0 },
		Policy:  compliance.Chain(compliance.ScreeningPolicy{Screening: r.screen}, lp),
		Payouts: map[sg.Chain]ledger.Payout{sg.Tron: compliance.ScreenedPayout{Payout: r.sign, Screening: r.screen}},
		Settler: lp}
	return r
}

// wallet makes a wallet of the customer ("" for none) funded on Tron.
func (r *rig) wallet(t *testing.T, customer string, funds sg.Amount) sg.Wallet {
	t.Helper()
	ctx := context.Background()
	idx, _ := r.st.NextIndex(ctx)
	w := sg.Wallet{ID: sg.NewID("wal", r.st.Now()), TenantID: r.tenant, CustomerRef: customer, Index: idx, CreatedAt: r.st.Now(),
		Addresses: []sg.DepositAddress{{Chain: sg.Tron, Asset: sg.USDT, Address: fmt.Sprintf("T-deposit-%d", idx)}}}
	if err := r.st.CreateWallet(ctx, w, sg.Idempotency{TenantID: r.tenant, Operation: "wallets.create", Key: w.ID}); err != nil {
		t.Fatal(err)
	}
	if funds > 0 {
		if _, err := r.svc.CreditWallet(ctx, r.tenant, ledger.Credit{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: funds, Ref: "fund-" + w.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (r *rig) available(t *testing.T, w sg.Wallet) sg.Amount {
	t.Helper()
	b, err := r.st.AccountBalance(context.Background(), sg.WalletAccount(r.tenant, w.ID, sg.Tron, sg.USDT), w.Shards())
	if err != nil {
		t.Fatal(err)
	}
	return b.Available
}

func (r *rig) used(t *testing.T) sg.Amount {
	t.Helper()
	u, err := r.cust.LimitUsage(context.Background(), r.tenant, r.customer)
	if err != nil {
		t.Fatal(err)
	}
	return u.Used(sg.ScopeAll, sg.WindowDay, r.st.Now())
}

func code(err error) string {
	var e *sg.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// An internal transfer is held to its source wallet's customer's tier:
// exactly the limit passes, one base unit more is refused by name and
// posts nothing, a retry of a posted transfer is answered as it was even at
// the limit, and a refusal for funds is still the first answer.
// bothPaths runs f with the limits reserved and committed around the
// transfer (Reserve, Commit), with them claimed in the transfer's own
// step (memstore.Claiming, as the DynamoDB adapter does in one
// transaction) and read beside the wallets, and claimed with the wallets
// and the limits read in one batch (sg.WalletsAndLimits): the answers must
// not differ.
func bothPaths(t *testing.T, f func(t *testing.T, r *rig)) {
	for _, mode := range []string{"reserved around the transfer", "claimed in the transfer's transaction", "claimed, read with the wallets"} {
		t.Run(mode, func(t *testing.T) {
			r := newRig(t)
			switch mode {
			case "claimed in the transfer's transaction":
				r.svc.Store = memstore.Claiming{Store: r.st, Counters: r.cust}
			case "claimed, read with the wallets":
				cl := memstore.Claiming{Store: r.st, Counters: r.cust}
				r.svc.Store, r.svc.Wallets = cl, cl
			}
			f(t, r)
		})
	}
}

func TestInternalTransfersHeldToTierLimits(t *testing.T) {
	bothPaths(t, internalTransfersHeldToTierLimits)
}

func internalTransfersHeldToTierLimits(t *testing.T, r *rig) {
	ctx := context.Background()
	from, to := r.wallet(t, r.customer, usdt(100)), r.wallet(t, "", 0)
	move := func(key string, amount sg.Amount) (ledger.Result, error) {
		return r.svc.Transfer(ctx, r.tenant, key, "h-"+key+amount.String(), ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: amount})
	}
	if _, err := move("single", usdt(10)+1); code(err) != sg.ErrTierLimitSingle.Code {
		t.Fatalf("10.000001 USDT: %v; want %s", err, sg.ErrTierLimitSingle.Code)
	}
	for i, key := range []string{"a", "b"} {
		if _, err := move(key, usdt(10)); err != nil {
			t.Fatalf("transfer %d of 10 USDT: %v", i, err)
		}
	}
	if _, err := move("c", usdt(5)); err != nil { // 25: exactly the day's limit
		t.Fatalf("the last 5 USDT of the day: %v", err)
	}
	before := r.available(t, from)
	if _, err := move("d", 1); code(err) != sg.ErrTierLimitDaily.Code {
		t.Fatalf("one base unit over the day: %v; want %s", err, sg.ErrTierLimitDaily.Code)
	}
	if got := r.available(t, from); got != before || got != usdt(75) {
		t.Fatalf("available %s after the refusal; want %s (nothing posted)", got, before)
	}
	if _, err := r.st.TransferByKey(ctx, r.tenant, sg.KeyHash(r.tenant, ledger.OpTransfer, "d")); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("the refused transfer has a record: %v", err)
	}
	if res, err := move("c", usdt(5)); err != nil || !res.Replayed {
		t.Fatalf("retry of a posted transfer at the limit: %+v, %v; want its first answer", res, err)
	}
	if got := r.used(t); got != usdt(25) {
		t.Fatalf("day used %s; want 25 USDT (a retry spends nothing)", got)
	}
	// A wallet that lacks the funds says so, not that the limit is reached.
	poor := r.wallet(t, r.customer, usdt(1))
	_, err := r.svc.Transfer(ctx, r.tenant, "poor", "h", ledger.Internal{From: poor.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(2)})
	if code(err) != sg.ErrInsufficientFunds.Code {
		t.Fatalf("short of funds and over the limit: %v; want %s", err, sg.ErrInsufficientFunds.Code)
	}
}

// A transfer refused for funds after the limits were spent gives them back.
func TestTransferRefusedForFundsReleasesItsLimits(t *testing.T) {
	bothPaths(t, transferRefusedForFundsReleasesItsLimits)
}

func transferRefusedForFundsReleasesItsLimits(t *testing.T, r *rig) {
	ctx := context.Background()
	from, to := r.wallet(t, r.customer, usdt(8)), r.wallet(t, "", 0)
	// Hold 5 of the 8 with a payout, so 5 more passes the limits (5+5 <= 25)
	// but not the funds.
	if _, err := r.w.Create(ctx, r.tenant, "p", "h", ledger.Withdraw{Wallet: from.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: cleanTRX, Amount: usdt(5)}); err != nil {
		t.Fatal(err)
	}
	_, err := r.svc.Transfer(ctx, r.tenant, "t", "h", ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(5)})
	if code(err) != sg.ErrFundsHeld.Code {
		t.Fatalf("transfer: %v; want %s", err, sg.ErrFundsHeld.Code)
	}
	if got := r.used(t); got != 0 {
		t.Fatalf("day used %s after a refused transfer; want 0", got)
	}
}

// advance drives a payout until it ends or waits, as the worker does.
func (r *rig) advance(t *testing.T, id string) sg.Transfer {
	t.Helper()
	tr, _, err := r.w.Advance(context.Background(), r.tenant, id)
	if err != nil {
		t.Fatalf("Advance %s: %v", id, err)
	}
	got, err := r.st.Transfer(context.Background(), r.tenant, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func lastNote(t sg.Transfer) string { return t.Events[len(t.Events)-1].Note }

// A payout to a sanctioned destination is refused by the policy step:
// rejected with the code and list version, its hold voided, a case opened,
// nothing signed; what the limits reserved for it is given back.
func TestPayoutToSanctionedAddressRefusedBeforeSigning(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	w := r.wallet(t, r.customer, usdt(50))
	res, err := r.w.Create(ctx, r.tenant, "s", "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: sanctionedTRX, Amount: usdt(3)})
	if err != nil {
		t.Fatal(err)
	}
	got := r.advance(t, res.Transfer.ID)
	cur, _, _ := r.screen.Store.CurrentSanctions(ctx)
	if got.State != sg.StateRejected || got.TxHash != "" || got.NonceHeld ||
		!strings.Contains(lastNote(got), sg.ErrDestinationSanctioned.Code) || !strings.Contains(lastNote(got), cur.Version) {
		t.Fatalf("payout %s (tx %q): %q; want rejected naming %s and list %s", got.State, got.TxHash, lastNote(got), sg.ErrDestinationSanctioned.Code, cur.Version)
	}
	if len(r.sign.signed) != 0 || r.cases.count() != 1 {
		t.Fatalf("signed %v, %d cases; want nothing signed and one case", r.sign.signed, r.cases.count())
	}
	if a := r.available(t, w); a != usdt(50) {
		t.Fatalf("available %s; want the hold voided (50)", a)
	}
	if u := r.used(t); u != 0 {
		t.Fatalf("day used %s; want the reservation released", u)
	}
}

// A payout the policy approved whose destination is listed before it is
// signed is refused by the guard around the signer: rejected, nothing
// signed, the reservation released.
func TestPayoutScreenedAgainBeforeSigning(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	w := r.wallet(t, r.customer, usdt(50))
	// The tenant blocks the address after the policy step approved it.
	r.w.Payouts[sg.Tron] = &blockFirst{ScreenedPayout: compliance.ScreenedPayout{Payout: r.sign, Screening: r.screen}, r: r, addr: cleanTRX}
	res, err := r.w.Create(ctx, r.tenant, "b", "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: cleanTRX, Amount: usdt(4)})
	if err != nil {
		t.Fatal(err)
	}
	got := r.advance(t, res.Transfer.ID)
	if got.State != sg.StateRejected || got.TxHash != "" || !strings.Contains(lastNote(got), sg.ErrDestinationBlocked.Code) {
		t.Fatalf("payout %s (tx %q): %q; want rejected before signing, %s", got.State, got.TxHash, lastNote(got), sg.ErrDestinationBlocked.Code)
	}
	if len(r.sign.signed) != 0 || r.used(t) != 0 || r.available(t, w) != usdt(50) {
		t.Fatalf("signed %v, used %s, available %s; want nothing signed, nothing used, the hold voided", r.sign.signed, r.used(t), r.available(t, w))
	}
}

// blockFirst blocks addr on the tenant's blocklist just before the guard
// screens (a list changed while the payout waited).
type blockFirst struct {
	compliance.ScreenedPayout
	r    *rig
	addr string
}

func (b *blockFirst) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	if _, _, err := b.r.screen.Block(ctx, b.r.tenant, sg.Tron, b.addr, "fraud report", "officer"); err != nil {
		return "", err
	}
	return b.ScreenedPayout.Sign(ctx, t)
}

// Payouts are held to the tier: over the single-payment limit or the
// day's rest they are rejected by name and their holds voided; within it
// they are signed, and once confirmed their amount stays counted; a
// cancelled one gives its amount back.
func TestPayoutsHeldToTierLimitsAndSettled(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	w := r.wallet(t, r.customer, usdt(100))
	pay := func(key string, amount sg.Amount) sg.Transfer {
		res, err := r.w.Create(ctx, r.tenant, key, "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: cleanTRX, Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return r.advance(t, res.Transfer.ID)
	}
	if got := pay("over-single", usdt(10)+1); got.State != sg.StateRejected || !strings.Contains(lastNote(got), sg.ErrTierLimitSingle.Code) {
		t.Fatalf("10.000001 USDT: %s %q; want rejected, %s", got.State, lastNote(got), sg.ErrTierLimitSingle.Code)
	}
	for _, k := range []string{"a", "b"} {
		if got := pay(k, usdt(10)); got.State != sg.StatePosted {
			t.Fatalf("10 USDT: %s %q; want posted", got.State, lastNote(got))
		}
	}
	// A payout created but cancelled before the worker: nothing reserved
	// stays (its settlement releases what a policy step may have reserved).
	res, err := r.w.Create(ctx, r.tenant, "cancelled", "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: cleanTRX, Amount: usdt(5)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.w.Cancel(ctx, r.tenant, res.Transfer.ID); err != nil {
		t.Fatal(err)
	}
	if got := pay("rest", usdt(5)); got.State != sg.StatePosted { // 25: exactly the day
		t.Fatalf("the day's last 5 USDT: %s %q; want posted", got.State, lastNote(got))
	}
	if got := pay("over-day", 1); got.State != sg.StateRejected || !strings.Contains(lastNote(got), sg.ErrTierLimitDaily.Code) {
		t.Fatalf("one base unit over the day: %s %q; want rejected, %s", got.State, lastNote(got), sg.ErrTierLimitDaily.Code)
	}
	if u := r.used(t); u != usdt(25) {
		t.Fatalf("day used %s; want 25 USDT (the confirmed payouts)", u)
	}
	for _, k := range []string{"a", "b", "rest"} {
		tr, err := r.st.TransferByKey(ctx, r.tenant, sg.KeyHash(r.tenant, ledger.OpWithdraw, k))
		if err != nil {
			t.Fatal(err)
		}
		rv, err := r.cust.LimitReservation(ctx, r.tenant, r.customer, tr.ID)
		if err != nil || rv.State != sg.ReservationCommitted {
			t.Fatalf("reservation of %s: %+v, %v; want committed", k, rv, err)
		}
	}
	// Advancing an ended payout again (a redelivered message) settles
	// again and changes nothing.
	tr, _ := r.st.TransferByKey(ctx, r.tenant, sg.KeyHash(r.tenant, ledger.OpWithdraw, "a"))
	r.advance(t, tr.ID)
	if u := r.used(t); u != usdt(25) {
		t.Fatalf("day used %s after a redelivery; want 25 USDT", u)
	}
}

// A freeze over either wallet refuses the transfer with the named error
// on both paths, and takes nothing of the limits.
func TestFrozenWalletRefusedWithLimitsUntouched(t *testing.T) {
	bothPaths(t, func(t *testing.T, r *rig) {
		ctx := context.Background()
		from, to := r.wallet(t, r.customer, usdt(100)), r.wallet(t, "", 0)
		for _, frozen := range []sg.Wallet{from, to} {
			fr := sg.Freeze{ID: sg.NewID("frz", r.st.Now()), Scope: sg.FreezeWallet, TenantID: r.tenant, WalletID: frozen.ID, By: "ops", At: r.st.Now(), Required: 1}
			if err := r.st.PutFreeze(ctx, fr, r.tenant, sg.JournalEntry{At: r.st.Now(), Actor: "ops", Action: "freeze"}); err != nil {
				t.Fatal(err)
			}
			_, err := r.svc.Transfer(ctx, r.tenant, "k-"+frozen.ID, "h", ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(1)})
			if !errors.Is(err, sg.ErrFrozen) {
				t.Fatalf("transfer with %s frozen: %v; want %s", frozen.ID, err, sg.ErrFrozen.Code)
			}
			if _, err := r.st.VoteUnfreeze(ctx, fr, sg.Approval{Approver: "boss", Approve: true, At: r.st.Now()}, r.tenant, sg.JournalEntry{At: r.st.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.used(t); got != 0 {
			t.Fatalf("day used %s after refused transfers; want 0", got)
		}
		if got := r.available(t, from); got != usdt(100) {
			t.Fatalf("available %s; want 100 USDT (nothing posted)", got)
		}
	})
}

// Transfers racing for the last of a day's limit never pass it together:
// with 25 USDT a day, ten concurrent 5 USDT transfers post exactly five,
// and the limit's usage equals what posted. A claim that lost the race
// reads the usage again (ErrLimitsChanged) instead of failing.
func TestConcurrentTransfersNeverPassTheLimitTogether(t *testing.T) {
	// The customer's wallet and a wallet of no customer (its own subject,
	// held to the default tier: its limits are read beside the wallets).
	for _, ofCustomer := range []bool{true, false} {
		t.Run(fmt.Sprint("of a customer: ", ofCustomer), func(t *testing.T) {
			bothPaths(t, func(t *testing.T, r *rig) {
				ctx := context.Background()
				customer := ""
				if ofCustomer {
					customer = r.customer
				}
				from, to := r.wallet(t, customer, usdt(100)), r.wallet(t, "", 0)
				subject := sg.LimitSubject(from)
				errs := make([]error, 10)
				// Every transfer reads the usage before any of them writes it.
				gate := &usageGate{Customers: r.cust, waiting: len(errs), open: make(chan struct{})}
				r.limits.Store, r.limits.Counters = gate, gate
				if cl, ok := r.svc.Wallets.(memstore.Claiming); ok {
					r.svc.Wallets = gatedWallets{Claiming: cl, gate: gate}
				}
				var wg sync.WaitGroup
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						key := fmt.Sprint("race-", i)
						_, errs[i] = r.svc.Transfer(ctx, r.tenant, key, "h-"+key, ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(5)})
					}()
				}
				wg.Wait()
				posted := 0
				for _, err := range errs {
					switch {
					case err == nil:
						posted++
					case code(err) != sg.ErrTierLimitDaily.Code:
						t.Fatalf("a racing transfer failed with %v; want posted or %s", err, sg.ErrTierLimitDaily.Code)
					}
				}
				if used := r.usedBy(t, subject); posted != 5 || used != usdt(25) || r.available(t, from) != usdt(75) {
					t.Fatalf("posted %d, used %s, available %s; want 5 posted, 25 used, 75 left", posted, used, r.available(t, from))
				}
			})
		})
	}
}

func (r *rig) usedBy(t *testing.T, subject string) sg.Amount {
	t.Helper()
	u, err := r.cust.LimitUsage(context.Background(), r.tenant, subject)
	if err != nil {
		t.Fatal(err)
	}
	return u.Used(sg.ScopeAll, sg.WindowDay, r.st.Now())
}

// On the claiming path a posted transfer's reservation is written once,
// already committed; a retry of the request writes nothing more.
func TestClaimedTransferReservationIsCommitted(t *testing.T) {
	for _, ofCustomer := range []bool{true, false} {
		t.Run(fmt.Sprint("of a customer: ", ofCustomer), func(t *testing.T) {
			r := newRig(t)
			r.svc.Store = memstore.Claiming{Store: r.st, Counters: r.cust}
			ctx := context.Background()
			customer := ""
			if ofCustomer {
				customer = r.customer
			}
			from, to := r.wallet(t, customer, usdt(100)), r.wallet(t, "", 0)
			subject := sg.LimitSubject(from)
			in := ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(3)}
			if _, err := r.svc.Transfer(ctx, r.tenant, "once", "h", in); err != nil {
				t.Fatal(err)
			}
			id := "transfer:" + sg.KeyHash(r.tenant, ledger.OpTransfer, "once")
			res, err := r.cust.LimitReservation(ctx, r.tenant, subject, id)
			if err != nil || res.State != sg.ReservationCommitted || res.Amount != usdt(3) {
				t.Fatalf("reservation %+v, %v; want 3 USDT committed", res, err)
			}
			before, _ := r.cust.LimitUsage(ctx, r.tenant, subject)
			if got, err := r.svc.Transfer(ctx, r.tenant, "once", "h", in); err != nil || !got.Replayed {
				t.Fatalf("retry: %+v, %v; want the first answer", got, err)
			}
			after, _ := r.cust.LimitUsage(ctx, r.tenant, subject)
			if after.Version != before.Version || r.usedBy(t, subject) != usdt(3) {
				t.Fatalf("usage version %d -> %d, used %s after a retry; want nothing written, 3 USDT used", before.Version, after.Version, r.usedBy(t, subject))
			}
		})
	}
}

// usageGate holds the first reads of the limit usage (alone or in a
// snapshot) until n of them have arrived (or a generous bound has passed),
// so racing transfers all read the same usage before any writes.
type usageGate struct {
	*memstore.Customers
	mu      sync.Mutex
	waiting int
	open    chan struct{}
}

func (g *usageGate) wait() {
	g.mu.Lock()
	if g.waiting > 0 {
		if g.waiting--; g.waiting == 0 {
			close(g.open)
		}
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(10 * time.Second):
	}
}

func (g *usageGate) LimitUsage(ctx context.Context, tenant, subject string) (sg.LimitUsage, error) {
	u, err := g.Customers.LimitUsage(ctx, tenant, subject)
	g.wait()
	return u, err
}

func (g *usageGate) LimitSnapshot(ctx context.Context, tenant, subject, id string) (sg.TierTable, sg.LimitUsage, *sg.LimitReservation, error) {
	tt, u, r, err := g.Customers.LimitSnapshot(ctx, tenant, subject, id)
	g.wait()
	return tt, u, r, err
}

// gatedWallets holds the one-batch read of wallets and limits at the gate.
type gatedWallets struct {
	memstore.Claiming
	gate *usageGate
}

func (g gatedWallets) WalletsUnderFreezeAndLimits(ctx context.Context, tenant, subject, id string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, sg.LimitSnapshot, error) {
	ws, fr, snap, err := g.Claiming.WalletsUnderFreezeAndLimits(ctx, tenant, subject, id, ids...)
	g.gate.wait()
	return ws, fr, snap, err
}
