package complianceapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The officer's routes run as their functions run them (through
// httpapi.Wrap, with the claims the JWT authorizer passes) over the
// in-memory twins (memstore.Compliance, Sanctions, Store), which
// shared/storetest holds to the DynamoDB adapters.

var bg = context.Background()

type caseClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *caseClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *caseClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

const officerCourse = "kyc-aml"

type caseEnv struct {
	t         *testing.T
	clock     *caseClock
	comp      *memstore.Compliance
	sanctions *memstore.Sanctions
	st        *memstore.Store
	cases     *compliance.Cases
	screening *compliance.Screening
	h         complianceapi.Cases
	rules     complianceapi.Rules
	blocks    complianceapi.Blocklist
	list      complianceapi.Sanctions
	keys      int
}

// newCaseEnv builds the routes; course names the course an officer must
// hold a certificate of to decide ("" for none).
func newCaseEnv(t *testing.T, course string) *caseEnv {
	t.Helper()
	c := &caseClock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	comp := memstore.NewCompliance()
	sanc := memstore.NewSanctions()
	cases := &compliance.Cases{Store: comp, Transfers: st, Now: c.Now}
	if course != "" {
		cases.RequiredCourse, cases.Certs = course, compliance.CourseCertificates{Store: st}
	}
	scr := &compliance.Screening{Store: sanc, Cases: cases, Now: c.Now}
	return &caseEnv{t: t, clock: c, comp: comp, sanctions: sanc, st: st, cases: cases, screening: scr,
		h:      complianceapi.Cases{Svc: cases, Idem: st, Now: c.Now},
		rules:  complianceapi.Rules{Svc: &compliance.Rules{Store: comp, Now: c.Now}},
		blocks: complianceapi.Blocklist{Screening: scr}, list: complianceapi.Sanctions{Store: sanc}}
}

type caseCall struct {
	tenant  string // "acme" when empty
	subject string // "officer-1" when empty
	path    map[string]string
	query   map[string]string
	headers map[string]string
	body    string
}

type caseReply struct {
	status  int
	headers map[string]string
	body    string
}

func (e *caseEnv) do(h httpapi.Handler, c caseCall) caseReply {
	e.t.Helper()
	if c.tenant == "" {
		c.tenant = "acme"
	}
	if c.subject == "" {
		c.subject = "officer-1"
	}
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: c.body,
		PathParameters: c.path, QueryStringParameters: c.query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: c.tenant, "sub": c.subject}, Scopes: []string{complianceapi.ScopeCompliance}}}}}
	// Every POST carries a fresh Idempotency-Key unless the call names
	// its own (an empty one: none).
	e.keys++
	req.Headers["idempotency-key"] = fmt.Sprintf("k-%d", e.keys)
	for k, v := range c.headers {
		req.Headers[k] = v
	}
	if req.Headers["idempotency-key"] == "" {
		delete(req.Headers, "idempotency-key")
	}
	resp, err := httpapi.Wrap("complianceapi-test", h)(bg, req)
	if err != nil {
		e.t.Fatalf("Wrap returned an error: %v", err)
	}
	return caseReply{status: resp.StatusCode, headers: resp.Headers, body: resp.Body}
}

func (r caseReply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (r caseReply) want(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, status)
	}
}

func (r caseReply) refused(t *testing.T, status int, code, param string) {
	t.Helper()
	r.want(t, status)
	var b httpapi.ErrorBody
	r.decode(t, &b)
	if b.Error.Code != code || param != "" && b.Error.Param != param {
		t.Fatalf("code %q param %q (%s); want %q %q", b.Error.Code, b.Error.Param, b.Error.Message, code, param)
	}
}

func (r caseReply) caseView(t *testing.T) complianceapi.CaseView {
	t.Helper()
	var v complianceapi.CaseView
	r.decode(t, &v)
	return v
}

// open opens a case of tenant as monitoring or screening would.
func (e *caseEnv) open(tenant, subject string, kind sg.CaseKind) sg.Case {
	e.t.Helper()
	c, _, err := e.cases.Open(bg, tenant, kind, "key-"+subject, subject, "seen: "+subject, sg.CaseEvidence{Records: []string{"rec:" + subject}}, "monitor")
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Add(time.Millisecond)
	return c
}

// transfer records a posted deposit of tenant (an evidence transfer).
func (e *caseEnv) transfer(tenant, ref string, amount sg.Amount) sg.Transfer {
	e.t.Helper()
	now := e.clock.Now()
	t := sg.Transfer{ID: sg.NewKeyedID("txn", now, tenant, "test.credit", ref), TenantID: tenant, Type: sg.TransferDeposit, State: sg.StatePosted,
		ToWallet: "wal_x", Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysDevFaucet, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -amount},
			{Account: sg.WalletAccount(tenant, "wal_x", sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: amount},
		}}}
	if err := e.st.ApplyTransfer(bg, t); err != nil {
		e.t.Fatal(err)
	}
	return t
}

// certify records a passed attempt of learner at course with its certificate.
func (e *caseEnv) certify(tenant, learner, course string) string {
	e.t.Helper()
	at := e.clock.Now()
	cert := &sg.Certificate{ID: sg.NewID("cert", at), Tenant: tenant, Learner: learner, Course: course, CourseTitle: course, Percent: 100, IssuedAt: at}
	a := sg.CourseAttempt{ID: sg.NewID("att", at), Tenant: tenant, Learner: learner, Course: course, Correct: 10, Total: 10, Percent: 100, Passed: true,
		Certificate: cert, At: at}
	idem := sg.Idempotency{TenantID: tenant, Operation: "courses.attempt", Key: a.ID, RequestHash: "h", Status: 201, Response: []byte("{}"), CreatedAt: at}
	after := sg.CourseProgress{Course: course, Attempts: 1, BestPercent: 100, Passed: true, CertificateID: cert.ID}
	if err := e.st.SaveAttempt(bg, a, sg.CourseProgress{}, after, idem); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Add(time.Second)
	return cert.ID
}

func path(id string) map[string]string { return map[string]string{"case_id": id} }

func TestCasesList(t *testing.T) {
	e := newCaseEnv(t, "")
	a := e.open("acme", "wal_a", sg.CaseAMLAlert)
	b := e.open("acme", "wal_b", sg.CaseSanctionsHit)
	c := e.open("acme", "wal_c", sg.CaseAMLAlert)
	e.open("globex", "wal_a", sg.CaseAMLAlert)
	if _, _, err := e.cases.Assign(bg, "acme", c.ID, "officer-2", "officer-1"); err != nil {
		t.Fatal(err)
	}
	type list struct {
		Data       []complianceapi.CaseView
		HasMore    bool    `json:"has_more"`
		NextCursor *string `json:"next_cursor"`
	}
	ids := func(l list) []string {
		var out []string
		for _, v := range l.Data {
			out = append(out, v.ID)
		}
		return out
	}
	t.Run("all of the tenant's cases, oldest first, in pages", func(t *testing.T) {
		var p1, p2 list
		e.do(e.h.List, caseCall{query: map[string]string{"limit": "2"}}).decode(t, &p1)
		if got := ids(p1); len(got) != 2 || got[0] != a.ID || got[1] != b.ID || !p1.HasMore || p1.NextCursor == nil {
			t.Fatalf("first page %v has_more %v", got, p1.HasMore)
		}
		e.do(e.h.List, caseCall{query: map[string]string{"limit": "2", "cursor": *p1.NextCursor}}).decode(t, &p2)
		if got := ids(p2); len(got) != 1 || got[0] != c.ID || p2.HasMore || p2.NextCursor != nil {
			t.Fatalf("second page %v has_more %v", got, p2.HasMore)
		}
	})
	t.Run("by kind, status and assignee", func(t *testing.T) {
		for _, tc := range []struct {
			query map[string]string
			want  []string
		}{
			{map[string]string{"kind": "sanctions_hit"}, []string{b.ID}},
			{map[string]string{"kind": "aml_alert"}, []string{a.ID, c.ID}},
			{map[string]string{"status": "investigating"}, []string{c.ID}},
			{map[string]string{"status": "open", "kind": "aml_alert"}, []string{a.ID}},
			{map[string]string{"assignee": "officer-2"}, []string{c.ID}},
			{map[string]string{"assignee": "nobody"}, nil},
		} {
			var l list
			r := e.do(e.h.List, caseCall{query: tc.query})
			r.want(t, 200)
			r.decode(t, &l)
			if got := ids(l); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%v: %v; want %v", tc.query, got, tc.want)
			}
		}
	})
	t.Run("another tenant sees only its own", func(t *testing.T) {
		var l list
		e.do(e.h.List, caseCall{tenant: "globex"}).decode(t, &l)
		if len(l.Data) != 1 || l.Data[0].ID == a.ID {
			t.Fatalf("globex sees %v", ids(l))
		}
	})
	t.Run("refuses a bad filter, limit or cursor", func(t *testing.T) {
		e.do(e.h.List, caseCall{query: map[string]string{"kind": "gossip"}}).refused(t, 400, "validation_failed", "kind")
		e.do(e.h.List, caseCall{query: map[string]string{"status": "closed"}}).refused(t, 400, "validation_failed", "status")
		e.do(e.h.List, caseCall{query: map[string]string{"limit": "0"}}).refused(t, 400, "validation_failed", "limit")
		e.do(e.h.List, caseCall{query: map[string]string{"cursor": "nope"}}).refused(t, 400, "invalid_cursor", "cursor")
	})
}

func TestCaseLifecycle(t *testing.T) {
	e := newCaseEnv(t, "")
	c := e.open("acme", "wal_a", sg.CaseAMLAlert)
	tx := e.transfer("acme", "dep-1", 9_900_000000)
	foreign := e.transfer("globex", "dep-2", 5_000000)

	t.Run("get", func(t *testing.T) {
		v := e.do(e.h.Get, caseCall{path: path(c.ID)}).caseView(t)
		if v.ID != c.ID || v.Status != "open" || v.Assignee != nil || v.Decision != nil || v.Version != 1 || len(v.Evidence.Records) != 1 {
			t.Fatalf("case %+v", v)
		}
	})
	t.Run("assign makes it investigating", func(t *testing.T) {
		e.do(e.h.Assign, caseCall{path: path(c.ID), body: `{"assignee":"x","extra":1}`}).refused(t, 400, "unknown_field", "extra")
		e.do(e.h.Assign, caseCall{path: path(c.ID), body: `{}`}).refused(t, 400, "validation_failed", "assignee")
		v := e.do(e.h.Assign, caseCall{path: path(c.ID), body: `{"assignee":"officer-2"}`}).caseView(t)
		if v.Assignee == nil || *v.Assignee != "officer-2" || v.Status != "investigating" {
			t.Fatalf("assigned %+v", v)
		}
		// Who assigned it is kept on the item, for the audit chain.
		if got, _ := e.comp.Case(bg, "acme", c.ID); got.ChangedBy != "officer-1" || got.Change != "case.assigned" {
			t.Fatalf("stored change %q by %q", got.Change, got.ChangedBy)
		}
	})
	t.Run("a note is the officer's", func(t *testing.T) {
		e.do(e.h.Note, caseCall{path: path(c.ID), body: `{"text":""}`}).refused(t, 400, "validation_failed", "text")
		e.do(e.h.Note, caseCall{path: path(c.ID), body: `{"text":"` + strings.Repeat("n", 4001) + `"}`}).refused(t, 400, "validation_failed", "text")
		v := e.do(e.h.Note, caseCall{path: path(c.ID), subject: "officer-2", body: `{"text":"called the customer"}`}).caseView(t)
		if len(v.Notes) != 1 || v.Notes[0].Author != "officer-2" || v.Notes[0].Text != "called the customer" {
			t.Fatalf("notes %+v", v.Notes)
		}
	})
	t.Run("evidence: the tenant's transfers, alerts and addresses", func(t *testing.T) {
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{}`}).refused(t, 400, "validation_failed", "transfers")
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"transfers":["` + foreign.ID + `"]}`}).refused(t, 404, "not_found", "transfers[0]")
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"transfers":["txn_nope"]}`}).refused(t, 404, "not_found", "transfers[0]")
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"alerts":["alr_unknown"]}`}).refused(t, 404, "not_found", "alerts[0]")
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"addresses":[{"chain":"ethereum","address":"0x12"}]}`}).
			refused(t, 400, "invalid_address", "addresses[0].address")
		e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"addresses":[{"chain":"bitcoin","address":"1abc"}]}`}).
			refused(t, 400, "validation_failed", "")
		if got, _ := e.cases.Get(bg, "acme", c.ID); len(got.Evidence.Transfers) != 0 || len(got.Evidence.Addresses) != 0 {
			t.Fatalf("a refused request changed the evidence: %+v", got.Evidence)
		}
		v := e.do(e.h.Evidence, caseCall{path: path(c.ID), body: `{"transfers":["` + tx.ID + `"],` +
			`"addresses":[{"chain":"ethereum","address":"0x52908400098527886E0F7030069857D2E4169EE7"}]}`}).caseView(t)
		if len(v.Evidence.Transfers) != 1 || v.Evidence.Transfers[0] != tx.ID ||
			len(v.Evidence.Addresses) != 1 || v.Evidence.Addresses[0] != "ethereum:0x52908400098527886e0f7030069857d2e4169ee7" {
			t.Fatalf("evidence %+v", v.Evidence)
		}
	})
	t.Run("status: escalated, never closed by a move nor back", func(t *testing.T) {
		e.do(e.h.Status, caseCall{path: path(c.ID), body: `{"status":"closed_reported"}`}).refused(t, 400, "validation_failed", "status")
		v := e.do(e.h.Status, caseCall{path: path(c.ID), body: `{"status":"escalated"}`}).caseView(t)
		if v.Status != "escalated" {
			t.Fatalf("status %s", v.Status)
		}
		e.do(e.h.Status, caseCall{path: path(c.ID), body: `{"status":"investigating"}`}).refused(t, 400, "case_transition_invalid", "status")
	})
	t.Run("decision closes it; nothing changes it after", func(t *testing.T) {
		e.do(e.h.Decide, caseCall{path: path(c.ID), body: `{"outcome":"escalated","reason":"x"}`}).refused(t, 400, "validation_failed", "outcome")
		e.do(e.h.Decide, caseCall{path: path(c.ID), body: `{"outcome":"closed_reported"}`}).refused(t, 400, "validation_failed", "reason")
		v := e.do(e.h.Decide, caseCall{path: path(c.ID), body: `{"outcome":"closed_reported","reason":"SAR filed"}`}).caseView(t)
		if v.Status != "closed_reported" || v.Decision == nil || v.Decision.By != "officer-1" || v.Decision.Reason != "SAR filed" || v.Decision.Certificate != nil {
			t.Fatalf("decided %+v", v)
		}
		e.do(e.h.Decide, caseCall{path: path(c.ID), body: `{"outcome":"closed_no_action","reason":"again"}`}).refused(t, 409, "case_closed", "")
		e.do(e.h.Note, caseCall{path: path(c.ID), body: `{"text":"late"}`}).refused(t, 409, "case_closed", "")
	})
	t.Run("export in JSON and CSV with the evidence transfers", func(t *testing.T) {
		r := e.do(e.h.Export, caseCall{path: path(c.ID), query: map[string]string{"format": "json"}})
		r.want(t, 200)
		var x compliance.CaseExport
		r.decode(t, &x)
		if x.Case.ID != c.ID || len(x.Transfers) != 1 || !x.Transfers[0].Found || x.Transfers[0].Amount != "9900.000000" || x.Decision == nil ||
			x.Decision.Outcome != "closed_reported" {
			t.Fatalf("export %+v", x)
		}
		if len(x.Timeline) < 3 || x.Timeline[0].Event != "opened" || x.Timeline[len(x.Timeline)-1].Event != "decided" {
			t.Fatalf("timeline out of order: %+v", x.Timeline)
		}
		r = e.do(e.h.Export, caseCall{path: path(c.ID), query: map[string]string{"format": "csv"}})
		r.want(t, 200)
		if !strings.HasPrefix(r.headers["content-type"], "text/csv") {
			t.Fatalf("content-type %q", r.headers["content-type"])
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows {
			found = found || row[1] == tx.ID && row[5] == "9900.000000"
		}
		if !found {
			t.Fatalf("no row of %s in %q", tx.ID, r.body)
		}
		e.do(e.h.Export, caseCall{path: path(c.ID), query: map[string]string{"format": "xml"}}).refused(t, 400, "validation_failed", "format")
	})
}

// Another tenant's case is not found on every route, and nothing changes.
func TestCasesOfAnotherTenantAreNotFound(t *testing.T) {
	e := newCaseEnv(t, "")
	c := e.open("acme", "wal_a", sg.CaseAMLAlert)
	other := caseCall{tenant: "globex", path: path(c.ID)}
	for name, tc := range map[string]struct {
		h    httpapi.Handler
		body string
	}{
		"get":      {e.h.Get, ""},
		"assign":   {e.h.Assign, `{"assignee":"mallory"}`},
		"note":     {e.h.Note, `{"text":"hi"}`},
		"evidence": {e.h.Evidence, `{"addresses":[{"chain":"ethereum","address":"0x52908400098527886E0F7030069857D2E4169EE7"}]}`},
		"status":   {e.h.Status, `{"status":"escalated"}`},
		"decision": {e.h.Decide, `{"outcome":"closed_no_action","reason":"mine now"}`},
		"export":   {e.h.Export, ""},
	} {
		call := other
		call.body = tc.body
		e.do(tc.h, call).refused(t, 404, "not_found", "")
		_ = name
	}
	e.do(e.h.Get, caseCall{path: path("case_nope")}).refused(t, 404, "not_found", "")
	got, err := e.cases.Get(bg, "acme", c.ID)
	if err != nil || got.Version != c.Version || got.Status != sg.CaseOpen || got.Assignee != "" || len(got.Notes) != 0 {
		t.Fatalf("another tenant changed the case: %+v, %v", got, err)
	}
}

// A deployment that names a course: an officer without its certificate
// is refused and nothing is written; one who holds it decides, and the
// certificate is kept with the decision.
func TestDecisionNeedsTheOfficersCertificate(t *testing.T) {
	e := newCaseEnv(t, officerCourse)
	c := e.open("acme", "wal_a", sg.CaseAMLAlert)
	body := `{"outcome":"closed_no_action","reason":"false positive"}`
	e.do(e.h.Decide, caseCall{path: path(c.ID), subject: "officer-1", body: body}).refused(t, 422, "officer_not_certified", "")
	// A certificate of another course, of another officer or another tenant's does not count.
	e.certify("acme", "officer-1", "key-security")
	e.certify("acme", "officer-2", officerCourse)
	e.certify("globex", "officer-1", officerCourse)
	e.do(e.h.Decide, caseCall{path: path(c.ID), subject: "officer-1", body: body}).refused(t, 422, "officer_not_certified", "")
	if got, _ := e.cases.Get(bg, "acme", c.ID); got.Version != c.Version || got.Decision != nil || got.Status != sg.CaseOpen {
		t.Fatalf("a refused decision wrote %+v", got)
	}
	cert := e.certify("acme", "officer-1", officerCourse)
	v := e.do(e.h.Decide, caseCall{path: path(c.ID), subject: "officer-1", body: body}).caseView(t)
	if v.Decision == nil || v.Decision.Certificate == nil || v.Decision.Certificate.CertificateID != cert || v.Decision.Certificate.CourseID != officerCourse {
		t.Fatalf("decision %+v", v.Decision)
	}
	stored, err := e.comp.Case(bg, "acme", c.ID)
	if err != nil || stored.Decision == nil || stored.Decision.Certificate == nil || stored.Decision.Certificate.CertificateID != cert {
		t.Fatalf("stored decision %+v, %v", stored.Decision, err)
	}
	var x compliance.CaseExport
	e.do(e.h.Export, caseCall{path: path(c.ID)}).decode(t, &x)
	if x.Decision == nil || x.Decision.CertificateID != cert {
		t.Fatalf("export's decision %+v", x.Decision)
	}
}

func TestOfficerRoutesNeedASubject(t *testing.T) {
	e := newCaseEnv(t, "")
	c := e.open("acme", "wal_a", sg.CaseAMLAlert)
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: `{"text":"x"}`, PathParameters: path(c.ID),
		RequestContext: events.APIGatewayV2HTTPRequestContext{Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{httpapi.TenantClaim: "acme"}}}}}
	resp, err := httpapi.Wrap("t", e.h.Note)(bg, req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a token without a subject: %d %s, %v", resp.StatusCode, resp.Body, err)
	}
}

func TestCaseNoteTakesAnIdempotencyKey(t *testing.T) {
	e := newCaseEnv(t, "")
	c := e.open("acme", "wal_a", sg.CaseAMLAlert)
	note := func(key, text string) caseReply {
		return e.do(e.h.Note, caseCall{path: path(c.ID), headers: map[string]string{"idempotency-key": key}, body: `{"text":"` + text + `"}`})
	}
	t.Run("a note without a key is refused and adds nothing", func(t *testing.T) {
		note("", "no key").refused(t, 400, "idempotency_key_missing", "Idempotency-Key")
		if got, _ := e.cases.Get(bg, "acme", c.ID); len(got.Notes) != 0 {
			t.Fatalf("notes %+v; want none", got.Notes)
		}
	})
	first := note("n-1", "called the customer")
	first.want(t, 200)
	t.Run("a replay answers with the first answer and adds no second note", func(t *testing.T) {
		e.clock.Add(time.Minute)
		again := note("n-1", "called the customer")
		again.want(t, 200)
		if again.body != first.body {
			t.Fatalf("replay %s; want the first answer %s", again.body, first.body)
		}
		if got, _ := e.cases.Get(bg, "acme", c.ID); len(got.Notes) != 1 {
			t.Fatalf("notes %+v; want one", got.Notes)
		}
	})
	t.Run("the same key with another text is idempotency_key_reused", func(t *testing.T) {
		note("n-1", "another text").refused(t, 409, "idempotency_key_reused", "Idempotency-Key")
		if got, _ := e.cases.Get(bg, "acme", c.ID); len(got.Notes) != 1 {
			t.Fatalf("notes %+v; want one", got.Notes)
		}
	})
	t.Run("a new key adds a second note", func(t *testing.T) {
		v := note("n-2", "sent the documents").caseView(t)
		if len(v.Notes) != 2 || v.Notes[1].Text != "sent the documents" {
			t.Fatalf("notes %+v", v.Notes)
		}
	})
	t.Run("a refused note gives its key back", func(t *testing.T) {
		if _, _, err := e.cases.Decide(bg, "acme", c.ID, "officer-1", sg.CaseClosedNoAction, "fine"); err != nil {
			t.Fatal(err)
		}
		note("n-3", "late").refused(t, 409, "case_closed", "")
		note("n-3", "late").refused(t, 409, "case_closed", "")
	})
}
