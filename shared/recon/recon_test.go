package recon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Reconciliation's package tests run over the in-memory twin
// (shared/memstore), held to the DynamoDB adapter by shared/storetest:
// books made by the ledger service reconcile, and a difference planted
// behind its back is reported.

var bg = context.Background()

const tenant = "acme"

type books struct {
	st  *memstore.Store
	l   *ledger.Service
	wd  *ledger.Withdrawals
	dep *ledger.Deposits
	now time.Time
}

// payout signs, broadcasts and confirms at once, with a fee of 1.
type payout struct{}

func (payout) Sign(_ context.Context, t sg.Transfer) (string, error) { return "0x" + t.ID, nil }
func (payout) Broadcast(context.Context, sg.Transfer) error          { return nil }
func (payout) Receipt(context.Context, sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{Confirmed: true, Fee: 1}, nil
}

// pending never confirms: the payout stays broadcast.
type pending struct{ payout }

func (pending) Receipt(context.Context, sg.Transfer) (sg.Receipt, error) { return sg.Receipt{}, nil }

func newBooks() *books {
	now := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := memstore.New()
	st.Now = clock
	l := &ledger.Service{Store: st, Wallets: st, Now: clock}
	wd := &ledger.Withdrawals{Service: l, Mover: st, Queue: &memstore.Queue{}, Policy: ledger.AllowAll{}, Destinations: st,
		Fee: func(sg.Chain) sg.Amount { return 3 }, Payouts: map[sg.Chain]ledger.Payout{sg.Ethereum: payout{}}}
	return &books{st: st, l: l, wd: wd, dep: &ledger.Deposits{Service: l, Mover: st}, now: now}
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func (b *books) wallet(t *testing.T, ten string) sg.Wallet {
	t.Helper()
	idx, _ := b.st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", b.now), TenantID: ten, Index: idx, CreatedAt: b.now,
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: "0x" + randHex(20)}}}
	if err := b.st.CreateWallet(bg, w, sg.Idempotency{TenantID: ten, Operation: "wallets.create", Key: randHex(6)}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (b *books) deposit(t *testing.T, w sg.Wallet, amount sg.Amount, confirm bool) {
	t.Helper()
	d := ledger.ChainDeposit{Tenant: w.TenantID, Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, Ref: randHex(8), Block: 1}
	if _, err := b.dep.Seen(bg, d); err != nil {
		t.Fatal(err)
	}
	var err error
	if confirm {
		_, err = b.dep.Confirm(bg, d)
	} else {
		_, err = b.dep.Reverse(bg, d)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (b *books) withdraw(t *testing.T, w sg.Wallet, amount sg.Amount) sg.Transfer {
	t.Helper()
	r, err := b.wd.Create(bg, w.TenantID, randHex(6), "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT,
		ToAddress: "0x" + randHex(20), Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return r.Transfer
}

// busy is books with every kind of movement: deposits confirmed and
// reversed, an internal transfer, payouts posted (with part of their fee
// returned), cancelled, still held, and one broadcast and tracked.
func busy(t *testing.T) (*books, sg.Wallet, sg.Transfer) {
	t.Helper()
	b := newBooks()
	w, v := b.wallet(t, tenant), b.wallet(t, tenant)
	b.deposit(t, w, 1000, true)
	b.deposit(t, w, 50, false)
	if _, err := b.l.Transfer(bg, tenant, "int", "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	posted := b.withdraw(t, w, 200)
	if got, _, err := b.wd.Advance(bg, tenant, posted.ID); err != nil || got.State != sg.StatePosted {
		t.Fatalf("Advance = %s, %v", got.State, err)
	}
	if _, err := b.wd.Cancel(bg, tenant, b.withdraw(t, w, 10).ID); err != nil {
		t.Fatal(err)
	}
	b.withdraw(t, w, 20) // pending: its hold stands
	b.wd.Payouts[sg.Ethereum] = pending{}
	flying := b.withdraw(t, w, 30)
	if got, wait, err := b.wd.Advance(bg, tenant, flying.ID); err != nil || !wait || got.State != sg.StateBroadcast {
		t.Fatalf("Advance = %s, %v, %v", got.State, wait, err)
	}
	if err := b.st.Track(bg, sg.Ethereum, tenant, flying.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.l.RecordFloat(bg, sg.Ethereum, 500, "0xfloat"); err != nil {
		t.Fatal(err)
	}
	return b, w, flying
}

func failing(r Report) []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestTenantBooksMadeByTheLedgerReconcile(t *testing.T) {
	b, _, _ := busy(t)
	r, err := Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || len(r.Checks) != 4 {
		t.Fatalf("report %+v; failing %v", r, failing(r))
	}
	for _, c := range r.Checks {
		if c.Checked == 0 {
			t.Fatalf("%s checked nothing", c.Name)
		}
	}
}

// A hold released behind the ledger's back (a move recorded without its
// entry) leaves the held bucket and the journal apart: reported, not fixed.
func TestTenantReportsAHoldTheRecordsDoNotExplain(t *testing.T) {
	b := newBooks()
	w := b.wallet(t, tenant)
	b.deposit(t, w, 100, true)
	tr := b.withdraw(t, w, 40)
	if err := b.st.Transition(bg, tenant, tr.ID, sg.Move{From: sg.StatePending, To: sg.StateCancelled,
		Event: sg.Event{State: sg.StateCancelled, At: b.now}}); err != nil {
		t.Fatal(err)
	}
	r, err := Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(failing(r), ",")
	if r.OK || got != "balances_match_journal,holds_match_open_withdrawals" {
		t.Fatalf("failing checks %q; want balances_match_journal and holds_match_open_withdrawals", got)
	}
	for _, c := range r.Checks {
		if c.Name == "holds_match_open_withdrawals" && (len(c.Differences) != 1 || c.Differences[0].Expected != "0.000000" || c.Differences[0].Actual != "0.000043") {
			t.Fatalf("difference %+v; want held 43 where none is expected", c.Differences)
		}
	}
	if bal, _ := b.st.AccountBalance(bg, sg.WalletAccount(tenant, w.ID, sg.Ethereum, sg.USDT), 1); bal.Held != 43 {
		t.Fatalf("reconciliation changed the books: held %d", bal.Held)
	}
}

type holdings sg.Amount

func (h holdings) Holdings(context.Context) (sg.Amount, error) { return sg.Amount(h), nil }

func TestPlatformComparesTheChainWithTheBooks(t *testing.T) {
	b, _, _ := busy(t)
	other := b.wallet(t, "globex")
	b.deposit(t, other, 70, true)
	// Books on chain: deposits 1070 credited (the reversed 50 given back),
	// less 200 posted out, plus the float 500; the 30 in flight may or may
	// not have been mined.
	const books = 1000 + 70 - 200 + 500
	cases := []struct {
		name   string
		chain  map[sg.Chain]OnChain
		ok     bool
		detail string
	}{
		{"holdings equal the books", map[sg.Chain]OnChain{sg.Ethereum: holdings(books)}, true, "ethereum: on chain 0.001370, books 0.001370"},
		{"the payout in flight mined", map[sg.Chain]OnChain{sg.Ethereum: holdings(books - 30)}, true, "payouts in flight 0.000030"},
		{"more than the books", map[sg.Chain]OnChain{sg.Ethereum: holdings(books + 1)}, false, ""},
		{"short of the books and the payout in flight", map[sg.Chain]OnChain{sg.Ethereum: holdings(books - 31)}, false, ""},
		{"no reader", nil, true, "ethereum: no chain reader configured, not compared"},
	}
	// A cold payout followed by the tracker leaves the cold wallet, which
	// is not compared: it is no payout in flight and no transfer to read.
	if err := b.st.TrackCold(bg, sg.Ethereum, sg.PlatformTenant, "cold_01JD8Y3Q6A0M7F4R2W9X5K1B3C"); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Platform(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, b.now, c.chain)
			if err != nil {
				t.Fatal(err)
			}
			var onchain Check
			for _, ch := range r.Checks {
				if ch.Name == "onchain_holdings" {
					onchain = ch
				}
			}
			if onchain.OK != c.ok || r.OK != c.ok || !strings.Contains(onchain.Detail, c.detail) {
				t.Fatalf("onchain %+v, report ok %v; want ok %v, detail with %q (failing %v)", onchain, r.OK, c.ok, c.detail, failing(r))
			}
			names := map[string]bool{}
			for _, ch := range r.Checks {
				names[ch.Name] = true
			}
			for _, want := range []string{"platform_sums_to_zero", "acme:balances_match_journal", "globex:holds_match_open_withdrawals"} {
				if !names[want] {
					t.Fatalf("no check %s in %v", want, names)
				}
			}
		})
	}
}

// Quarantined deposits are in no wallet's balance but are on chain: the
// books on chain count them (through the inbound account), the tenant's
// journal explains the wallet without them (held when seen, quarantined
// at confirmation, reversed, released), and the quarantine account holds
// them. A quarantine emptied behind the ledger's back is reported.
func TestQuarantinedDepositsAreCounted(t *testing.T) {
	b := newBooks()
	w := b.wallet(t, tenant)
	b.deposit(t, w, 100, true)
	q := &ledger.Quarantine{Lists: []string{"ofac:v1"}, ListVersion: "v1", CaseID: "cas_1"}
	seen := func(amount sg.Amount, quarantine *ledger.Quarantine) ledger.ChainDeposit {
		d := ledger.ChainDeposit{Tenant: tenant, Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, Ref: randHex(8), Block: 1, Quarantine: quarantine}
		if _, err := b.dep.Seen(bg, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	atSeen := seen(20, q)     // held when seen, then quarantined
	reversed := seen(5, q)    // held when seen, block left the chain
	atConfirm := seen(7, nil) // seen clear, quarantined at confirmation
	released := seen(3, q)    // quarantined, then released by an officer
	seen(11, q)               // held when seen, not yet confirmed
	for _, d := range []ledger.ChainDeposit{atSeen, released} {
		if _, err := b.dep.Confirm(bg, d); err != nil {
			t.Fatal(err)
		}
	}
	atConfirm.Quarantine = q
	if _, err := b.dep.Confirm(bg, atConfirm); err != nil {
		t.Fatal(err)
	}
	if _, err := b.dep.Reverse(bg, reversed); err != nil {
		t.Fatal(err)
	}
	rel, _, err := b.dep.Recorded(bg, released)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.dep.Release(bg, tenant, rel.ID, "officer", "cleared"); err != nil {
		t.Fatal(err)
	}
	// On chain: every deposit credited but the reversed one.
	const onChain = 100 + 20 + 7 + 3 + 11
	r, err := Platform(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, b.now, map[sg.Chain]OnChain{sg.Ethereum: holdings(onChain)})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Fatalf("failing %v", failing(r))
	}
	var qc Check
	for _, c := range r.Checks {
		if c.Name == "quarantine_covers_deposits" {
			qc = c
		}
	}
	if !qc.OK || !strings.Contains(qc.Detail, "ethereum: 0.000038 held in quarantine, 0.000027 of it confirmed") {
		t.Fatalf("quarantine check %+v", qc)
	}
	if bal, _ := b.st.AccountBalance(bg, sg.WalletAccount(tenant, w.ID, sg.Ethereum, sg.USDT), 1); bal.Available != 103 || bal.Pending != 0 {
		t.Fatalf("wallet %+v; want the clear and the released deposits only", bal)
	}
	// Take 27 out of the quarantine into the float behind the ledger's back.
	if err := b.st.ApplyTransfer(bg, sg.Transfer{ID: sg.NewID("txn", b.now), TenantID: sg.PlatformTenant, Type: sg.TransferFloat, State: sg.StatePosted,
		Chain: sg.Ethereum, Asset: sg.USDT, Amount: 27, CreatedAt: b.now, UpdatedAt: b.now, Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysQuarantine, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -27},
			{Account: sg.SystemAccount(sg.SysFees, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: 27}}}}); err != nil {
		t.Fatal(err)
	}
	r, err = Platform(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, b.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(failing(r), ","); got != "quarantine_covers_deposits" {
		t.Fatalf("failing %q; want the quarantine check", got)
	}
}

// skewed reads the balance totals as a scan racing transfers can: the
// reads listed in skew see system accounts off by that amount (one side of
// an entry committed, the other not yet read), then the books as they are.
type skewed struct {
	*memstore.Store
	skew  []sg.Amount
	reads int
}

func (s *skewed) BalanceTotals(ctx context.Context) (map[[2]string]sg.Balance, map[[2]string]sg.Balance, []string, error) {
	system, wallets, tenants, err := s.Store.BalanceTotals(ctx)
	if s.reads < len(s.skew) {
		k := [2]string{string(sg.Ethereum), string(sg.USDT)}
		b := system[k]
		b.Available += s.skew[s.reads]
		system[k] = b
	}
	s.reads++
	return system, wallets, tenants, err
}

// The platform's double-entry sum is read again when a scan raced a
// transfer: an imbalance the next read does not repeat is no difference,
// one read twice alike is reported, and one that changes on every read is
// reported as the last read found it (activity never hides a fault).
func TestPlatformSumRereadsAScanThatRacedATransfer(t *testing.T) {
	SkewWait = time.Millisecond
	t.Cleanup(func() { SkewWait = 2 * time.Second })
	b, _, _ := busy(t)
	zero := func(r Report) Check {
		for _, c := range r.Checks {
			if c.Name == "platform_sums_to_zero" {
				return c
			}
		}
		t.Fatal("no platform_sums_to_zero check")
		return Check{}
	}
	for _, c := range []struct {
		name  string
		skew  []sg.Amount
		ok    bool
		reads int
		total string
	}{
		{"clean books, one read", nil, true, 1, ""},
		{"a race seen once", []sg.Amount{14_000_000}, true, 2, ""},
		{"the same imbalance twice", []sg.Amount{5, 5}, false, 2, "0.000005"},
		{"a different imbalance on every read", []sg.Amount{1, 2, 3}, false, 3, "0.000003"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &skewed{Store: b.st, skew: c.skew}
			r, err := Platform(bg, Store{LedgerReads: st, TenantWalletLister: st, TrackedReader: st}, b.now, nil)
			if err != nil {
				t.Fatal(err)
			}
			z := zero(r)
			if z.OK != c.ok || st.reads != c.reads {
				t.Fatalf("sum ok %v after %d reads (%+v); want ok %v after %d", z.OK, st.reads, z.Differences, c.ok, c.reads)
			}
			if !c.ok && (len(z.Differences) != 1 || z.Differences[0].Actual != c.total) {
				t.Fatalf("differences %+v; want one of %s", z.Differences, c.total)
			}
		})
	}
}

// onePerPage hands a tenant's transfers one per page, in one buffer it
// overwrites: a reader that kept a page beyond its call would read the
// next transfer in its place.
type onePerPage struct {
	*memstore.Store
	pages int
}

func (p *onePerPage) TenantTransferPages(ctx context.Context, tenant string, page func([]sg.Transfer) error) error {
	ts, err := p.TenantTransfers(ctx, tenant)
	if err != nil {
		return err
	}
	buf := make([]sg.Transfer, 1)
	for _, t := range ts {
		buf[0] = t
		p.pages++
		if err := page(buf); err != nil {
			return err
		}
		buf[0] = sg.Transfer{ID: "overwritten"}
	}
	return nil
}

// Folded page by page, a tenant's books give the report they give read
// whole: the same checks, counts and differences, with a hold released
// behind the ledger's back found either way.
func TestTenantBooksReadPageByPage(t *testing.T) {
	b, w, _ := busy(t)
	pager := &onePerPage{Store: b.st}
	whole, err := Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	paged, err := Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Pages: pager}, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(whole, paged) || !paged.OK || pager.pages != whole.Checks[0].Checked {
		t.Fatalf("paged report %+v (%d pages); read whole %+v", paged, pager.pages, whole)
	}
	// A hold released with no entry: both readings report it.
	tr := b.withdraw(t, w, 40)
	if err := b.st.Transition(bg, tenant, tr.ID, sg.Move{From: sg.StatePending, To: sg.StateCancelled,
		Event: sg.Event{State: sg.StateCancelled, At: b.now}}); err != nil {
		t.Fatal(err)
	}
	whole, _ = Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}, tenant, b.now)
	paged, _ = Tenant(bg, Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Pages: pager}, tenant, b.now)
	if whole.OK || !reflect.DeepEqual(whole, paged) {
		t.Fatalf("after a hold released behind the ledger: paged %v, whole %v", failing(paged), failing(whole))
	}
}
