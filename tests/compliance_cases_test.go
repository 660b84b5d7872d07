package tests

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// caseJSON is a case as the API shows it.
type caseJSON struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Status   string  `json:"status"`
	Assignee *string `json:"assignee"`
	Version  int64   `json:"version"`
	Notes    []struct {
		Author, Text string
	} `json:"notes"`
	Evidence struct {
		Transfers []string `json:"transfers"`
		Addresses []string `json:"addresses"`
		Records   []string `json:"records"`
	} `json:"evidence"`
	Decision *struct {
		Outcome     string `json:"outcome"`
		By          string `json:"by"`
		Reason      string `json:"reason"`
		Certificate *struct {
			CourseID      string `json:"course_id"`
			CertificateID string `json:"certificate_id"`
		} `json:"certificate"`
	} `json:"decision"`
}

// caseScreening is the screening service over the stack's table, as the
// payout and deposit paths build it (compliancefn.Build). The sanctions
// list must be in use for screening to decide anything: the stack's
// seeding loads it; if it has not run, the bundled copy (infra/ofac, the
// list of 2024-09-27) is loaded, which the seeding then finds unchanged.
func caseScreening(t *testing.T) (*compliance.Screening, *dynamo.Store) {
	t.Helper()
	e := stack(t)
	st := dynamo.New(rawDB(t), e.table)
	cases := &compliance.Cases{Store: st.Compliance, Transfers: st.Ledger, Now: time.Now}
	s := &compliance.Screening{Store: st.Sanctions, Cases: cases, Now: time.Now}
	ctx := context.Background()
	if _, ok, err := st.Sanctions.CurrentSanctions(ctx); err != nil {
		t.Fatal(err)
	} else if !ok {
		if _, _, err := s.Refresh(ctx, compliance.FileFetcher{Dir: "../infra/ofac", Date: time.Date(2024, 9, 27, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	return s, st
}

// An officer works a case end to end on the local stack: an address the
// tenant blocks is listed, a payout screened to it hits and opens a case;
// the case is listed, assigned, noted, given the transfers as evidence,
// escalated; a decision without the required course certificate is
// refused and changes nothing; after passing the course the officer
// decides and the certificate is kept with the decision; the export in
// JSON and CSV carries the evidence transfers and the certificate.
// Another tenant sees none of it; unblocking clears the address.
func TestComplianceCaseOnTheStack(t *testing.T) {
	e := stack(t)
	ctx := context.Background()
	screening, st := caseScreening(t)
	ten := tenant()
	officer := "officer-" + randHex(4)
	tok := e.tokenAs(t, ten, officer, "compliance", "courses:read", "courses:write")
	other := e.tokenAs(t, tenant(), officer, "compliance")

	// Two deposits to a wallet: the transfers the case rests on.
	w := e.newWallet(t, tok, false)
	l := &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}
	var txns []string
	for _, amount := range []sg.Amount{9_900_000000, 9_850_000000} {
		r, err := l.CreditWallet(ctx, ten, ledger.Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, Ref: "case-" + randHex(8)})
		if err != nil {
			t.Fatal(err)
		}
		txns = append(txns, r.Transfer.ID)
	}

	// The sanctions list in use.
	var list struct {
		Source, Version, Date string
		Count                 int
		Counts                map[string]int
	}
	r := e.do(t, "GET", "/v1/compliance/sanctions", tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("sanctions list: %d %s", r.status, r.body)
	}
	r.json(t, &list)
	if list.Source != "ofac" || list.Version == "" || list.Date == "" || list.Counts["ethereum"] == 0 || list.Counts["tron"] == 0 ||
		list.Counts["ethereum"]+list.Counts["tron"] != list.Count {
		t.Fatalf("sanctions list %s", r.body)
	}

	// Blocklist: add, listed, a screening of the address hits and opens a case.
	const blocked = "0x52908400098527886E0F7030069857D2E4169EE7"
	if r := e.do(t, "POST", "/v1/compliance/blocklist", tok, nil, []byte(`{"chain":"ethereum","address":"`+blocked+`","reason":"fraud report 17"}`)); r.status != 201 {
		t.Fatalf("block: %d %s", r.status, r.body)
	}
	var blocks struct {
		Data []struct{ Chain, Address, Reason string }
	}
	e.do(t, "GET", "/v1/compliance/blocklist", tok, nil, nil).json(t, &blocks)
	if len(blocks.Data) != 1 || blocks.Data[0].Address != strings.ToLower(blocked) || blocks.Data[0].Reason != "fraud report 17" {
		t.Fatalf("blocklist %+v", blocks.Data)
	}
	var theirs struct{ Data []any }
	e.do(t, "GET", "/v1/compliance/blocklist", other, nil, nil).json(t, &theirs)
	if len(theirs.Data) != 0 {
		t.Fatalf("another tenant sees %+v", theirs.Data)
	}
	payout := "txn_payout_" + randHex(4)
	d, err := screening.ScreenPayout(ctx, ten, sg.Ethereum, blocked, payout)
	if err == nil || d.Refusal() != sg.ErrDestinationBlocked || d.CaseID == "" || d.ListVersion != list.Version {
		t.Fatalf("screening a blocked address: %+v, %v", d, err)
	}
	id := d.CaseID

	// Listed (by kind), read; another tenant finds nothing.
	var page struct {
		Data []caseJSON
	}
	e.do(t, "GET", "/v1/cases?kind=blocklist_hit&status=open", tok, nil, nil).json(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != id || page.Data[0].Kind != "blocklist_hit" {
		t.Fatalf("cases %+v", page.Data)
	}
	for _, path := range []string{"/v1/cases/" + id, "/v1/cases/" + id + "/export"} {
		if r := e.do(t, "GET", path, other, nil, nil); r.status != 404 || r.errCode() != "not_found" {
			t.Fatalf("another tenant's GET %s: %d %s", path, r.status, r.body)
		}
	}
	if r := e.do(t, "POST", "/v1/cases/"+id+"/notes", other, idem(), []byte(`{"text":"mine"}`)); r.status != 404 {
		t.Fatalf("another tenant's note: %d %s", r.status, r.body)
	}

	post := func(path, body string, want int) caseJSON {
		t.Helper()
		r := e.do(t, "POST", "/v1/cases/"+id+path, tok, nil, []byte(body))
		if r.status != want {
			t.Fatalf("POST %s: %d %s", path, r.status, r.body)
		}
		var c caseJSON
		if want == 200 {
			r.json(t, &c)
		}
		return c
	}
	if c := post("/assign", `{"assignee":"`+officer+`"}`, 200); c.Assignee == nil || *c.Assignee != officer || c.Status != "investigating" {
		t.Fatalf("assigned %+v", c)
	}
	// A note takes an Idempotency-Key: a replay answers with the first
	// answer and adds no second note; the key with another text is refused.
	noteKey := idem()
	first := e.do(t, "POST", "/v1/cases/"+id+"/notes", tok, noteKey, []byte(`{"text":"two deposits just under 10,000"}`))
	var c0 caseJSON
	if first.json(t, &c0); first.status != 200 || len(c0.Notes) != 1 || c0.Notes[0].Author != officer {
		t.Fatalf("noted %d %s", first.status, first.body)
	}
	if r := e.do(t, "POST", "/v1/cases/"+id+"/notes", tok, noteKey, []byte(`{"text":"two deposits just under 10,000"}`)); r.status != 200 || string(r.body) != string(first.body) {
		t.Fatalf("note replay: %d %s; want the first answer %s", r.status, r.body, first.body)
	}
	if r := e.do(t, "POST", "/v1/cases/"+id+"/notes", tok, noteKey, []byte(`{"text":"another"}`)); r.status != 409 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("note key reused: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/cases/"+id+"/notes", tok, nil, []byte(`{"text":"no key"}`)); r.status != 400 || r.errCode() != "idempotency_key_missing" {
		t.Fatalf("note without a key: %d %s", r.status, r.body)
	}
	c := post("/evidence", `{"transfers":["`+txns[0]+`","`+txns[1]+`"]}`, 200)
	// The screening hit named the payout and the address; the officer added the deposits.
	if strings.Join(c.Evidence.Transfers, ",") != payout+","+txns[0]+","+txns[1] || len(c.Evidence.Addresses) != 1 ||
		c.Evidence.Addresses[0] != "ethereum:"+strings.ToLower(blocked) {
		t.Fatalf("evidence %+v", c.Evidence)
	}
	post("/evidence", `{"transfers":["txn_01JD8Y3Q6A0M7F4R2W9X5K1B3C"]}`, 404)
	before := post("/status", `{"status":"escalated"}`, 200)
	if before.Status != "escalated" {
		t.Fatalf("escalated %+v", before)
	}

	// The deployment names a course (OfficerCourse, kyc-aml): without its
	// certificate the decision is refused and nothing is written.
	const course = "kyc-aml"
	decision := `{"outcome":"closed_reported","reason":"structuring under the threshold; SAR filed"}`
	if r := e.do(t, "POST", "/v1/cases/"+id+"/decision", tok, nil, []byte(decision)); r.status != 422 || r.errCode() != "officer_not_certified" {
		t.Fatalf("uncertified decision: %d %s", r.status, r.body)
	}
	var still caseJSON
	e.do(t, "GET", "/v1/cases/"+id, tok, nil, nil).json(t, &still)
	if still.Version != before.Version || still.Status != "escalated" || still.Decision != nil {
		t.Fatalf("a refused decision changed the case: %+v", still)
	}
	attempt := passCourse(t, e, tok, course)
	decided := post("/decision", decision, 200)
	if decided.Status != "closed_reported" || decided.Decision == nil || decided.Decision.By != officer || decided.Decision.Certificate == nil ||
		decided.Decision.Certificate.CourseID != course || decided.Decision.Certificate.CertificateID != attempt.Certificate.ID {
		t.Fatalf("decision %+v", decided.Decision)
	}
	if r := e.do(t, "POST", "/v1/cases/"+id+"/notes", tok, idem(), []byte(`{"text":"late"}`)); r.status != 409 || r.errCode() != "case_closed" {
		t.Fatalf("note on a closed case: %d %s", r.status, r.body)
	}

	// The SAR-ready export, in JSON and CSV.
	r = e.do(t, "GET", "/v1/cases/"+id+"/export?format=json", tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	var x compliance.CaseExport
	if err := json.Unmarshal(r.body, &x); err != nil {
		t.Fatal(err)
	}
	amounts := map[string]string{}
	for _, tr := range x.Transfers {
		if tr.Found {
			amounts[tr.ID] = tr.Amount
		}
	}
	if amounts[txns[0]] != "9900.000000" || amounts[txns[1]] != "9850.000000" || x.Decision == nil || x.Decision.CertificateID != attempt.Certificate.ID {
		t.Fatalf("JSON export %s", r.body)
	}
	r = e.do(t, "GET", "/v1/cases/"+id+"/export?format=csv", tok, nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV export: %d %v %s", r.status, r.header, r.body)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, row := range rows {
		if len(row) == len(compliance.CSVHeader) && row[0] == "transfer" {
			seen[row[1]] = row[5]
		}
	}
	if seen[txns[0]] != "9900.000000" || seen[txns[1]] != "9850.000000" {
		t.Fatalf("CSV export's transfers %v in\n%s", seen, r.body)
	}

	// Unblocked, the address screens clear again.
	if r := e.do(t, "DELETE", "/v1/compliance/blocklist/ethereum/"+blocked, tok, nil, nil); r.status != 200 {
		t.Fatalf("unblock: %d %s", r.status, r.body)
	}
	if r := e.do(t, "DELETE", "/v1/compliance/blocklist/ethereum/"+blocked, tok, nil, nil); r.status != 404 {
		t.Fatalf("unblock again: %d %s", r.status, r.body)
	}
	if d, err := screening.ScreenPayout(ctx, ten, sg.Ethereum, blocked, "txn_after_"+randHex(4)); err != nil || d.Hit() {
		t.Fatalf("screening after unblocking: %+v, %v", d, err)
	}
}

// Monitoring rules are versioned data on the stack: a put over the
// version read makes the next one, a put over a stale version is refused
// and writes nothing.
func TestComplianceRulesOnTheStack(t *testing.T) {
	e := stack(t)
	tok := e.tokenAs(t, tenant(), "officer-"+randHex(4), "compliance")
	other := e.tokenAs(t, tenant(), "officer-"+randHex(4), "compliance")
	type rulesJSON struct {
		Version   int64 `json:"version"`
		UpdatedBy string
		Rules     []struct {
			ID        string `json:"id"`
			Version   int64  `json:"version"`
			Threshold string `json:"threshold"`
		} `json:"rules"`
	}
	var v0 rulesJSON
	e.do(t, "GET", "/v1/compliance/rules", tok, nil, nil).json(t, &v0)
	if v0.Version != 0 || len(v0.Rules) != 0 {
		t.Fatalf("before any put: %+v", v0)
	}
	put := func(tok, body string) reply {
		return e.do(t, "PUT", "/v1/compliance/rules", tok, nil, []byte(body))
	}
	set := `{"version":0,"rules":[{"id":"under-10k","kind":"structuring","enabled":true,"window":"72h","threshold":"10000","percent":10,"count":3,"direction":"any"}]}`
	if r := put(tok, strings.Replace(set, `"window"`, `"dormant":"1h","window"`, 1)); r.status != 400 || r.errCode() != "rule_invalid" {
		t.Fatalf("a field structuring does not read: %d %s", r.status, r.body)
	}
	var v1 rulesJSON
	r := put(tok, set)
	r.json(t, &v1)
	if r.status != 200 || v1.Version != 1 || len(v1.Rules) != 1 || v1.Rules[0].Version != 1 || v1.Rules[0].Threshold != "10000.000000" {
		t.Fatalf("first put: %d %s", r.status, r.body)
	}
	if r := put(tok, strings.Replace(set, `"10000"`, `"5000"`, 1)); r.status != 409 || r.errCode() != "rules_changed" {
		t.Fatalf("a put over a stale version: %d %s", r.status, r.body)
	}
	var now rulesJSON
	e.do(t, "GET", "/v1/compliance/rules", tok, nil, nil).json(t, &now)
	if now.Version != 1 || now.Rules[0].Threshold != "10000.000000" {
		t.Fatalf("after the stale put: %+v", now)
	}
	var theirs rulesJSON
	e.do(t, "GET", "/v1/compliance/rules", other, nil, nil).json(t, &theirs)
	if theirs.Version != 0 {
		t.Fatalf("another tenant's rules: %+v", theirs)
	}
	if r := e.do(t, "GET", "/v1/compliance/rules", e.token(t, tenant()), nil, nil); r.status != 403 {
		t.Fatalf("a token without scope compliance: %d %s", r.status, r.body)
	}
}
