package complianceapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/internal/dev/kycdev"
	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kycprovider"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The customer, KYC and tier routes over the in-memory twins, each called
// as its function calls it (through httpapi.Wrap, whose log lines, with the
// services', are captured to prove no PII reaches them).

type custLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *custLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *custLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type custRig struct {
	t      *testing.T
	h      complianceapi.Customers
	tiers  complianceapi.Tiers
	dev    *kycdev.Provider
	store  *memstore.Customers
	logs   *custLog
	stdout *os.File // the access log lines of httpapi.Wrap
}

var custSecret = []byte("cust-handler-test-secret")

func newCustRig(t *testing.T) *custRig {
	t.Helper()
	r := &custRig{t: t, store: memstore.NewCustomers(), logs: &custLog{}}
	log := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cus := &compliance.Customers{Store: r.store, Sealer: &memstore.Sealer{}, Log: log}
	lim := &compliance.Limits{Store: r.store, Counters: r.store}
	r.dev = &kycdev.Provider{Secret: custSecret}
	srv := httptest.NewServer(r.dev)
	t.Cleanup(srv.Close)
	prov := &kycprovider.Client{ProviderName: "dev", BaseURL: srv.URL, APIKey: "k", Secrets: [][]byte{custSecret}, HTTP: srv.Client()}
	r.h = complianceapi.Customers{Svc: cus, Idem: memstore.New(), KYC: &compliance.KYC{Customers: cus, Provider: prov},
		Views: &compliance.ComplianceViews{Customers: cus, Limits: lim}}
	r.tiers = complianceapi.Tiers{Svc: &compliance.Tiers{Store: r.store}}
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	r.stdout = f
	return r
}

// allLogs is every line the services and the wrapped handlers wrote.
func (r *custRig) allLogs() string {
	b, err := os.ReadFile(r.stdout.Name())
	if err != nil {
		r.t.Fatal(err)
	}
	return r.logs.String() + string(b)
}

type custCall struct {
	tenant string
	key    string
	path   map[string]string
	query  map[string]string
	body   string
	header map[string]string
	public bool // no authorizer claims (the KYC callback)
}

type custReply struct {
	status int
	body   string
}

func (r *custRig) do(h httpapi.Handler, c custCall) custReply {
	r.t.Helper()
	tenant := c.tenant
	if tenant == "" {
		tenant = "acme"
	}
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: c.body, PathParameters: c.path,
		QueryStringParameters: c.query, RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": "officer-7"}, Scopes: []string{"compliance"}}}}}
	if c.public {
		req.RequestContext.Authorizer = nil
	}
	if c.key != "" {
		req.Headers["idempotency-key"] = c.key
	}
	for k, v := range c.header {
		req.Headers[strings.ToLower(k)] = v
	}
	out := os.Stdout
	os.Stdout = r.stdout
	w := httpapi.Wrap("test", h)
	os.Stdout = out
	resp, err := w(context.Background(), req)
	if err != nil {
		r.t.Fatalf("Wrap returned an error: %v", err)
	}
	return custReply{resp.StatusCode, resp.Body}
}

func (p custReply) want(t *testing.T, status int, code, param string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Param, Message string }
	}
	_ = json.Unmarshal([]byte(p.body), &e) // a success has no error
	if p.status != status || e.Error.Code != code || (param != "" && e.Error.Param != param) {
		t.Fatalf("got %d %s (param %q) %s; want %d %s (param %q)", p.status, e.Error.Code, e.Error.Param, p.body, status, code, param)
	}
}

func (p custReply) view(t *testing.T) complianceapi.CustomerView {
	t.Helper()
	var v complianceapi.CustomerView
	if err := json.Unmarshal([]byte(p.body), &v); err != nil {
		t.Fatalf("%s: %v", p.body, err)
	}
	return v
}

const (
	custName = "Quillon Vantreese-Morrow"
	custDoc  = "PASS-ZX81-77Q2"
)

var custBody = `{"name":"` + custName + `","date_of_birth":"1969-07-20","country":"NZ","documents":[{"kind":"passport","reference":"` + custDoc + `"}]}`

func (r *custRig) create(tenant, key string) complianceapi.CustomerView {
	r.t.Helper()
	p := r.do(r.h.Create, custCall{tenant: tenant, key: key, body: custBody})
	p.want(r.t, 201, "", "")
	return p.view(r.t)
}

func custID(id string) map[string]string { return map[string]string{"customer_id": id} }

func TestCustomersCreateRefusesBadInputAndWritesNothing(t *testing.T) {
	r := newCustRig(t)
	for _, c := range []struct {
		name, key, body, code, param string
		status                       int
	}{
		{"no idempotency key", "", custBody, "idempotency_key_missing", "Idempotency-Key", 400},
		{"an unknown field", "k1", `{"name":"A","country":"DE","nickname":"x"}`, "unknown_field", "nickname", 400},
		{"no name", "k1", `{"country":"DE"}`, "validation_failed", "name", 400},
		{"a country that is not alpha-2", "k1", `{"name":"A","country":"Germany"}`, "validation_failed", "country", 400},
		{"a lower-case country", "k1", `{"name":"A","country":"de"}`, "validation_failed", "country", 400},
		{"a date of birth that is no date", "k1", `{"name":"A","country":"DE","date_of_birth":"20/07/1969"}`, "validation_failed", "date_of_birth", 400},
		{"a document with no reference", "k1", `{"name":"A","country":"DE","documents":[{"kind":"passport"}]}`, "validation_failed", "documents[0].reference", 400},
		{"eleven documents", "k1", `{"name":"A","country":"DE","documents":[` + strings.Repeat(`{"kind":"a","reference":"b"},`, 10) + `{"kind":"a","reference":"b"}]}`, "validation_failed", "documents", 400},
		{"not JSON", "k1", `{"name":`, "invalid_json", "", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			r.do(r.h.Create, custCall{key: c.key, body: c.body}).want(t, c.status, c.code, c.param)
		})
	}
	if n := len(r.store.Items()); n != 0 {
		t.Fatalf("refused creates wrote %d items", n)
	}
}

func TestCustomersIdempotentCreateAndTenancy(t *testing.T) {
	r := newCustRig(t)
	first := r.create("acme", "key-1")
	if first.Name != custName || first.Country != "NZ" || first.KYC.Status != sg.KYCNone || first.Version != 1 ||
		len(first.Documents) != 1 || first.Documents[0].Reference != custDoc {
		t.Fatalf("created: %+v", first)
	}
	time.Sleep(2 * time.Millisecond) // a retry in another millisecond meets the same customer
	again := r.create("acme", "key-1")
	if again.ID != first.ID || again.CreatedAt != first.CreatedAt {
		t.Fatalf("a replay made another customer: %s then %s", first.ID, again.ID)
	}
	other := strings.Replace(custBody, "NZ", "AU", 1)
	r.do(r.h.Create, custCall{key: "key-1", body: other}).want(t, 409, "idempotency_key_reused", "Idempotency-Key")
	if n := len(r.store.Items()); n != 1 {
		t.Fatalf("%d customers stored; want 1", n)
	}
	// The same key in another tenant is another customer.
	if b := r.create("globex", "key-1"); b.ID == first.ID {
		t.Fatal("two tenants' keys made one customer")
	}
	// Another tenant's customer is not found, on every route.
	for name, h := range map[string]httpapi.Handler{"get": r.h.Get, "export": r.h.Export, "erase": r.h.Erase, "compliance": r.h.Compliance, "kyc": r.h.StartKYC} {
		r.do(h, custCall{tenant: "globex", path: custID(first.ID)}).want(t, 404, "not_found", "")
		_ = name
	}
	r.do(r.h.Update, custCall{tenant: "globex", path: custID(first.ID), body: `{"version":1,"name":"X"}`}).want(t, 404, "not_found", "")
	r.do(r.h.Review, custCall{tenant: "globex", path: custID(first.ID), body: `{"version":1,"decision":"approve","reason":"ok"}`}).want(t, 404, "not_found", "")
	r.do(r.h.Get, custCall{path: custID("cus_nope")}).want(t, 404, "not_found", "")
	got := r.do(r.h.Get, custCall{path: custID(first.ID)})
	got.want(t, 200, "", "")
	if v := got.view(t); v.Name != custName {
		t.Fatalf("get: %+v", v)
	}
}

func TestCustomersUpdateEraseExportAndNoPIIInLogs(t *testing.T) {
	r := newCustRig(t)
	c := r.create("acme", "k")
	r.do(r.h.Update, custCall{path: custID(c.ID), body: `{"version":2,"country":"AU"}`}).want(t, 409, "customer_changed", "")
	r.do(r.h.Update, custCall{path: custID(c.ID), body: `{"country":"AU"}`}).want(t, 400, "validation_failed", "version")
	up := r.do(r.h.Update, custCall{path: custID(c.ID), body: `{"version":1,"country":"AU"}`})
	up.want(t, 200, "", "")
	if v := up.view(t); v.Country != "AU" || v.Name != custName || v.Version != 2 {
		t.Fatalf("updated: %+v", v)
	}
	ex := r.do(r.h.Export, custCall{path: custID(c.ID)})
	ex.want(t, 200, "", "")
	if !strings.Contains(ex.body, custName) || !strings.Contains(ex.body, custDoc) {
		t.Fatalf("export lacks the customer's data: %s", ex.body)
	}
	er := r.do(r.h.Erase, custCall{path: custID(c.ID)})
	er.want(t, 200, "", "")
	if v := er.view(t); !v.Erased || v.Name != sg.ErasedPII || v.ErasedAt == nil {
		t.Fatalf("erased: %+v", v)
	}
	r.do(r.h.Erase, custCall{path: custID(c.ID)}).want(t, 200, "", "")
	g := r.do(r.h.Get, custCall{path: custID(c.ID)})
	g.want(t, 200, "", "")
	if strings.Contains(g.body, custName) || strings.Contains(g.body, custDoc) || g.view(t).Name != sg.ErasedPII {
		t.Fatalf("erased customer still reads its PII: %s", g.body)
	}
	r.do(r.h.Export, custCall{path: custID(c.ID)}).want(t, 409, "customer_erased", "")
	r.do(r.h.Update, custCall{path: custID(c.ID), body: `{"version":3,"name":"B"}`}).want(t, 409, "customer_erased", "")
	r.do(r.h.StartKYC, custCall{path: custID(c.ID)}).want(t, 409, "customer_erased", "")
	for _, it := range r.store.Items() {
		if bytes.Contains(it, []byte(custName)) || bytes.Contains(it, []byte(custDoc)) {
			t.Fatalf("a stored item holds PII in plain text: %s", it)
		}
	}
	logs := r.allLogs()
	if !strings.Contains(logs, c.ID) || !strings.Contains(logs, `"status":200`) {
		t.Fatalf("the logs were not captured: %s", logs)
	}
	for _, v := range []string{custName, custDoc, "1969-07-20"} {
		if strings.Contains(logs, v) {
			t.Fatalf("the logs hold the PII %q", v)
		}
	}
}

func TestKYCStartCallbackReviewAndCompliance(t *testing.T) {
	r := newCustRig(t)
	c := r.create("acme", "k")
	r.do(r.h.StartKYC, custCall{path: custID(c.ID), body: `{"tier":"gold"}`}).want(t, 400, "validation_failed", "tier")
	st := r.do(r.h.StartKYC, custCall{path: custID(c.ID), body: `{"tier":"standard"}`})
	st.want(t, 200, "", "")
	var ks complianceapi.KYCStartView
	if err := json.Unmarshal([]byte(st.body), &ks); err != nil || ks.Status != sg.KYCPending || ks.ProviderRef == "" || ks.URL == "" || ks.Tier != "standard" {
		t.Fatalf("start: %s", st.body)
	}
	sig, body, err := r.dev.Callback(ks.ProviderRef, "verified", "documents match", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// A forged or missing signature, or an altered body, changes nothing.
	forged := kycprovider.Sign([]byte("not-the-secret"), time.Now(), body)
	r.do(r.h.Callback, custCall{public: true, body: string(body), header: map[string]string{kycprovider.SignatureHeader: forged}}).want(t, 422, "kyc_callback_invalid", "")
	r.do(r.h.Callback, custCall{public: true, body: string(body)}).want(t, 422, "kyc_callback_invalid", "")
	altered := strings.Replace(string(body), "verified", "rejected", 1)
	r.do(r.h.Callback, custCall{public: true, body: altered, header: map[string]string{kycprovider.SignatureHeader: sig}}).want(t, 422, "kyc_callback_invalid", "")
	if v := r.do(r.h.Get, custCall{path: custID(c.ID)}).view(t); v.KYC.Status != sg.KYCPending {
		t.Fatalf("a refused callback changed the customer: %+v", v.KYC)
	}
	r.do(r.h.Callback, custCall{public: true, body: string(body), header: map[string]string{kycprovider.SignatureHeader: sig}}).want(t, 200, "", "")
	v := r.do(r.h.Get, custCall{path: custID(c.ID)}).view(t)
	if v.KYC.Status != sg.KYCVerified || v.KYC.Tier != "standard" || v.KYC.ExpiresAt == nil {
		t.Fatalf("after the callback: %+v", v.KYC)
	}
	cv := r.do(r.h.Compliance, custCall{path: custID(c.ID)})
	cv.want(t, 200, "", "")
	var view complianceapi.ComplianceStatusView
	if err := json.Unmarshal([]byte(cv.body), &view); err != nil {
		t.Fatal(err)
	}
	if view.KYCStatus != sg.KYCVerified || view.Tier != "standard" || len(view.Limits) == 0 || strings.Contains(cv.body, custName) {
		t.Fatalf("compliance view: %s", cv.body)
	}
	found := false
	for _, l := range view.Limits {
		if l.Scope == sg.ScopeAll && l.Window == sg.WindowDay {
			found = l.Limit == "200000.000000" && l.Used == "0.000000" && l.Remaining != nil && *l.Remaining == l.Limit
		}
	}
	if !found {
		t.Fatalf("the standard tier's daily limit is not shown whole: %s", cv.body)
	}

	// The review queue: a provider asking for review leaves the customer
	// pending, listed with its PII; an officer decides over the version.
	d := r.create("acme", "k2")
	st = r.do(r.h.StartKYC, custCall{path: custID(d.ID)})
	_ = json.Unmarshal([]byte(st.body), &ks)
	q := r.do(r.h.Reviews, custCall{})
	q.want(t, 200, "", "")
	var list struct {
		Data []complianceapi.CustomerView
	}
	_ = json.Unmarshal([]byte(q.body), &list)
	if len(list.Data) != 1 || list.Data[0].ID != d.ID || list.Data[0].Name != custName {
		t.Fatalf("review queue: %s", q.body)
	}
	r.do(r.h.Reviews, custCall{query: map[string]string{"limit": "0"}}).want(t, 400, "validation_failed", "limit")
	ver := strconv.FormatInt(list.Data[0].Version, 10)
	r.do(r.h.Review, custCall{path: custID(d.ID), body: `{"version":` + ver + `,"decision":"maybe","reason":"x"}`}).want(t, 400, "validation_failed", "decision")
	r.do(r.h.Review, custCall{path: custID(d.ID), body: `{"version":` + ver + `,"decision":"approve"}`}).want(t, 400, "validation_failed", "reason")
	r.do(r.h.Review, custCall{path: custID(d.ID), body: `{"version":1,"decision":"approve","reason":"ok"}`}).want(t, 409, "customer_changed", "")
	ok := r.do(r.h.Review, custCall{path: custID(d.ID), body: `{"version":` + ver + `,"decision":"approve","tier":"plus","reason":"documents checked by hand"}`})
	ok.want(t, 200, "", "")
	if v := ok.view(t); v.KYC.Status != sg.KYCVerified || v.KYC.Tier != "plus" || v.KYC.ReviewedBy != "officer-7" {
		t.Fatalf("reviewed: %+v", v.KYC)
	}
	r.do(r.h.Review, custCall{path: custID(d.ID), body: `{"version":` + strconv.FormatInt(ok.view(t).Version, 10) + `,"decision":"reject","reason":"x"}`}).want(t, 409, "kyc_not_pending", "")
}

func TestTiersGetPutVersioned(t *testing.T) {
	r := newCustRig(t)
	g := r.do(r.tiers.Get, custCall{})
	g.want(t, 200, "", "")
	var tt complianceapi.TierTableView
	if err := json.Unmarshal([]byte(g.body), &tt); err != nil || tt.Version != 0 || tt.Default != sg.TierNone || len(tt.Tiers) != 4 {
		t.Fatalf("default table: %s", g.body)
	}
	put := `{"version":0,"default":"none","verified":"basic","kyc_validity_days":30,"tiers":[
	  {"name":"none","total":{"single":"100","day":"100","month":"300"},"capabilities":["payouts"]},
	  {"name":"basic","per_chain":{"tron":{"single":"50","day":"60","month":"70"}},"total":{"single":"1000","day":"2000","month":"3000"},"capabilities":["payouts","cross_border"]}]}`
	p := r.do(r.tiers.Put, custCall{body: put})
	p.want(t, 200, "", "")
	if err := json.Unmarshal([]byte(p.body), &tt); err != nil || tt.Version != 1 || tt.KYCValidityDays != 30 || tt.Tiers[1].PerChain["tron"].Day != "60.000000" {
		t.Fatalf("put: %s", p.body)
	}
	r.do(r.tiers.Put, custCall{body: put}).want(t, 409, "tiers_changed", "")
	for _, c := range []struct{ name, from, to, param string }{
		{"an amount that is no number", `"single":"100"`, `"single":"lots"`, "tiers[0].total.single"},
		{"an unknown chain", `"per_chain":{"tron"`, `"per_chain":{"bitcoin"`, "tiers[1].per_chain"},
		{"an unknown capability", `["payouts"]`, `["teleport"]`, "tiers.capabilities"},
		{"a default that is no tier", `"default":"none"`, `"default":"gold"`, "default"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(strings.Replace(put, `"version":0`, `"version":1`, 1), c.from, c.to, 1)
			r.do(r.tiers.Put, custCall{body: body}).want(t, 400, "validation_failed", c.param)
		})
	}
	other := r.do(r.tiers.Get, custCall{tenant: "globex"})
	if err := json.Unmarshal([]byte(other.body), &tt); err != nil || tt.Version != 0 {
		t.Fatalf("another tenant sees the table: %s", other.body)
	}
}
