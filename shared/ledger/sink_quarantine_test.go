package ledger_test

import (
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var qbg = context.Background()

// told records what the sink tells its listener.
type told struct{ got []string }

func (t *told) OnDeposit(_ context.Context, d sg.WalletDeposit) error {
	t.got = append(t.got, d.Ref+"/"+string(d.State))
	return nil
}

// quarantineRig is the deposit sink over the memstore twins with the real
// screening and case service, the copied OFAC list loaded.
type quarantineRig struct {
	st      *memstore.Store
	cases   *compliance.Cases
	screen  *compliance.Screening
	list    sg.SanctionsList
	sink    ledger.DepositSink
	heard   *told
	wallet  sg.Wallet
	tenant  string
	ethAddr string
}

func newQuarantineRig(t *testing.T, load bool) *quarantineRig {
	t.Helper()
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	st := memstore.New()
	st.Now = now
	r := &quarantineRig{st: st, tenant: "acme", ethAddr: "0x2222222222222222222222222222222222222222", heard: &told{}}
	r.cases = &compliance.Cases{Store: memstore.NewCompliance(), Transfers: st, Now: now}
	r.screen = &compliance.Screening{Store: memstore.NewSanctions(), Cases: r.cases, Now: now}
	if load {
		var files []compliance.ListFile
		for _, f := range compliance.OFACFiles {
			b, err := os.ReadFile(filepath.Join("..", "..", "infra", "ofac", f.Name))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, compliance.ListFile{Name: f.Name, Chain: f.Chain, Body: strings.NewReader(string(b))})
		}
		l, _, err := r.screen.LoadList(qbg, time.Date(2024, 9, 27, 0, 0, 0, 0, time.UTC), files...)
		if err != nil {
			t.Fatal(err)
		}
		r.list = l
	}
	idx, _ := st.NextIndex(qbg)
	r.wallet = sg.Wallet{ID: sg.NewID("wal", clock), TenantID: r.tenant, CustomerRef: "c", Index: idx, CreatedAt: clock,
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: r.ethAddr}}}
	if err := st.CreateWallet(qbg, r.wallet, sg.Idempotency{TenantID: r.tenant, Operation: "wallets.create", Key: "w1"}); err != nil {
		t.Fatal(err)
	}
	svc := &ledger.Service{Store: st, Wallets: st, Now: now}
	r.sink = ledger.DepositSink{Deposits: &ledger.Deposits{Service: svc, Mover: st},
		Owners: ledger.OwnerMap{r.ethAddr: {Tenant: r.tenant, Wallet: r.wallet.ID, Index: idx}},
		Marks:  st, Scope: "test", Screen: r.screen, Listener: r.heard}
	return r
}

// sanctioned is the first Ethereum address of the copied OFAC list.
const sanctioned = "0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1"

const clean = "0x3333333333333333333333333333333333333333"

func (r *quarantineRig) dep(from, ref string) ledger.SeenDeposit {
	return ledger.SeenDeposit{Chain: sg.Ethereum, To: r.ethAddr, From: strings.ToLower(from), Amount: big.NewInt(7_000_000),
		Ref: ref, Block: 9, TxHash: "0x" + ref}
}

func (r *quarantineRig) wallet_(t *testing.T) sg.Balance {
	t.Helper()
	b, err := r.st.AccountBalance(qbg, sg.WalletAccount(r.tenant, r.wallet.ID, sg.Ethereum, sg.USDT), r.wallet.Shards())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (r *quarantineRig) quarantine(t *testing.T) sg.Balance {
	t.Helper()
	b, err := r.st.AccountBalance(qbg, ledger.QuarantineAccount(sg.Ethereum, sg.USDT), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (r *quarantineRig) transfer(t *testing.T, ref string) sg.Transfer {
	t.Helper()
	tr, err := r.st.TransferByKey(qbg, r.tenant, sg.KeyHash(r.tenant, ledger.OpDeposit, ref))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (r *quarantineRig) caseList(t *testing.T) []sg.Case {
	t.Helper()
	cs, _, err := r.cases.List(qbg, r.tenant, sg.CaseFilter{}, sg.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (r *quarantineRig) marks(t *testing.T) int {
	t.Helper()
	ms, err := r.st.SweepMarks(qbg, "test", 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// reconciles runs the platform reconciliation (no chain reader) and fails
// the test on any difference: quarantined funds are counted.
func (r *quarantineRig) reconciles(t *testing.T) {
	t.Helper()
	rep, err := recon.Platform(qbg, recon.Store{LedgerReads: r.st, TenantWalletLister: r.st, TrackedReader: r.st}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if !c.OK {
			t.Fatalf("reconciliation check %s: %+v", c.Name, c.Differences)
		}
	}
	if !rep.OK {
		t.Fatalf("reconciliation not OK: %+v", rep)
	}
}

func TestSinkQuarantinesAListedSender(t *testing.T) {
	r := newQuarantineRig(t, true)
	d := r.dep(sanctioned, "ethereum:q1")
	for i := 0; i < 2; i++ { // the second round is the watcher repeating itself
		if err := r.sink.Seen(qbg, d); err != nil {
			t.Fatalf("Seen: %v", err)
		}
		if b, q := r.wallet_(t), r.quarantine(t); b != (sg.Balance{Chain: b.Chain, Asset: b.Asset}) || q.Pending != 7_000_000 {
			t.Fatalf("after seen: wallet %+v, quarantine %+v; want nothing in the wallet, 7 USDT pending in quarantine", b, q)
		}
		r.reconciles(t)
	}
	tr := r.transfer(t, d.Ref)
	if tr.State != sg.StatePending || !ledger.Quarantined(tr) || !strings.Contains(tr.Events[0].Note, r.list.Version) {
		t.Fatalf("after seen: %s, quarantined %v, %q; want pending, held, naming list version %s", tr.State, ledger.Quarantined(tr), tr.Events[0].Note, r.list.Version)
	}
	for i := 0; i < 2; i++ {
		if err := r.sink.Confirm(qbg, d); err != nil {
			t.Fatalf("Confirm: %v", err)
		}
	}
	tr = r.transfer(t, d.Ref)
	b, q := r.wallet_(t), r.quarantine(t)
	if tr.State != sg.StateQuarantined || b.Available != 0 || b.Pending != 0 || q.Available != 7_000_000 || q.Pending != 0 {
		t.Fatalf("after confirm: %s, wallet %+v, quarantine %+v; want quarantined, wallet empty, 7 USDT available in quarantine", tr.State, b, q)
	}
	if len(r.heard.got) != 0 || r.marks(t) != 0 {
		t.Fatalf("listener heard %v, %d sweep marks; want neither for a quarantined deposit", r.heard.got, r.marks(t))
	}
	cs := r.caseList(t)
	if len(cs) != 1 || cs[0].Kind != sg.CaseSanctionsHit || !strings.Contains(tr.Events[0].Note, cs[0].ID) {
		t.Fatalf("cases %+v; want one sanctions case, named on the deposit (%q)", cs, tr.Events[0].Note)
	}
	r.reconciles(t)
}

func TestSinkCreditsAClearSender(t *testing.T) {
	r := newQuarantineRig(t, true)
	d := r.dep(clean, "ethereum:c1")
	for i := 0; i < 2; i++ {
		if err := r.sink.Seen(qbg, d); err != nil {
			t.Fatal(err)
		}
		if err := r.sink.Confirm(qbg, d); err != nil {
			t.Fatal(err)
		}
	}
	tr := r.transfer(t, d.Ref)
	if b := r.wallet_(t); tr.State != sg.StatePosted || b.Available != 7_000_000 || b.Pending != 0 {
		t.Fatalf("clear deposit: %s, wallet %+v; want posted and available", tr.State, b)
	}
	if q := r.quarantine(t); q.Available != 0 || q.Pending != 0 || len(r.caseList(t)) != 0 || r.marks(t) != 1 {
		t.Fatalf("quarantine %+v, cases %v, marks %d; want nothing held, no case, the address marked", q, r.caseList(t), r.marks(t))
	}
	if got := strings.Join(r.heard.got, ","); got != "ethereum:c1/seen,ethereum:c1/confirmed,ethereum:c1/seen,ethereum:c1/confirmed" {
		t.Fatalf("listener heard %s", got)
	}
	r.reconciles(t)
}

// A quarantined deposit whose block leaves the chain before its
// confirmations is reversed out of the quarantine; the listener, which
// never heard of it, hears nothing.
func TestSinkReversesAQuarantinedDeposit(t *testing.T) {
	r := newQuarantineRig(t, true)
	d := r.dep(sanctioned, "ethereum:r1")
	if err := r.sink.Seen(qbg, d); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := r.sink.Reverse(qbg, d); err != nil {
			t.Fatalf("Reverse: %v", err)
		}
	}
	in, err := r.st.AccountBalance(qbg, sg.SystemAccount(sg.SysInbound, sg.Ethereum, sg.USDT), 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr, q := r.transfer(t, d.Ref), r.quarantine(t); tr.State != sg.StateReversed || q.Pending != 0 || q.Available != 0 || in.Available != 0 || len(r.heard.got) != 0 {
		t.Fatalf("reversed: %s, quarantine %+v, inbound %+v, heard %v", tr.State, q, in, r.heard.got)
	}
	r.reconciles(t)
}

// A sender listed (here: blocked by the tenant) after its deposit was seen
// clear is caught at the confirmations: the pending credit goes to the
// quarantine, not to available; the listener heard "seen" only.
func TestSinkQuarantinesASenderListedBeforeConfirmation(t *testing.T) {
	r := newQuarantineRig(t, true)
	d := r.dep(clean, "ethereum:late")
	if err := r.sink.Seen(qbg, d); err != nil {
		t.Fatal(err)
	}
	if b := r.wallet_(t); b.Pending != 7_000_000 {
		t.Fatalf("seen clear: wallet %+v", b)
	}
	if _, _, err := r.screen.Block(qbg, r.tenant, sg.Ethereum, clean, "fraud report", "officer"); err != nil {
		t.Fatal(err)
	}
	if err := r.sink.Confirm(qbg, d); err != nil {
		t.Fatal(err)
	}
	tr, b, q := r.transfer(t, d.Ref), r.wallet_(t), r.quarantine(t)
	if tr.State != sg.StateQuarantined || b.Pending != 0 || b.Available != 0 || q.Available != 7_000_000 {
		t.Fatalf("%s, wallet %+v, quarantine %+v; want quarantined at confirmation", tr.State, b, q)
	}
	if note := tr.Events[len(tr.Events)-1].Note; !strings.Contains(note, sg.ListTenantBlocklist) || !strings.Contains(note, r.list.Version) {
		t.Fatalf("quarantine note %q; want the blocklist and list version", note)
	}
	if got := strings.Join(r.heard.got, ","); got != "ethereum:late/seen" || r.marks(t) != 0 {
		t.Fatalf("heard %s, %d marks", got, r.marks(t))
	}
	if cs := r.caseList(t); len(cs) != 1 || cs[0].Kind != compliance.CaseBlocklistHit {
		t.Fatalf("cases %+v", cs)
	}
	r.reconciles(t)
}

// A deposit whose watcher named no sender cannot be screened: it is
// quarantined and a case opened, so a person looks.
func TestSinkQuarantinesAnUnknownSender(t *testing.T) {
	r := newQuarantineRig(t, true)
	d := r.dep("", "ethereum:anon")
	if err := r.sink.Seen(qbg, d); err != nil {
		t.Fatal(err)
	}
	if err := r.sink.Confirm(qbg, d); err != nil {
		t.Fatal(err)
	}
	if tr := r.transfer(t, d.Ref); tr.State != sg.StateQuarantined || len(r.caseList(t)) != 1 || len(r.heard.got) != 0 {
		t.Fatalf("%s, cases %v, heard %v", tr.State, r.caseList(t), r.heard.got)
	}
}

// With no sanctions list loaded nothing is credited unscreened: the call
// fails (the watcher repeats it) and the ledger has no record.
func TestSinkWaitsForASanctionsList(t *testing.T) {
	r := newQuarantineRig(t, false)
	d := r.dep(clean, "ethereum:early")
	if err := r.sink.Seen(qbg, d); !errors.Is(err, sg.ErrSanctionsListMissing) {
		t.Fatalf("Seen = %v; want sanctions_list_unavailable", err)
	}
	if _, ok, err := r.sink.Deposits.Recorded(qbg, ledger.ChainDeposit{Tenant: r.tenant, Ref: d.Ref}); ok || err != nil {
		t.Fatalf("recorded %v, %v; want nothing", ok, err)
	}
	if len(r.heard.got) != 0 {
		t.Fatalf("heard %v", r.heard.got)
	}
}

// An officer's release makes a quarantined deposit available, once; a
// deposit that is not quarantined cannot be released.
func TestReleaseMakesAQuarantinedDepositAvailable(t *testing.T) {
	r := newQuarantineRig(t, true)
	held, cleared := r.dep(sanctioned, "ethereum:rel"), r.dep(clean, "ethereum:ok")
	for _, d := range []ledger.SeenDeposit{held, cleared} {
		if err := r.sink.Seen(qbg, d); err != nil {
			t.Fatal(err)
		}
	}
	tr := r.transfer(t, held.Ref)
	if _, err := r.sink.Deposits.Release(qbg, r.tenant, tr.ID, "officer", "cleared"); !errors.Is(err, ledger.ErrNotQuarantined) {
		t.Fatalf("release before confirmation = %v; want deposit_not_quarantined", err)
	}
	for _, d := range []ledger.SeenDeposit{held, cleared} {
		if err := r.sink.Confirm(qbg, d); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		got, err := r.sink.Deposits.Release(qbg, r.tenant, tr.ID, "officer", "false positive: the list entry was removed")
		if err != nil || got.State != sg.StatePosted {
			t.Fatalf("Release = %s, %v", got.State, err)
		}
	}
	if b, q := r.wallet_(t), r.quarantine(t); b.Available != 14_000_000 || q.Available != 0 {
		t.Fatalf("after release: wallet %+v, quarantine %+v", b, q)
	}
	if _, err := r.sink.Deposits.Release(qbg, r.tenant, r.transfer(t, cleared.Ref).ID, "officer", "x"); !errors.Is(err, ledger.ErrNotQuarantined) {
		t.Fatalf("release of a clear deposit = %v", err)
	}
	r.reconciles(t)
}

// The release an officer asks for through its case: refused while the
// case is open or was reported, and for a case about another deposit;
// once the case is closed with no action the deposit is made available
// and its address marked for the sweeper (the quarantined deposit never
// was), once however often it is asked.
func TestReleaserReleasesOnACaseClosedWithNoActionAndMarksTheSweep(t *testing.T) {
	r := newQuarantineRig(t, true)
	held, other := r.dep(sanctioned, "ethereum:held"), r.dep(sanctioned, "ethereum:other")
	for _, d := range []ledger.SeenDeposit{held, other} {
		if err := r.sink.Seen(qbg, d); err != nil {
			t.Fatal(err)
		}
		if err := r.sink.Confirm(qbg, d); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.marks(t); n != 0 {
		t.Fatalf("%d sweep marks for quarantined deposits; want none", n)
	}
	tr := r.transfer(t, held.Ref)
	cs := r.caseList(t)
	// Both deposits came from the same sender, a subject each: two cases.
	caseOf := func(ref string) sg.Case {
		for _, c := range cs {
			for _, e := range c.Evidence.Transfers {
				if e == "deposit:"+ref {
					return c
				}
			}
		}
		t.Fatalf("no case names deposit %s: %+v", ref, cs)
		return sg.Case{}
	}
	mine, theirs := caseOf(held.Ref), caseOf(other.Ref)
	if err := compliance.CheckRelease(mine, tr); !errors.Is(err, compliance.ErrCaseNotCleared) {
		t.Fatalf("release on an open case = %v; want case_not_cleared", err)
	}
	decided, _, err := r.cases.Decide(qbg, r.tenant, theirs.ID, "officer-1", sg.CaseClosedNoAction, "cleared")
	if err != nil {
		t.Fatal(err)
	}
	if err := compliance.CheckRelease(decided, tr); !errors.Is(err, compliance.ErrCaseNotForDeposit) {
		t.Fatalf("release on another deposit's case = %v; want case_not_for_deposit", err)
	}
	reported, _, err := r.cases.Decide(qbg, r.tenant, mine.ID, "officer-1", sg.CaseClosedReported, "reported to OFAC")
	if err != nil {
		t.Fatal(err)
	}
	if err := compliance.CheckRelease(reported, tr); !errors.Is(err, compliance.ErrCaseNotCleared) {
		t.Fatalf("release on a reported case = %v; want case_not_cleared", err)
	}
	// The other deposit's case cleared it: it is released and marked.
	otr := r.transfer(t, other.Ref)
	if err := compliance.CheckRelease(decided, otr); err != nil {
		t.Fatal(err)
	}
	rel := ledger.Releaser{Deposits: r.sink.Deposits, Marks: r.st, Scopes: map[sg.Chain]string{sg.Ethereum: "test"}}
	for range 2 {
		got, err := rel.Release(qbg, r.tenant, otr.ID, "officer-1", "case "+decided.ID)
		if err != nil || got.State != sg.StatePosted {
			t.Fatalf("Release = %s, %v", got.State, err)
		}
	}
	ms, err := r.st.SweepMarks(qbg, "test", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || !strings.EqualFold(ms[0].Address, r.ethAddr) {
		t.Fatalf("sweep marks %+v; want the released deposit's address", ms)
	}
	if b, q := r.wallet_(t), r.quarantine(t); b.Available != 7_000_000 || q.Available != 7_000_000 {
		t.Fatalf("after one release: wallet %+v, quarantine %+v", b, q)
	}
	r.reconciles(t)
}
