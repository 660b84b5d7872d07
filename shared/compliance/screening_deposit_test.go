package compliance_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Must-show 1, deposits: a deposit from each address of every OFAC file,
// on its chain, reported by the ledger's deposit sink (seen, then
// confirmed), is screened: each is quarantined with the list version and
// opens one case naming it, and none reaches the acquiring listener, so
// no invoice is settled by it; a clear sender's deposit does. (Keeping the
// amount out of the wallet's available balance is the sink's part: it
// must ask a sg.DepositScreen before it credits; see ScreeningListener.)
func TestDepositFromEveryOFACAddressIsQuarantined(t *testing.T) {
	f := newScreen(t, true)
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	st.Now = func() time.Time { return clock }
	svc := &ledger.Service{Store: st, Wallets: st, Now: st.Now}
	const tenant = "acme"
	ethAddr, trxAddr := "0x2222222222222222222222222222222222222222", "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
	idx, _ := st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", clock), TenantID: tenant, CustomerRef: "c", Index: idx, CreatedAt: clock,
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddr}, {Chain: sg.Tron, Asset: sg.USDT, Address: trxAddr}}}
	if err := st.CreateWallet(bg, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: "w1"}); err != nil {
		t.Fatal(err)
	}
	next := &recorder{}
	quarantined := map[string]sg.ScreeningDecision{}
	sink := ledger.DepositSink{Deposits: &ledger.Deposits{Service: svc, Mover: st},
		Owners: ledger.OwnerMap{ethAddr: {Tenant: tenant, Wallet: w.ID}, strings.ToLower(trxAddr): {Tenant: tenant, Wallet: w.ID}},
		Listener: compliance.ScreeningListener{Screening: f.svc, Next: next,
			Quarantined: func(_ context.Context, d sg.WalletDeposit, dec sg.ScreeningDecision) error {
				quarantined[d.Ref+"/"+string(d.State)] = dec
				return nil
			}}}
	deposit := func(c sg.Chain, from, ref string) {
		t.Helper()
		to := ethAddr
		if c == sg.Tron {
			to = trxAddr
		}
		d := ledger.SeenDeposit{Chain: c, To: to, From: from, Amount: big.NewInt(1_000_000), Ref: ref, Block: 7, TxHash: "0x" + ref}
		if err := sink.Seen(bg, d); err != nil {
			t.Fatalf("Seen %s: %v", ref, err)
		}
		if err := sink.Confirm(bg, d); err != nil {
			t.Fatalf("Confirm %s: %v", ref, err)
		}
	}
	n := 0
	for _, l := range ofacLines(t) {
		if l.Chain == "" {
			continue
		}
		n++
		ref := fmt.Sprintf("%s:dep-%d", l.Chain, n)
		deposit(l.Chain, l.Address, ref)
		for _, st := range []sg.DepositState{sg.DepositSeen, sg.DepositConfirmed} {
			dec, ok := quarantined[ref+"/"+string(st)]
			if !ok || !dec.Quarantine || !dec.Sanctioned() || dec.ListVersion != f.list.Version || dec.Subject != ref || dec.CaseID == "" {
				t.Errorf("%s deposit from %s (%s), %s: %+v, %v; want quarantined under %s", l.Chain, l.Address, l.File, st, dec, ok, f.list.Version)
			}
		}
	}
	if len(next.refs) != 0 {
		t.Fatalf("the acquiring listener heard of %v; want none of the sanctioned deposits", next.refs)
	}
	cases := f.cases.all()
	if n != 177 || len(cases) != n {
		t.Fatalf("%d deposits, %d cases; want 177 and one case each", n, len(cases))
	}
	for _, c := range cases {
		if c.Kind != sg.CaseSanctionsHit || c.ListVersion != f.list.Version || !strings.HasPrefix(c.Evidence[0], "deposit:") || c.Evidence[1] != "wallet:"+w.ID {
			t.Fatalf("case request %+v", c)
		}
	}
	deposit(sg.Ethereum, cleanETH, "ethereum:clear")
	if strings.Join(next.refs, ",") != "ethereum:clear,ethereum:clear" {
		t.Fatalf("a clear deposit reached the listener as %v; want seen and confirmed", next.refs)
	}
}
