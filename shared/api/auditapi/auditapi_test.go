package auditapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/api/auditapi"
	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

func call(t *testing.T, h httpapi.Handler, tenant string, query, path map[string]string, scopes ...string) (int, string, map[string]string) {
	t.Helper()
	req := httpapi.Request{QueryStringParameters: query, PathParameters: path, RequestContext: events.APIGatewayV2HTTPRequestContext{
		RequestID: "req-1", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"},
		Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
			Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": "alice"}, Scopes: append([]string{auditapi.ScopeRead}, scopes...)}},
	}}
	resp, err := httpapi.Wrap("audit-test", h)(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Body, resp.Headers
}

func errCode(t *testing.T, body string) string {
	var e struct{ Error struct{ Code, Param string } }
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return e.Error.Code
}

func logOf(t *testing.T, n int) (*audit.Service, auditapi.Handlers) {
	t.Helper()
	s := audit.New(memstore.NewAudit(), anchorLog{})
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { at = at.Add(time.Second); return at }
	for i := 1; i <= n; i++ {
		if _, err := s.Append(ctx, "t_a", "user:alice", "wallet.created", fmt.Sprintf("wal_%d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Append(ctx, sg.AuditPlatformScope, "user:root", "freeze.created", "frz_p", nil); err != nil {
		t.Fatal(err)
	}
	return s, auditapi.Handlers{Log: s}
}

type anchorLog struct{}

func (anchorLog) Anchor(context.Context, string, int64, string) (string, error) { return "log", nil }

// Every page size, both orders: the pages hold each record once, in
// order, and the cursor ends on the last page.
func TestListPagesTheChainBothWays(t *testing.T) {
	_, h := logOf(t, 7)
	for _, order := range []string{"asc", "desc"} {
		for limit := 1; limit <= 8; limit++ {
			var seqs []int64
			cursor := ""
			for pages := 0; ; pages++ {
				q := map[string]string{"order": order, "limit": fmt.Sprint(limit)}
				if cursor != "" {
					q["cursor"] = cursor
				}
				st, body, _ := call(t, h.List, "t_a", q, nil)
				if st != 200 {
					t.Fatalf("%s %d: %d %s", order, limit, st, body)
				}
				var p auditapi.Page
				_ = json.Unmarshal([]byte(body), &p)
				if p.Head.Seq != 7 || p.Scope != "t_a" || len(p.Data) > limit {
					t.Fatalf("page %+v", p)
				}
				for _, r := range p.Data {
					seqs = append(seqs, r.Seq)
				}
				if p.NextCursor == nil {
					break
				}
				cursor = *p.NextCursor
				if pages > 10 {
					t.Fatal("no end")
				}
			}
			want := []int64{1, 2, 3, 4, 5, 6, 7}
			if order == "desc" {
				want = []int64{7, 6, 5, 4, 3, 2, 1}
			}
			if fmt.Sprint(seqs) != fmt.Sprint(want) {
				t.Errorf("%s limit %d: %v", order, limit, seqs)
			}
		}
	}
}

func TestListRefusesBadInputAndOtherScopes(t *testing.T) {
	_, h := logOf(t, 2)
	for _, c := range []struct {
		q          map[string]string
		status     int
		code       string
		platformOK bool
	}{
		{map[string]string{"cursor": "0"}, 400, "invalid_cursor", false},
		{map[string]string{"cursor": "01"}, 400, "invalid_cursor", false},
		{map[string]string{"cursor": "x"}, 400, "invalid_cursor", false},
		{map[string]string{"limit": "201"}, 400, "validation_failed", false},
		{map[string]string{"order": "up"}, 400, "validation_failed", false},
		{map[string]string{"scope": "other"}, 400, "validation_failed", false},
		{map[string]string{"scope": "platform"}, 403, "forbidden", false},
	} {
		if st, body, _ := call(t, h.List, "t_a", c.q, nil); st != c.status || errCode(t, body) != c.code {
			t.Errorf("%v: %d %s", c.q, st, body)
		}
	}
	st, body, _ := call(t, h.List, "t_a", map[string]string{"scope": "platform"}, nil, "platform:admin")
	var p auditapi.Page
	_ = json.Unmarshal([]byte(body), &p)
	if st != 200 || p.Scope != sg.AuditPlatformScope || len(p.Data) != 1 || p.Data[0].Subject != "frz_p" {
		t.Errorf("the platform's chain: %d %s", st, body)
	}
	// Another tenant sees an empty chain, never t_a's.
	st, body, _ = call(t, h.List, "t_b", nil, nil)
	if _ = json.Unmarshal([]byte(body), &p); st != 200 || len(p.Data) != 0 || p.Head.Seq != 0 {
		t.Errorf("another tenant: %d %s", st, body)
	}
}

func TestProofAndExport(t *testing.T) {
	s, h := logOf(t, 5)
	if _, ok, err := s.AnchorNow(ctx, "t_a"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	st, body, _ := call(t, h.Proof, "t_a", nil, map[string]string{"seq": "2"})
	if st != 200 {
		t.Fatalf("proof: %d %s", st, body)
	}
	p, err := audit.ParseProof([]byte(body))
	if err != nil || audit.CheckProof(p) != nil || p.Anchor == nil || p.Anchor.Seq != 5 || p.Record.Seq != 2 {
		t.Fatalf("proof %+v: %v", p, err)
	}
	for seq, code := range map[string]string{"7": "not_found", "0": "validation_failed", "x": "validation_failed", "02": "validation_failed"} {
		if st, body, _ := call(t, h.Proof, "t_a", nil, map[string]string{"seq": seq}); errCode(t, body) != code {
			t.Errorf("proof of %q: %d %s", seq, st, body)
		}
	}
	if st, body, _ := call(t, h.Proof, "t_b", nil, map[string]string{"seq": "2"}); st != 404 {
		t.Errorf("another tenant's proof: %d %s", st, body)
	}
	st, body, hdr := call(t, h.Export, "t_a", nil, nil)
	if st != 200 || hdr["content-type"] != "application/x-ndjson" {
		t.Fatalf("export: %d %v", st, hdr)
	}
	rep, err := audit.CheckJSONL(bytes.NewReader([]byte(body)), "")
	if err != nil || !rep.OK || rep.Records != 6 || rep.Anchors != 1 {
		t.Fatalf("the export does not verify: %+v %v", rep, err)
	}
	big := auditapi.Handlers{Log: longLog{s}}
	if st, body, _ := call(t, big.Export, "t_a", nil, nil); st != 422 || errCode(t, body) != "audit_export_too_large" {
		t.Errorf("a chain over the limit: %d %s", st, body)
	}
}

// longLog says its head is past what one export holds.
type longLog struct{ *audit.Service }

func (longLog) Head(context.Context, string) (sg.AuditHead, error) {
	return sg.AuditHead{Seq: auditapi.MaxExport + 1, Hash: sg.AuditGenesis}, nil
}
