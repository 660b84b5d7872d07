package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// complianceOn is the screening, case and rule services over the local
// stack's table, with the OFAC list shipped in infra/ofac loaded (a list
// already loaded with the same content stays: loading is idempotent), so
// these tests do not depend on the stack seeding it.
func complianceOn(t *testing.T) (*dynamo.Store, *compliance.Screening, *compliance.Cases, sg.SanctionsList) {
	t.Helper()
	_, st := ledgerOn(t, rawDB(t))
	cases := &compliance.Cases{Store: st.Compliance, Transfers: st.Ledger, Now: time.Now}
	screen := &compliance.Screening{Store: st.Sanctions, Cases: cases, Now: time.Now}
	var files []compliance.ListFile
	for _, f := range compliance.OFACFiles {
		b, err := os.ReadFile(filepath.Join("..", "infra", "ofac", f.Name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, compliance.ListFile{Name: f.Name, Chain: f.Chain, Body: bytes.NewReader(b)})
	}
	l, _, err := screen.LoadList(context.Background(), time.Date(2024, 9, 27, 0, 0, 0, 0, time.UTC), files...)
	if err != nil {
		t.Fatalf("load the OFAC list: %v", err)
	}
	return st, screen, cases, l
}

// ofacTron is a Tron address of the OFAC list (infra/ofac).
const ofacTron = "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"

// tronTransferFrom makes a TRC20 transfer from any sender on the local
// Tron stand-in (its dev route: nobody here holds a sanctioned key).
func tronTransferFrom(t *testing.T, from, to string, amount int64) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"from": from, "to": to, "amount": amount})
	r, err := http.Post(os.Getenv("STABLEGATE_TRON_GRID")+tronfix.DevTransferPath, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var out struct {
		Result bool
		TxID   string
	}
	if err := json.NewDecoder(r.Body).Decode(&out); err != nil || !out.Result {
		t.Fatalf("dev transfer from %s: %v %+v", from, err, out)
	}
}

// waitDeposit waits until the wallet's history shows a deposit in state
// and returns it as GET /v1/transfers shows it.
func (e *env) waitDeposit(t *testing.T, tok, wallet, state string) withdrawalJSON {
	t.Helper()
	var last []byte
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		r := e.do(t, "GET", "/v1/wallets/"+wallet+"/transfers?type=deposit", tok, nil, nil)
		last = r.body
		var l transferListJSON
		r.json(t, &l)
		for _, d := range l.Data {
			if d.State == state {
				var w withdrawalJSON
				e.do(t, "GET", "/v1/transfers/"+d.ID, tok, nil, nil).json(t, &w)
				return w
			}
		}
	}
	t.Fatalf("no %s deposit into %s: %s", state, wallet, last)
	return withdrawalJSON{}
}

// casesOf lists the tenant's cases.
func casesOf(t *testing.T, cases *compliance.Cases, ten string) []sg.Case {
	t.Helper()
	cs, _, err := cases.List(context.Background(), ten, sg.CaseFilter{}, sg.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Must-show 1, deposits, on the local stack: USDT sent to an invoice's Tron
// address from an address of the OFAC list is quarantined by the Tron
// deposit watcher: the deposit is "quarantined" with the list version and
// case on its events, in neither the wallet's available nor pending
// balance, the invoice stays unpaid, a sanctions case names the deposit
// and the list version, and the tenant's and the platform's
// reconciliations pass (the quarantine counted). The control: the same
// amount from a clear sender (the faucet) pays another invoice. A
// monitoring rule on round deposits fires on the clear deposit only: the
// monitor never hears of a quarantined one.
func TestComplianceDepositFromOFACAddressIsQuarantined(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "invoices:read", "invoices:write", "wallets:read", "wallets:write", "transfers:read", "reconciliation:read")
	skipUnlessInvoices(t, e, tok)
	st, _, cases, list := complianceOn(t)
	rules := &compliance.Rules{Store: st.Compliance, Now: time.Now}
	if _, _, err := rules.Put(context.Background(), ten, 0, []sg.MonitorRule{{ID: "round-in", Kind: sg.MonRoundAmounts, Enabled: true,
		Params: sg.MonitorParams{Window: time.Hour, Unit: 1_000_000, Count: 1, Direction: sg.DirIn}}}, "officer"); err != nil {
		t.Fatal(err)
	}
	held := e.createInvoice(t, tok, `{"amount":"5","chains":["tron"]}`)
	paid := e.createInvoice(t, tok, `{"amount":"5","chains":["tron"]}`)

	tronTransferFrom(t, ofacTron, held.address(t, "tron"), 5_000_000)
	usdt, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatal(err)
	}
	to, _ := address.Parse(sg.Tron, paid.address(t, "tron"))
	sendTronUSDT(t, &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}, usdt, to, 5_000_000)

	// The control is paid; by then the sanctioned deposit has had the same time.
	e.waitInvoice(t, tok, paid.ID, "paid by a clear sender", func(v invoiceJSON) bool { return v.Status == "paid" })
	dep := e.waitDeposit(t, tok, held.WalletID, "quarantined")
	if dep.Amount != "5.000000" || len(dep.Events) < 2 {
		t.Fatalf("quarantined deposit %+v", dep)
	}
	notes := ""
	for _, ev := range dep.Events {
		notes += ev.Note + "\n"
	}
	if !strings.Contains(notes, list.Version) || !strings.Contains(notes, "ofac:"+list.Version) {
		t.Fatalf("deposit events %q; want the list and its version %s", notes, list.Version)
	}
	if b := e.balances(t, tok, held.WalletID)["tron"]; b.Available != "0.000000" || b.Pending != "0.000000" {
		t.Fatalf("the invoice wallet's balance %+v; want the quarantined deposit in none of it", b)
	}
	if v := e.invoice(t, tok, held.ID); v.Status == "paid" || len(v.Payments) != 0 {
		t.Fatalf("invoice paid by a sanctioned sender: %s, payments %+v", v.Status, v.Payments)
	}
	var sanctions []sg.Case
	for _, c := range casesOf(t, cases, ten) {
		if c.Kind == sg.CaseSanctionsHit {
			sanctions = append(sanctions, c)
		}
	}
	if len(sanctions) != 1 || !strings.Contains(notes, sanctions[0].ID) {
		t.Fatalf("sanctions cases %+v; want one, named on the deposit (%q)", sanctions, notes)
	}
	ev := sanctions[0].Evidence
	if !contains(ev.Records, "list_version:"+list.Version) || !contains(ev.Addresses, "tron:"+ofacTron) || len(ev.Transfers) != 1 || !strings.HasPrefix(ev.Transfers[0], "deposit:tron:") {
		t.Fatalf("case evidence %+v", ev)
	}
	// The monitor heard of the clear deposit (its round amount fires the
	// rule), never of the quarantined one.
	var alerted []sg.Case
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		alerted = nil
		for _, c := range casesOf(t, cases, ten) {
			if c.Kind == sg.CaseAMLAlert {
				alerted = append(alerted, c)
			}
		}
		if len(alerted) > 0 {
			break
		}
	}
	if len(alerted) != 1 || alerted[0].Subject != paid.WalletID {
		t.Fatalf("AML cases %+v; want one about the clear deposit's wallet %s", alerted, paid.WalletID)
	}
	r := e.do(t, "GET", "/v1/reconciliation", tok, nil, nil)
	var rep reconJSON
	r.json(t, &rep)
	if r.status != 200 || !rep.OK {
		t.Fatalf("tenant reconciliation with a quarantined deposit: %d %s", r.status, r.body)
	}
	platformReconciles(t, "tron", true)
}

// platformReconciles runs the platform's reconciliation job until it
// passes (payouts of other tests may be in flight) and, with held, checks
// that the quarantine on chain is counted.
func platformReconciles(t *testing.T, chain string, held bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p := runPlatformJob(t)
		ok := p.OK
		for _, c := range p.Checks {
			if c.Name == "quarantine_covers_deposits" && (!c.OK || held && strings.Contains(c.Detail, chain+": 0.000000 held")) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(p)
			t.Fatalf("the platform's reconciliation with a quarantined deposit: %s", b)
		}
		time.Sleep(2 * time.Second)
	}
}

// The Ethereum deposit watcher reports the sender too: on the local
// chain (geth --dev, whose keys we hold, so no sanctioned sender can be
// made) the tenant blocks the faucet's address, and the faucet's deposit
// to the tenant's wallet is quarantined with the blocklist, the list
// version and a blocklist case; another tenant's deposit from the same
// faucet is credited.
func TestComplianceEthereumDepositFromBlockedSenderIsQuarantined(t *testing.T) {
	e := stack(t)
	_, screen, cases, list := complianceOn(t)
	_, _, auth, _ := localChain(t)
	ten, other := tenant(), tenant()
	tok, otherTok := e.token(t, ten), e.token(t, other)
	if _, _, err := screen.Block(context.Background(), ten, sg.Ethereum, auth.From.Hex(), "test: blocked sender", "officer"); err != nil {
		t.Fatal(err)
	}
	w, ow := e.newWallet(t, tok, false), e.newWallet(t, otherTok, false)
	addr := func(w walletJSON) string {
		for _, a := range w.Addresses {
			if a.Chain == "ethereum" {
				return a.Address
			}
		}
		t.Fatalf("wallet %s has no Ethereum address", w.ID)
		return ""
	}
	sendEthUSDT(t, addr(w), "3")
	sendEthUSDT(t, addr(ow), "3")
	e.waitDeposit(t, otherTok, ow.ID, "posted")
	dep := e.waitDeposit(t, tok, w.ID, "quarantined")
	notes := ""
	for _, ev := range dep.Events {
		notes += ev.Note + "\n"
	}
	if !strings.Contains(notes, sg.ListTenantBlocklist) || !strings.Contains(notes, list.Version) {
		t.Fatalf("deposit events %q; want the blocklist and list version %s", notes, list.Version)
	}
	if b := e.balances(t, tok, w.ID)["ethereum"]; b.Available != "0.000000" || b.Pending != "0.000000" {
		t.Fatalf("balance %+v", b)
	}
	if b := e.balances(t, otherTok, ow.ID)["ethereum"]; b.Available != "3.000000" {
		t.Fatalf("the other tenant's balance %+v", b)
	}
	cs := casesOf(t, cases, ten)
	if len(cs) != 1 || cs[0].Kind != compliance.CaseBlocklistHit || !contains(cs[0].Evidence.Addresses, "ethereum:"+strings.ToLower(auth.From.Hex())) {
		t.Fatalf("cases %+v", cs)
	}
	if len(casesOf(t, cases, other)) != 0 {
		t.Fatal("the other tenant has a case")
	}
	platformReconciles(t, "ethereum", true)

	// The officer clears the case (the faucet is the tenant's own): a
	// release is refused while the case is open, and for another tenant;
	// once the case is decided closed_no_action the deposit is the
	// wallet's, and its forwarder, never marked while held, is swept.
	officer := e.tokenAs(t, ten, "officer-"+randHex(3), "compliance", "courses:write", "reconciliation:read")
	release := func(tok, key string) reply {
		return e.do(t, "POST", "/v1/deposits/"+dep.ID+"/release", tok, map[string]string{"Idempotency-Key": key},
			[]byte(`{"case_id":"`+cs[0].ID+`","note":"the sender is the tenant's own faucet"}`))
	}
	if r := release(officer, "rel-"+randHex(4)); r.status != 409 || r.errCode() != "case_not_cleared" {
		t.Fatalf("release on an open case: %d %s", r.status, r.body)
	}
	if r := release(e.tokenAs(t, other, "officer-x", "compliance"), "rel-"+randHex(4)); r.status != 404 {
		t.Fatalf("another tenant's release: %d %s", r.status, r.body)
	}
	const course = "kyc-aml"
	passCourse(t, e, officer, course)
	if r := e.do(t, "POST", "/v1/cases/"+cs[0].ID+"/decision", officer, nil,
		[]byte(`{"outcome":"closed_no_action","reason":"the sender is the tenant's own faucet"}`)); r.status != 200 {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	r := release(officer, "rel-"+randHex(4))
	var released withdrawalJSON
	r.json(t, &released)
	if r.status != 200 || released.State != "posted" || released.ID != dep.ID {
		t.Fatalf("release: %d %s", r.status, r.body)
	}
	if b := e.balances(t, tok, w.ID)["ethereum"]; b.Available != "3.000000" {
		t.Fatalf("balance after release %+v", b)
	}
	_, _, _, token := localChain(t)
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if bal, err := token.BalanceOf(nil, common.HexToAddress(addr(w))); err == nil && bal.Sign() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the released deposit's forwarder was never swept")
		}
	}
	platformReconciles(t, "ethereum", false)
}

// Monitoring on the local stack: a velocity rule (more than one internal
// transfer out of a wallet within an hour) fires on the second transfer
// through the compliance-monitor stream consumer and opens an AML case
// naming both; a wallet with one transfer out stays quiet.
func TestComplianceMonitorRaisesACaseFromTheLedgerStream(t *testing.T) {
	e := stack(t)
	st, _, cases, _ := complianceOn(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	rules := &compliance.Rules{Store: st.Compliance, Now: time.Now}
	if _, _, err := rules.Put(context.Background(), ten, 0, []sg.MonitorRule{{ID: "velocity-out", Kind: sg.MonVelocity, Enabled: true,
		Params: sg.MonitorParams{Window: time.Hour, Count: 1, Direction: sg.DirOut}}}, "officer"); err != nil {
		t.Fatal(err)
	}
	busy, quiet, to := e.newWallet(t, tok, false), e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, busy.ID, sg.Tron, "100")
	fund(t, l, ten, quiet.ID, sg.Tron, "100")
	var ids []string
	for _, from := range []string{busy.ID, busy.ID, quiet.ID} {
		r := e.do(t, "POST", "/v1/transfers", tok, idem(), transferBody(from, to.ID, "tron", "10"))
		var tr transferJSON
		r.json(t, &tr)
		if r.status != 201 || tr.State != "posted" {
			t.Fatalf("transfer: %d %s", r.status, r.body)
		}
		ids = append(ids, tr.ID)
	}
	var got []sg.Case
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && len(got) == 0; time.Sleep(300 * time.Millisecond) {
		got = casesOf(t, cases, ten)
	}
	if len(got) != 1 || got[0].Kind != sg.CaseAMLAlert || got[0].Subject != busy.ID || len(got[0].Evidence.Alerts) != 1 {
		t.Fatalf("cases %+v; want one AML case about %s", got, busy.ID)
	}
	if ev := got[0].Evidence.Transfers; len(ev) != 2 || !contains(ev, ids[0]) || !contains(ev, ids[1]) {
		t.Fatalf("evidence %v; want the two transfers out of the busy wallet %v", ev, ids[:2])
	}
	// The quiet wallet's transfer was posted with the others: give the
	// stream the time it took for them, then check it raised nothing.
	time.Sleep(2 * time.Second)
	if cs := casesOf(t, cases, ten); len(cs) != 1 {
		t.Fatalf("cases %+v; the quiet wallet raised one", cs)
	}
}
