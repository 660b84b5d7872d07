package compliance_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// signer stands in for both chains' payout adapters: it signs only the
// destinations the test allows, and fails the test on any other.
type signer struct {
	t      *testing.T
	mu     sync.Mutex
	allow  map[string]bool
	signed []string
}

func (s *signer) Sign(_ context.Context, tr sg.Transfer) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.allow[tr.ToAddress] {
		s.t.Errorf("payout %s to %s %s reached the signer", tr.ID, tr.Chain, tr.ToAddress)
	}
	s.signed = append(s.signed, tr.ToAddress)
	return "0xsigned-" + tr.ID, nil
}

func (s *signer) Broadcast(context.Context, sg.Transfer) error { return nil }

func (s *signer) Receipt(context.Context, sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{Confirmed: true, Fee: 1}, nil
}

// Must-show 1, payouts: a payout to each address of every OFAC file, on
// its chain (Ethereum and Tron; the USDT file's Bitcoin lines have no chain
// here), goes through the ledger's withdrawal pipeline with custody's rules
// and screening chained as its policy step. Each is rejected before any
// signing, its rejection names destination_sanctioned and the list
// version, its hold is returned, and a case was asked for with the list
// version. A clear address, as a control, reaches the signer.
func TestPayoutToEveryOFACAddressIsRefusedBeforeSigning(t *testing.T) {
	f := newScreen(t, true)
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	st.Now = func() time.Time { return clock }
	svc := &ledger.Service{Store: st, Wallets: st, Now: st.Now}
	sign := &signer{t: t, allow: map[string]bool{cleanETH: true, cleanTRX: true}}
	policy := compliance.Chain(custody.Rules{Store: st, Now: st.Now}, compliance.ScreeningPolicy{Screening: f.svc})
	var _ ledger.Policy = policy
	wd := &ledger.Withdrawals{Service: svc, Mover: st, Queue: &memstore.Queue{}, Policy: policy, Freezes: st, Quotes: st,
		Destinations: st, Waits: st, Fee: func(sg.Chain) sg.Amount { return 2 },
		Payouts: map[sg.Chain]ledger.Payout{sg.Ethereum: sign, sg.Tron: sign}}

	const tenant = "acme"
	idx, _ := st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", clock), TenantID: tenant, CustomerRef: "c", Index: idx, CreatedAt: clock,
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: "0x1111111111111111111111111111111111111111"},
			{Chain: sg.Tron, Asset: sg.USDT, Address: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"}}}
	if err := st.CreateWallet(bg, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: "w1"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		if _, err := svc.CreditWallet(bg, tenant, ledger.Credit{Wallet: w.ID, Chain: c, Asset: sg.USDT, Amount: 1_000_000, Ref: "fund-" + string(c)}); err != nil {
			t.Fatal(err)
		}
	}
	pay := func(c sg.Chain, to, key string) sg.Transfer {
		t.Helper()
		r, err := wd.Create(bg, tenant, key, "h-"+key, ledger.Withdraw{Wallet: w.ID, Chain: c, Asset: sg.USDT, ToAddress: to, Amount: 5, RequestedBy: "alice"})
		if err != nil {
			t.Fatalf("Create to %s: %v", to, err)
		}
		tr, _, err := wd.Advance(bg, tenant, r.Transfer.ID)
		if err != nil {
			t.Fatalf("Advance to %s: %v", to, err)
		}
		return tr
	}

	lines := ofacLines(t)
	refused := map[sg.Chain]int{}
	for i, l := range lines {
		if l.Chain == "" {
			continue
		}
		tr := pay(l.Chain, l.Address, l.File+"-"+l.Address+"-"+string(rune('a'+i%26)))
		note := tr.Events[len(tr.Events)-1].Note
		if tr.State != sg.StateRejected || !strings.Contains(note, "destination_sanctioned") || !strings.Contains(note, f.list.Version) {
			t.Errorf("%s %s (%s): %s, %q; want rejected as destination_sanctioned under %s", l.Chain, l.Address, l.File, tr.State, note, f.list.Version)
		}
		refused[l.Chain]++
	}
	if refused[sg.Ethereum] != 160 || refused[sg.Tron] != 17 || len(sign.signed) != 0 {
		t.Fatalf("refused %v, signed %v; want 160 Ethereum and 17 Tron payouts refused, none signed", refused, sign.signed)
	}
	cases := f.cases.all()
	want := map[string]bool{}
	for _, l := range lines {
		if l.Chain != "" {
			want[string(l.Chain)+":"+sg.ScreenKey(l.Chain, l.Address)] = true
		}
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if c.Kind != sg.CaseSanctionsHit || c.ListVersion != f.list.Version || c.Tenant != tenant || !strings.HasPrefix(c.Evidence[0], "transfer:txn_") {
			t.Fatalf("case request %+v", c)
		}
		seen[string(c.Chain)+":"+c.Address] = true
	}
	if len(cases) != 177 || len(seen) != len(want) {
		t.Fatalf("%d case requests for %d addresses; want one per payout (177) over %d addresses", len(cases), len(seen), len(want))
	}
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		b, err := st.AccountBalance(bg, sg.WalletAccount(tenant, w.ID, c, sg.USDT), w.Shards())
		if err != nil || b.Available != 1_000_000 || b.Held != 0 {
			t.Fatalf("%s balance %+v, %v; want every hold returned", c, b, err)
		}
	}
	// The control: clear addresses on both chains are signed and sent.
	for _, c := range []struct {
		chain sg.Chain
		to    string
	}{{sg.Ethereum, cleanETH}, {sg.Tron, cleanTRX}} {
		if tr := pay(c.chain, c.to, "clear-"+string(c.chain)); tr.State != sg.StatePosted {
			t.Fatalf("a clear payout on %s is %s (%+v)", c.chain, tr.State, tr.Events)
		}
	}
	if len(sign.signed) != 2 {
		t.Fatalf("signed %v; want the two clear payouts", sign.signed)
	}
}

// A payout the policy step passed (approved before its destination was
// listed, as here where the policy approves all) is not signed: the guard
// around the signer screens it again under the list in use, refuses by
// name and opens the case, and the ledger rejects the payout (no nonce was
// taken) and voids its hold; the clear one is signed.
func TestScreenedPayoutRefusesToSignANewlyListedDestination(t *testing.T) {
	f := newScreen(t, true)
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	st.Now = func() time.Time { return clock }
	svc := &ledger.Service{Store: st, Wallets: st, Now: st.Now}
	sign := &signer{t: t, allow: map[string]bool{cleanTRX: true}}
	guard := compliance.ScreenedPayout{Payout: sign, Screening: f.svc}
	wd := &ledger.Withdrawals{Service: svc, Mover: st, Queue: &memstore.Queue{}, Policy: ledger.AllowAll{}, Freezes: st, Quotes: st,
		Destinations: st, Waits: st, Fee: func(sg.Chain) sg.Amount { return 2 }, Payouts: map[sg.Chain]ledger.Payout{sg.Tron: guard}}
	const tenant = "acme"
	idx, _ := st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", clock), TenantID: tenant, CustomerRef: "c", Index: idx, CreatedAt: clock,
		Addresses: []sg.DepositAddress{{Chain: sg.Tron, Asset: sg.USDT, Address: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"}}}
	if err := st.CreateWallet(bg, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: "w1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreditWallet(bg, tenant, ledger.Credit{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: 100, Ref: "fund"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		to   string
		want sg.TransferState
	}{{sanctionedTRX, sg.StateRejected}, {cleanTRX, sg.StatePosted}} {
		r, err := wd.Create(bg, tenant, "k-"+c.to, "h-"+c.to, ledger.Withdraw{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: c.to, Amount: 5, RequestedBy: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		tr, _, err := wd.Advance(bg, tenant, r.Transfer.ID)
		if err != nil {
			t.Fatalf("Advance to %s = %v", c.to, err)
		}
		if tr, _ = st.Transfer(bg, tenant, tr.ID); tr.State != c.want || tr.TxHash != "" && c.want == sg.StateRejected || tr.NonceHeld {
			t.Fatalf("payout to %s is %s (tx %q); want %s", c.to, tr.State, tr.TxHash, c.want)
		}
		if last := tr.Events[len(tr.Events)-1]; c.want == sg.StateRejected && !strings.Contains(last.Note, sg.ErrDestinationSanctioned.Code) {
			t.Fatalf("rejection note %q does not name %s", last.Note, sg.ErrDestinationSanctioned.Code)
		}
	}
	if got := f.cases.all(); len(got) != 1 || got[0].Address != sanctionedTRX || got[0].ListVersion != f.list.Version {
		t.Fatalf("cases %+v", got)
	}
	if len(sign.signed) != 1 || sign.signed[0] != cleanTRX {
		t.Fatalf("signed %v; want only the clear payout", sign.signed)
	}
}

// A payout that already holds a nonce (an attempt stopped between taking
// the nonce and saving the signature, after the guard had screened it
// clean) is signed even if its destination was listed since: its nonce
// must get a transaction, or every later payout of the hot address waits
// behind it forever. One that holds none is still refused by name.
func TestScreenedPayoutFinishesAPayoutHoldingItsNonce(t *testing.T) {
	f := newScreen(t, true)
	sign := &signer{t: t, allow: map[string]bool{sanctionedTRX: true}}
	guard := compliance.ScreenedPayout{Payout: sign, Screening: f.svc}
	tr := sg.Transfer{ID: "txn_held", TenantID: "acme", Chain: sg.Tron, ToAddress: sanctionedTRX}
	if _, err := guard.Sign(bg, tr); !errors.Is(err, sg.ErrDestinationSanctioned) {
		t.Fatalf("a payout holding no nonce: err = %v; want %s", err, sg.ErrDestinationSanctioned.Code)
	}
	if len(sign.signed) != 0 {
		t.Fatalf("signed %v before any nonce was held", sign.signed)
	}
	tr.NonceHeld = true
	if h, err := guard.Sign(bg, tr); err != nil || h == "" {
		t.Fatalf("a payout holding its nonce: Sign = %q, %v; want it signed", h, err)
	}
}
