package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/kycprovider"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Customers, KYC and privacy on the local stack (issue 15, must-show 5):
// seeded PII never appears in the functions' logs nor in plain text in any
// item of the table; after erasure it cannot be read back; the books and
// the audit chain still verify. And the KYC flow end to end with the dev
// provider the stack serves: start, the provider's signed callback,
// a forged one refused, the review queue and an officer's decision.

type custCustomerJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth"`
	Country     string `json:"country"`
	Documents   []struct{ Kind, Reference string }
	Erased      bool  `json:"erased"`
	Version     int64 `json:"version"`
	KYC         struct {
		Status      string `json:"status"`
		Tier        string `json:"tier"`
		Provider    string `json:"provider"`
		ProviderRef string `json:"provider_ref"`
		ReviewedBy  string `json:"reviewed_by"`
	} `json:"kyc"`
}

func custToken(t *testing.T, e *env, ten string, scopes ...string) string {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"compliance"}
	}
	return e.token(t, ten, scopes...)
}

func custCreate(t *testing.T, e *env, tok string, body string) custCustomerJSON {
	t.Helper()
	r := e.do(t, "POST", "/v1/customers", tok, idem(), []byte(body))
	if r.status != 201 {
		t.Fatalf("create customer: %d %s", r.status, r.body)
	}
	var c custCustomerJSON
	r.json(t, &c)
	return c
}

func custGet(t *testing.T, e *env, tok, id string) (reply, custCustomerJSON) {
	t.Helper()
	r := e.do(t, "GET", "/v1/customers/"+id, tok, nil, nil)
	var c custCustomerJSON
	if r.status == 200 {
		r.json(t, &c)
	}
	return r, c
}

// custLogs reads every log file of the stack (the functions' JSON lines
// and the emulators').
func custLogs(t *testing.T) string {
	t.Helper()
	state := os.Getenv("STABLEGATE_STATE")
	if state == "" {
		t.Fatal("STABLEGATE_STATE is not set")
	}
	files, _ := filepath.Glob(filepath.Join(state, "logs", "*.log"))
	var b strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
	return b.String()
}

// custScanTable returns each item of the table holding one of the values
// in plain text, in any attribute at any depth (strings, and the bytes of
// binary attributes).
func custScanTable(t *testing.T, e *env, values ...string) []string {
	t.Helper()
	var hits []string
	p := dynamodb.NewScanPaginator(rawDB(t), &dynamodb.ScanInput{TableName: &e.table})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			n++
			var text strings.Builder
			custFlatten(&types.AttributeValueMemberM{Value: it}, &text)
			for _, v := range values {
				if strings.Contains(text.String(), v) {
					hits = append(hits, fmt.Sprintf("%v holds %q", it["PK"], v))
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the scan read no items")
	}
	return hits
}

func custFlatten(av types.AttributeValue, b *strings.Builder) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		b.WriteString(v.Value + "\n")
	case *types.AttributeValueMemberB:
		b.Write(v.Value)
		b.WriteString("\n")
	case *types.AttributeValueMemberN:
		b.WriteString(v.Value + "\n")
	case *types.AttributeValueMemberSS:
		b.WriteString(strings.Join(v.Value, "\n") + "\n")
	case *types.AttributeValueMemberBS:
		for _, x := range v.Value {
			b.Write(x)
			b.WriteString("\n")
		}
	case *types.AttributeValueMemberL:
		for _, x := range v.Value {
			custFlatten(x, b)
		}
	case *types.AttributeValueMemberM:
		for k, x := range v.Value {
			b.WriteString(k + "\n")
			custFlatten(x, b)
		}
	}
}

func TestCompliance_SeededPIINeverInLogsOrTableAndErasureHolds(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := custToken(t, e, ten)
	salt := strings.ToUpper(randHex(4))
	name := "Wenceslas Orrinthwaite-" + salt
	renamed := "Philippa Quenby-" + salt
	doc := "PZK-" + salt + "-4471"
	dob := "1951-0" + strconv.Itoa(1+int(salt[0])%9) + "-17"
	body := `{"name":"` + name + `","date_of_birth":"` + dob + `","country":"IS","documents":[{"kind":"passport","reference":"` + doc + `"}]}`
	secrets := []string{name, renamed, doc, "Orrinthwaite-" + salt, "Quenby-" + salt}

	// The compliance-scoped caller reads the PII back; others may not.
	key := idem()
	r := e.do(t, "POST", "/v1/customers", tok, key, []byte(body))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var c custCustomerJSON
	r.json(t, &c)
	if c.Name != name || c.DateOfBirth != dob || len(c.Documents) != 1 || c.Documents[0].Reference != doc || c.KYC.Status != "none" {
		t.Fatalf("created: %s", r.body)
	}
	again := e.do(t, "POST", "/v1/customers", tok, key, []byte(body))
	var c2 custCustomerJSON
	again.json(t, &c2)
	if again.status != 201 || c2.ID != c.ID || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a retry with the key: %d %s", again.status, again.body)
	}
	if r := e.do(t, "POST", "/v1/customers", tok, key, []byte(strings.Replace(body, `"IS"`, `"NO"`, 1))); r.errCode() != "idempotency_key_reused" {
		t.Fatalf("the key with another body: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/customers", tok, idem(), []byte(`{"name":"A","country":"IS","ssn":"1"}`)); r.status != 400 || r.errCode() != "unknown_field" {
		t.Fatalf("an unknown field: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/customers/"+c.ID, e.token(t, ten, "wallets:read"), nil, nil); r.status != 403 {
		t.Fatalf("without scope compliance: %d %s", r.status, r.body)
	}
	if r, _ := custGet(t, e, custToken(t, e, tenant()), c.ID); r.status != 404 || r.errCode() != "not_found" {
		t.Fatalf("another tenant's customer: %d %s", r.status, r.body)
	}
	r = e.do(t, "PATCH", "/v1/customers/"+c.ID, tok, nil, []byte(`{"version":`+strconv.FormatInt(c.Version, 10)+`,"name":"`+renamed+`"}`))
	if r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if _, got := custGet(t, e, tok, c.ID); got.Name != renamed || got.DateOfBirth != dob {
		t.Fatalf("after patch: %+v", got)
	}
	ex := e.do(t, "GET", "/v1/customers/"+c.ID+"/export", tok, nil, nil)
	if ex.status != 200 || !strings.Contains(string(ex.body), renamed) || !strings.Contains(string(ex.body), doc) {
		t.Fatalf("export: %d %s", ex.status, ex.body)
	}
	// A wallet of the customer, and a KYC start through the dev provider:
	// more paths that carry the customer.
	wt := e.token(t, ten, "wallets:write", "wallets:read", "reconciliation:read")
	if r := e.do(t, "POST", "/v1/wallets", wt, idem(), createBody(c.ID)); r.status != 201 {
		t.Fatalf("wallet of the customer: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/wallets", wt, idem(), createBody(sg.NewID(sg.CustomerIDPrefix, time.Now()))); r.status != 400 || r.errParam() != "customer_ref" {
		t.Fatalf("a wallet for a customer id that names no customer: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/customers/"+c.ID+"/kyc", tok, nil, nil); r.status != 200 {
		t.Fatalf("kyc start: %d %s", r.status, r.body)
	}
	// Audit records about the customer (ids only) before the erasure: the
	// chain must still verify after it.
	st := dynamo.New(rawDB(t), e.table)
	au := audit.New(st.Audit, nil)
	for _, a := range []string{"customer.created", "kyc.started"} {
		if _, err := au.Append(context.Background(), ten, "test-user", a, c.ID, json.RawMessage(`{"customer":"`+c.ID+`"}`)); err != nil {
			t.Fatalf("audit append: %v", err)
		}
	}

	// Nowhere in plain text: no table item, no log line.
	if hits := custScanTable(t, e, secrets...); len(hits) > 0 {
		t.Fatalf("PII in plain text in the table:\n%s", strings.Join(hits, "\n"))
	}
	logs := custLogs(t)
	if !strings.Contains(logs, c.ID) || !strings.Contains(logs, `"route":"POST /v1/customers"`) {
		t.Fatal("the functions' log lines of this test were not found: the log check would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Fatalf("the logs hold the PII %q", s)
		}
	}

	// Erasure: the data key is destroyed; the PII cannot be read back.
	er := e.do(t, "DELETE", "/v1/customers/"+c.ID, tok, nil, nil)
	var erased custCustomerJSON
	er.json(t, &erased)
	if er.status != 200 || !erased.Erased || erased.Name != "[erased]" {
		t.Fatalf("erase: %d %s", er.status, er.body)
	}
	g, got := custGet(t, e, tok, c.ID)
	if g.status != 200 || !got.Erased || got.Name != "[erased]" || got.DateOfBirth != "[erased]" || len(got.Documents) != 0 {
		t.Fatalf("after erasure: %d %s", g.status, g.body)
	}
	for _, s := range append(secrets, dob) {
		if strings.Contains(string(g.body), s) {
			t.Fatalf("the erased customer still reads %q: %s", s, g.body)
		}
	}
	if r := e.do(t, "GET", "/v1/customers/"+c.ID+"/export", tok, nil, nil); r.status != 409 || r.errCode() != "customer_erased" {
		t.Fatalf("export after erasure: %d %s", r.status, r.body)
	}
	stored, err := st.Customers.Customer(context.Background(), ten, c.ID)
	if err != nil || len(stored.SealedKey) != 0 || stored.ErasedAt.IsZero() {
		t.Fatalf("the stored customer keeps its data key: %v %+v", err, stored.ErasedAt)
	}
	if hits := custScanTable(t, e, secrets...); len(hits) > 0 {
		t.Fatalf("PII in plain text in the table after erasure:\n%s", strings.Join(hits, "\n"))
	}

	// The books and the audit chain still verify.
	rr := e.do(t, "GET", "/v1/reconciliation", wt, nil, nil)
	var rep reconJSON
	rr.json(t, &rep)
	if rr.status != 200 || !rep.OK {
		t.Fatalf("reconciliation after erasure: %d %s", rr.status, rr.body)
	}
	vr, err := au.Verify(context.Background(), ten)
	if err != nil || !vr.OK || vr.Records < 2 {
		t.Fatalf("audit verify after erasure: %v %+v", err, vr)
	}
	for _, s := range secrets {
		if strings.Contains(custLogs(t), s) {
			t.Fatalf("the logs hold the PII %q after erasure", s)
		}
	}
}

// custKycdev asks the stack's dev KYC provider to decide a verification.
func custKycdev(t *testing.T, ref, verdict string) {
	t.Helper()
	base := os.Getenv("STABLEGATE_KYCDEV_URL")
	if base == "" {
		t.Fatal("STABLEGATE_KYCDEV_URL is not set: the stack serves no dev KYC provider")
	}
	resp, err := http.Post(base+"/verifications/"+ref+"/"+verdict, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Fatalf("dev provider %s: %d", verdict, resp.StatusCode)
	}
}

func TestCompliance_KYCFlowWithTheDevProvider(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := custToken(t, e, ten)
	c := custCreate(t, e, tok, `{"name":"Test Person","country":"DE"}`)

	r := e.do(t, "POST", "/v1/customers/"+c.ID+"/kyc", tok, nil, []byte(`{"tier":"standard"}`))
	var start struct {
		Status, Tier, Provider, URL string
		ProviderRef                 string `json:"provider_ref"`
	}
	r.json(t, &start)
	if r.status != 200 || start.Status != "pending" || start.Tier != "standard" || start.Provider != "dev" ||
		!strings.HasPrefix(start.URL, os.Getenv("STABLEGATE_KYCDEV_URL")+"/verifications/") {
		t.Fatalf("kyc start: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/customers/"+c.ID+"/kyc", tok, nil, []byte(`{"tier":"diamond"}`)); r.status != 400 || r.errParam() != "tier" {
		t.Fatalf("an unknown tier: %d %s", r.status, r.body)
	}

	// A callback not signed with the deployment's secret changes nothing.
	now := time.Now()
	forgedBody := []byte(`{"reference":"` + kycprovider.Reference(ten, c.ID) + `","provider_ref":"` + start.ProviderRef +
		`","status":"verified","occurred_at":"` + now.UTC().Format(time.RFC3339) + `"}`)
	for name, sig := range map[string]string{
		"a forged signature": kycprovider.Sign([]byte("guessed-secret"), now, forgedBody),
		"no signature":       "",
		"garbage":            "t=1,v1=zz",
	} {
		hdr := map[string]string{kycprovider.SignatureHeader: sig}
		r := e.do(t, "POST", "/v1/kyc/callback", "", hdr, forgedBody)
		if r.status != 422 || r.errCode() != "kyc_callback_invalid" {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
	}
	if _, got := custGet(t, e, tok, c.ID); got.KYC.Status != "pending" {
		t.Fatalf("a refused callback changed the customer: %+v", got.KYC)
	}

	// The provider's signed verdict, through the public route.
	custKycdev(t, start.ProviderRef, "verify")
	_, got := custGet(t, e, tok, c.ID)
	if got.KYC.Status != "verified" || got.KYC.Tier != "standard" || got.KYC.Provider != "dev" {
		t.Fatalf("after the provider's verdict: %+v", got.KYC)
	}
	cr := e.do(t, "GET", "/v1/customers/"+c.ID+"/compliance", tok, nil, nil)
	var view struct {
		KYCStatus    string   `json:"kyc_status"`
		Tier         string   `json:"tier"`
		Capabilities []string `json:"capabilities"`
		Limits       []struct{ Scope, Window, Limit, Used string }
	}
	cr.json(t, &view)
	if cr.status != 200 || view.KYCStatus != "verified" || view.Tier != "standard" || !strings.Contains(strings.Join(view.Capabilities, ","), "cross_chain") || len(view.Limits) == 0 {
		t.Fatalf("compliance view: %d %s", cr.status, cr.body)
	}
	if strings.Contains(string(cr.body), "Test Person") {
		t.Fatalf("the compliance view shows PII: %s", cr.body)
	}

	// The review queue: a verification the provider sends to review stays
	// pending, is listed for officers, and an officer decides it.
	d := custCreate(t, e, tok, `{"name":"Review Person","country":"FR"}`)
	r = e.do(t, "POST", "/v1/customers/"+d.ID+"/kyc", tok, nil, nil)
	r.json(t, &start)
	custKycdev(t, start.ProviderRef, "review")
	q := e.do(t, "GET", "/v1/kyc/reviews", tok, nil, nil)
	var queue struct{ Data []custCustomerJSON }
	q.json(t, &queue)
	if q.status != 200 || len(queue.Data) != 1 || queue.Data[0].ID != d.ID || queue.Data[0].Name != "Review Person" {
		t.Fatalf("review queue: %d %s", q.status, q.body)
	}
	ver := strconv.FormatInt(queue.Data[0].Version, 10)
	if r := e.do(t, "POST", "/v1/customers/"+d.ID+"/kyc/review", tok, nil, []byte(`{"version":1,"decision":"approve","reason":"ok"}`)); r.errCode() != "customer_changed" {
		t.Fatalf("a decision over a stale version: %d %s", r.status, r.body)
	}
	r = e.do(t, "POST", "/v1/customers/"+d.ID+"/kyc/review", tok, nil, []byte(`{"version":`+ver+`,"decision":"reject","reason":"document expired"}`))
	var decided custCustomerJSON
	r.json(t, &decided)
	if r.status != 200 || decided.KYC.Status != "rejected" || decided.KYC.ReviewedBy != "test-user" {
		t.Fatalf("officer decision: %d %s", r.status, r.body)
	}
	if q := e.do(t, "GET", "/v1/kyc/reviews", tok, nil, nil); strings.Contains(string(q.body), d.ID) {
		t.Fatalf("a decided customer is still queued: %s", q.body)
	}
	if r := e.do(t, "GET", "/v1/kyc/reviews", e.token(t, ten, "wallets:read"), nil, nil); r.status != 403 {
		t.Fatalf("the queue without scope compliance: %d", r.status)
	}

	// The tier table is versioned data.
	tr := e.do(t, "GET", "/v1/compliance/tiers", tok, nil, nil)
	var tt struct {
		Version int64
		Tiers   []json.RawMessage
	}
	tr.json(t, &tt)
	if tr.status != 200 || tt.Version != 0 || len(tt.Tiers) != 4 {
		t.Fatalf("tiers: %d %s", tr.status, tr.body)
	}
	put := `{"version":0,"default":"none","verified":"basic","kyc_validity_days":90,"tiers":[{"name":"none","total":{"single":"10","day":"10","month":"10"},"capabilities":["payouts"]},{"name":"basic","total":{"single":"100","day":"100","month":"100"},"capabilities":["payouts","cross_chain"]}]}`
	if r := e.do(t, "PUT", "/v1/compliance/tiers", tok, nil, []byte(put)); r.status != 200 {
		t.Fatalf("put tiers: %d %s", r.status, r.body)
	}
	if r := e.do(t, "PUT", "/v1/compliance/tiers", tok, nil, []byte(put)); r.errCode() != "tiers_changed" {
		t.Fatalf("a put over a stale version: %d %s", r.status, r.body)
	}
	// The expiry job runs (nothing of this test is due).
	if _, ok := runJob(t, "kyc-expire").(map[string]int); !ok {
		t.Fatal("kyc-expire answered no count")
	}
}
