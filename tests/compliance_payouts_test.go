package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Issue 15's controls on the paths that move money out, through the API of
// the local stack (which loads the OFAC copy in infra/ofac at start, as a
// fresh deployment's sanctions-refresh job does).

// ofacPayees reads the repository's copy of the OFAC files (the one the
// deployment bundles) on its own, not through the code under test: every
// Ethereum address (the ETH list and the 0x lines of the USDT list) and
// every Tron address (the TRX list and the T lines of the USDT list). The
// Bitcoin lines of the USDT list are on no chain a payout goes to.
func ofacPayees(t *testing.T) map[sg.Chain][]string {
	t.Helper()
	out := map[sg.Chain][]string{}
	seen := map[string]bool{}
	for _, name := range []string{"sanctioned_addresses_ETH.txt", "sanctioned_addresses_TRX.txt", "sanctioned_addresses_USDT.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "infra", "ofac", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			var c sg.Chain
			switch {
			case strings.HasPrefix(l, "0x") && len(l) == 42:
				c = sg.Ethereum
			case strings.HasPrefix(l, "T") && len(l) == 34:
				c = sg.Tron
			default:
				continue
			}
			if k := string(c) + ":" + strings.ToLower(l); !seen[k] {
				seen[k] = true
				out[c] = append(out[c], l)
			}
		}
	}
	if len(out[sg.Ethereum]) < 150 || len(out[sg.Tron]) < 15 {
		t.Fatalf("read %d Ethereum and %d Tron addresses from infra/ofac; the files hold more", len(out[sg.Ethereum]), len(out[sg.Tron]))
	}
	return out
}

// transferAt reads a transfer through the API.
func (e *env) transferAt(t *testing.T, tok, id string) withdrawalJSON {
	r := e.do(t, "GET", "/v1/transfers/"+id, tok, nil, nil)
	var w withdrawalJSON
	r.json(t, &w)
	return w
}

// Must-show 1: a payout to each address of the OFAC list, on both chains,
// is refused before anything is signed: it ends rejected with no
// transaction and no nonce, its hold voided, its event naming the code and
// the list version, and a sanctions case is open for it.
func TestOFACPayoutsRefusedBeforeSigning(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, st := ledgerOn(t, rawDB(t))
	payees := ofacPayees(t)
	cur, ok, err := st.Sanctions.CurrentSanctions(context.Background())
	if err != nil || !ok || cur.Version == "" {
		t.Fatalf("the local stack has no sanctions list loaded: %+v %v %v", cur, ok, err)
	}
	const amount = "0.01"
	wallets := map[sg.Chain]walletJSON{}
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		w := e.newWallet(t, tok, false)
		f, err := sg.ParseAmount(fee(t, string(c)), 6)
		if err != nil {
			t.Fatal(err)
		}
		fund(t, l, ten, w.ID, c, (sg.Amount(len(payees[c])+1) * (f + 10_000)).String())
		wallets[c] = w
	}
	before := e.balancesJSON(t, tok, wallets[sg.Ethereum].ID, wallets[sg.Tron].ID)

	type payout struct {
		chain sg.Chain
		to    string
		id    string
	}
	var all []*payout
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		for _, a := range payees[c] {
			all = append(all, &payout{chain: c, to: a})
		}
	}
	jobs := make(chan *payout)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(wallets[p.chain].ID, string(p.chain), p.to, amount))
				if r.status != 201 {
					t.Errorf("payout to %s on %s: %d %s", p.to, p.chain, r.status, r.body)
					continue
				}
				var w withdrawalJSON
				r.json(t, &w)
				p.id = w.ID
			}
		}()
	}
	for _, p := range all {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Each ends rejected; the worker screens them one by one.
	waiting := map[string]*payout{}
	for _, p := range all {
		waiting[p.id] = p
	}
	ended := map[string]withdrawalJSON{}
	deadline := time.Now().Add(4 * time.Minute)
	for len(waiting) > 0 {
		for id := range waiting {
			if w := e.transferAt(t, tok, id); w.State != "pending" {
				ended[id] = w
				delete(waiting, id)
			}
		}
		if len(waiting) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d payouts to listed addresses still pending", len(waiting), len(all))
		}
		time.Sleep(500 * time.Millisecond)
	}
	ctx := context.Background()
	for _, p := range all {
		w := ended[p.id]
		last := w.Events[len(w.Events)-1].Note
		if w.State != "rejected" || w.TxHash != "" {
			t.Errorf("payout to %s on %s is %s (tx %q); want rejected before signing", p.to, p.chain, w.State, w.TxHash)
			continue
		}
		for _, ev := range w.Events {
			if ev.State == "signed" || ev.State == "broadcast" {
				t.Errorf("payout to %s went through %s", p.to, ev.State)
			}
		}
		if !strings.Contains(last, sg.ErrDestinationSanctioned.Code) || !strings.Contains(last, cur.Version) {
			t.Errorf("payout to %s: rejection %q does not name %s and list %s", p.to, last, sg.ErrDestinationSanctioned.Code, cur.Version)
			continue
		}
		rec, err := st.Ledger.Transfer(ctx, ten, p.id)
		if err != nil || rec.NonceHeld || rec.TxHash != "" {
			t.Errorf("payout to %s: nonce held %v, tx %q, %v", p.to, rec.NonceHeld, rec.TxHash, err)
		}
		_, caseID, found := strings.Cut(last, " case ")
		if !found {
			t.Errorf("payout to %s: rejection %q names no case", p.to, last)
			continue
		}
		cs, err := st.Compliance.Case(ctx, ten, strings.Fields(caseID)[0])
		if err != nil {
			t.Errorf("payout to %s: case %s: %v", p.to, caseID, err)
			continue
		}
		acct, _ := address.Parse(p.chain, p.to)
		key := sg.ScreenKey(p.chain, acct.Format(p.chain))
		if cs.Kind != sg.CaseSanctionsHit || cs.Status != sg.CaseOpen || !(hasFold(cs.Evidence.Addresses, key) || hasFold(cs.Evidence.Addresses, string(p.chain)+":"+key)) ||
			!hasFold(cs.Evidence.Transfers, p.id) || !hasSub(cs.Evidence.Records, cur.Version) {
			t.Errorf("payout to %s: case %+v; want an open sanctions case with the address, the payout and the list version", p.to, cs)
		}
	}
	// Every hold was voided: the balances are as funded.
	if after := e.balancesJSON(t, tok, wallets[sg.Ethereum].ID, wallets[sg.Tron].ID); after != before {
		t.Fatalf("balances moved: %s, were %s", after, before)
	}
	t.Logf("%d Ethereum and %d Tron payouts refused against list %s", len(payees[sg.Ethereum]), len(payees[sg.Tron]), cur.Version)
}

func hasFold(xs []string, x string) bool {
	for _, v := range xs {
		if strings.EqualFold(v, x) {
			return true
		}
	}
	return false
}

func hasSub(xs []string, sub string) bool {
	for _, v := range xs {
		if strings.Contains(v, sub) {
			return true
		}
	}
	return false
}

// limitRig is a tenant whose tier table has one tier per window (limits
// across chains), each customer verified into one of them, made through
// the store as the customer and tier routes would.
type limitRig struct {
	e   *env
	tok string
	ten string
	st  *dynamo.Store
}

func (r *limitRig) customer(t *testing.T, tier string) string {
	t.Helper()
	now := time.Now().UTC()
	id := sg.NewID(sg.CustomerIDPrefix, now)
	// Its PII is not read here: an opaque stand-in for the sealed blob.
	if err := r.st.Customers.CreateCustomer(context.Background(), sg.Customer{ID: id, TenantID: r.ten, CreatedAt: now, UpdatedAt: now,
		SealedPII: []byte("sealed elsewhere"),
		KYC:       sg.KYC{Status: sg.KYCVerified, Tier: tier, VerifiedAt: now, ExpiresAt: now.Add(24 * time.Hour), UpdatedAt: now}}); err != nil {
		t.Fatal(err)
	}
	return id
}

// wallet makes a wallet of the customer through the API.
func (r *limitRig) wallet(t *testing.T, customer string) string {
	t.Helper()
	res := r.e.do(t, "POST", "/v1/wallets", r.tok, idem(), []byte(`{"customer_ref":"`+customer+`"}`))
	if res.status != 201 {
		t.Fatalf("create wallet: %d %s", res.status, res.body)
	}
	var w walletJSON
	res.json(t, &w)
	return w.ID
}

// payout asks for a payout and waits for the policy step's verdict: the
// payout's state once it has left pending, and its last note.
func (r *limitRig) payout(t *testing.T, wallet string, c sg.Chain, amount string) (string, string) {
	t.Helper()
	to := ethDest
	if c == sg.Tron {
		to = tronPayee()
	}
	res := r.e.do(t, "POST", "/v1/withdrawals", r.tok, idem(), withdrawalBody(wallet, string(c), to, amount))
	if res.status != 201 {
		t.Fatalf("payout of %s on %s: %d %s", amount, c, res.status, res.body)
	}
	var w withdrawalJSON
	res.json(t, &w)
	deadline := time.Now().Add(90 * time.Second)
	for {
		got := r.e.transferAt(t, r.tok, w.ID)
		if got.State != "pending" {
			return got.State, got.Events[len(got.Events)-1].Note
		}
		if time.Now().After(deadline) {
			t.Fatalf("payout %s of %s on %s still pending", w.ID, amount, c)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *limitRig) passes(t *testing.T, wallet string, c sg.Chain, amount string) {
	t.Helper()
	if state, note := r.payout(t, wallet, c, amount); state == "rejected" {
		t.Fatalf("payout of %s on %s at the limit: rejected (%s); want it to pass", amount, c, note)
	}
}

func (r *limitRig) refused(t *testing.T, wallet string, c sg.Chain, amount, code string) {
	t.Helper()
	if state, note := r.payout(t, wallet, c, amount); state != "rejected" || !strings.Contains(note, code) {
		t.Fatalf("payout of %s on %s over the limit: %s (%s); want rejected, %s", amount, c, state, note, code)
	}
}

// transfer moves amount internally from wallet to another and returns the
// answer's status and code.
func (r *limitRig) transfer(t *testing.T, from, to string, c sg.Chain, amount string) (int, string) {
	t.Helper()
	res := r.e.do(t, "POST", "/v1/transfers", r.tok, idem(), transferBody(from, to, string(c), amount))
	return res.status, res.errCode()
}

// Must-show 2: tier limits at the edge, per single payment, rolling day and
// rolling month, across both chains and across a customer's wallets:
// exactly the limit passes, one base unit more is refused with the
// window's code; internal transfers and batch rows count and are held too.
func TestTierLimitsAtTheEdge(t *testing.T) {
	e := stack(t)
	ten := tenant()
	l, st := ledgerOn(t, rawDB(t))
	r := &limitRig{e: e, tok: e.token(t, ten), ten: ten, st: st}
	five := sg.Amount(5_000_000)
	tt := sg.TierTable{TenantID: ten, Default: "single", Verified: "single", KYCValidity: 365 * 24 * time.Hour, Tiers: []sg.Tier{
		{Name: "single", Total: sg.TierLimits{Single: five}, Capabilities: []sg.Capability{sg.CapPayouts}},
		{Name: "day", Total: sg.TierLimits{Day: 12_000_000}, Capabilities: []sg.Capability{sg.CapPayouts}},
		{Name: "month", Total: sg.TierLimits{Month: 12_000_000}, Capabilities: []sg.Capability{sg.CapPayouts}},
	}}
	if _, err := st.Customers.PutTiers(context.Background(), tt); err != nil {
		t.Fatal(err)
	}
	// Each customer has two wallets, both funded on both chains.
	wallets := func(tier string) (string, string) {
		c := r.customer(t, tier)
		a, b := r.wallet(t, c), r.wallet(t, c)
		for _, w := range []string{a, b} {
			for _, ch := range []sg.Chain{sg.Ethereum, sg.Tron} {
				fund(t, l, ten, w, ch, "50")
			}
		}
		return a, b
	}
	other := e.newWallet(t, r.tok, false).ID

	t.Run("single payment", func(t *testing.T) {
		a, b := wallets("single")
		r.passes(t, a, sg.Ethereum, "5")
		r.passes(t, b, sg.Tron, "5")
		r.refused(t, a, sg.Ethereum, "5.000001", sg.ErrTierLimitSingle.Code)
		r.refused(t, b, sg.Tron, "5.000001", sg.ErrTierLimitSingle.Code)
		if status, code := r.transfer(t, a, other, sg.Tron, "5.000001"); status != 422 || code != sg.ErrTierLimitSingle.Code {
			t.Fatalf("transfer of 5.000001: %d %s; want 422 %s", status, code, sg.ErrTierLimitSingle.Code)
		}
	})
	t.Run("rolling day across chains and wallets", func(t *testing.T) {
		a, b := wallets("day")
		r.passes(t, a, sg.Ethereum, "7")
		r.passes(t, b, sg.Tron, "4")
		if status, code := r.transfer(t, b, other, sg.Ethereum, "1"); status != 201 { // 12: exactly the day
			t.Fatalf("transfer of the day's last USDT: %d %s", status, code)
		}
		r.refused(t, a, sg.Tron, "0.000001", sg.ErrTierLimitDaily.Code)
		r.refused(t, b, sg.Ethereum, "0.000001", sg.ErrTierLimitDaily.Code)
		bal := e.balances(t, r.tok, a)
		if status, code := r.transfer(t, a, other, sg.Tron, "0.000001"); status != 422 || code != sg.ErrTierLimitDaily.Code {
			t.Fatalf("transfer over the day: %d %s; want 422 %s", status, code, sg.ErrTierLimitDaily.Code)
		}
		rep := e.do(t, "POST", "/v1/transfers/batch", r.tok, csvHeaders("b-"+randHex(4)),
			[]byte(fmt.Sprintf("row_key,from_wallet_id,to_wallet_id,chain,amount\n%s,%s,%s,tron,0.000001\n", randHex(6), a, other)))
		var report batchReportJSON
		rep.json(t, &report)
		if rep.status != 200 || len(report.Accepted) != 0 || len(report.Refused) != 1 || report.Refused[0].Code != sg.ErrTierLimitDaily.Code {
			t.Fatalf("batch row over the day: %d %s", rep.status, rep.body)
		}
		if now := e.balances(t, r.tok, a); now[string(sg.Tron)].Available != bal[string(sg.Tron)].Available {
			t.Fatalf("refused transfers moved money: %+v, was %+v", now, bal)
		}
	})
	t.Run("rolling month across chains and wallets", func(t *testing.T) {
		a, b := wallets("month")
		r.passes(t, a, sg.Tron, "7")
		if status, code := r.transfer(t, b, other, sg.Ethereum, "5"); status != 201 { // 12: exactly the month
			t.Fatalf("transfer of the month's last 5 USDT: %d %s", status, code)
		}
		r.refused(t, b, sg.Tron, "0.000001", sg.ErrTierLimitMonthly.Code)
		r.refused(t, a, sg.Ethereum, "0.000001", sg.ErrTierLimitMonthly.Code)
		if status, code := r.transfer(t, a, other, sg.Ethereum, "0.000001"); status != 422 || code != sg.ErrTierLimitMonthly.Code {
			t.Fatalf("transfer over the month: %d %s; want 422 %s", status, code, sg.ErrTierLimitMonthly.Code)
		}
	})
}
