package auditfn_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/fn/auditfn"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

func str(v string) events.DynamoDBAttributeValue { return events.NewStringAttribute(v) }

// rec is one stream record of an item with keys pk/sk and image img.
func rec(id, name, pk, sk string, img map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
	keys := map[string]events.DynamoDBAttributeValue{"PK": str(pk), "SK": str(sk)}
	if img != nil {
		img["PK"], img["SK"] = str(pk), str(sk)
	}
	return events.DynamoDBEventRecord{EventID: id, EventName: name, Change: events.DynamoDBStreamRecord{Keys: keys, NewImage: img, SequenceNumber: "seq-" + id}}
}

func newProjector() (*audit.Service, *memstore.Audit, func(rs ...events.DynamoDBEventRecord) events.DynamoDBEventResponse) {
	st := memstore.NewAudit()
	svc := audit.New(st, nil)
	h := auditfn.Projector(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return svc, st, func(rs ...events.DynamoDBEventRecord) events.DynamoDBEventResponse {
		resp, err := h(ctx, events.DynamoDBEvent{Records: rs})
		if err != nil {
			panic(err)
		}
		return resp
	}
}

func records(t *testing.T, svc *audit.Service, scope string) []sg.AuditRecord {
	t.Helper()
	var out []sg.AuditRecord
	for r, err := range svc.Records(ctx, scope, 1, 0) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// A change delivered again (a retried batch, a redelivered record) is
// appended once, and the chain it makes verifies.
func TestProjectorAppendsOncePerStreamRecord(t *testing.T) {
	svc, _, run := newProjector()
	wallet := func() map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"id": str("wal_1"), "label": str("main")}
	}
	txn := func(state string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"id": str("txn_1"), "st": str(state), "rb": str("alice")}
	}
	batch := []events.DynamoDBEventRecord{
		rec("e1", "INSERT", "TENANT#t_a", "WALLET#wal_1", wallet()),
		rec("e2", "INSERT", "TENANT#t_a", "TXN#k1", txn("pending")),
		rec("e3", "MODIFY", "TENANT#t_a", "TXN#k1", txn("completed")),
	}
	if resp := run(batch...); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	run(batch...)     // the whole batch again
	run(batch[1])     // one record again
	run(batch[2:]...) // the tail again
	rs := records(t, svc, "t_a")
	if len(rs) != 3 {
		t.Fatalf("%d records after redeliveries; want 3", len(rs))
	}
	for i, want := range []struct{ action, subject, actor, state string }{
		{"wallet.created", "wal_1", "system:platform", ""},
		{"transfer.created", "txn_1", "user:alice", "pending"},
		{"transfer.updated", "txn_1", "user:alice", "completed"},
	} {
		r := rs[i]
		var d struct {
			State string `json:"state"`
			Image string `json:"image"`
		}
		if err := json.Unmarshal(r.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if r.Action != want.action || r.Subject != want.subject || r.Actor != want.actor || d.State != want.state || len(d.Image) != 64 {
			t.Errorf("record %d: %s %s by %s state %q image %q; want %+v", r.Seq, r.Action, r.Subject, r.Actor, d.State, d.Image, want)
		}
	}
	rep, err := svc.Verify(ctx, "t_a")
	if err != nil || !rep.OK || rep.Records != 3 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// A new change of the same item is a new record.
	run(rec("e4", "REMOVE", "TENANT#t_a", "TXN#k1", nil))
	if rs := records(t, svc, "t_a"); len(rs) != 4 || rs[3].Action != "transfer.removed" {
		t.Fatalf("after a removal: %d records, last %+v", len(rs), rs[len(rs)-1])
	}
}

// Admin, officer and platform actions are chained with their actor, in
// the tenant's chain or the platform's; purely technical items and the
// audit log's own items are not chained.
func TestProjectorScopesActorsAndSkips(t *testing.T) {
	svc, st, run := newProjector()
	img := func(kv ...string) map[string]events.DynamoDBAttributeValue {
		m := map[string]events.DynamoDBAttributeValue{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = str(kv[i+1])
		}
		return m
	}
	run(
		rec("j1", "INSERT", "TENANT#t_b", "JRNL#0000001#ab", img("actor", "officer-7", "action", "freeze.wallet")),
		rec("f1", "INSERT", "TENANT#t_b", "FREEZE#W#wal_9", img("id", "frz_1", "by", "admin-2")),
		rec("c1", "MODIFY", "TENANT#t_b", "CASE#case_1", img("id", "case_1", "status", "closed", "d_by", "officer-7", "assignee", "officer-7")),
		rec("p1", "INSERT", "PLATFORM", "FREEZE", img("id", "frz_p", "by", "root-admin")),
		rec("p2", "INSERT", "TENANT#~platform", "JRNL#0000002#cd", img("actor", "rotation", "action", "hot_key.rotated")),
		rec("r1", "INSERT", "PARKED", "t_b#txn_5", img("tenant", "t_b", "id", "txn_5")),
		// Not chained:
		rec("s1", "INSERT", "TENANT#t_b", "IDEM#transfers#key-1", img("request_hash", "x")),
		rec("s2", "MODIFY", "BAL#t_b#wal_9#ethereum#usdt#00", "BAL", img("available", "5")),
		rec("s3", "INSERT", "HIST#t_b#wal_9", "0000000000000001#txn_5", img("id", "txn_5")),
		rec("s4", "INSERT", "AUDIT#t_b", "00000000000000000001", img("hash", "x")),
		rec("s5", "MODIFY", "WATCH#ethereum", "STATE", img("version", "2")),
		rec("s7", "INSERT", "ADDR#ethereum#0xabc", "ADDR", img("tenant", "t_b", "wallet_id", "wal_9")),
		rec("s8", "INSERT", "TRACK#ethereum", "txn_5", img("tenant", "t_b")),
		rec("s9", "MODIFY", "RATE#t_b", "BUCKET", img("tokens", "99")),
		rec("s10", "INSERT", "LIVEEV#t_b#wal_9", "EV#00000000000000000001", img("tenant", "t_b")),
	)
	ttl := rec("s6", "REMOVE", "TENANT#t_b", "QUOTE#fq_1", nil)
	ttl.UserIdentity = &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}
	run(ttl)

	type want struct{ action, actor, subject string }
	check := func(scope string, ws []want) {
		t.Helper()
		rs := records(t, svc, scope)
		if len(rs) != len(ws) {
			for _, r := range rs {
				t.Logf("%s %d %s %s %s", scope, r.Seq, r.Action, r.Actor, r.Subject)
			}
			t.Fatalf("%s: %d records; want %d", scope, len(rs), len(ws))
		}
		for i, w := range ws {
			if rs[i].Action != w.action || rs[i].Actor != w.actor || rs[i].Subject != w.subject {
				t.Errorf("%s record %d: %s by %s on %s; want %+v", scope, i+1, rs[i].Action, rs[i].Actor, rs[i].Subject, w)
			}
		}
	}
	check("t_b", []want{
		{"journal_entry.created", "user:officer-7", "0000001#ab"},
		{"freeze.created", "user:admin-2", "frz_1"},
		{"case.updated", "user:officer-7", "case_1"},
		{"parked_payout.created", "system:platform", "txn_5"},
	})
	check(sg.AuditPlatformScope, []want{
		{"freeze.created", "user:root-admin", "frz_p"},
		{"journal_entry.created", "system:hot-key-rotate", "0000002#cd"},
	})
	if rs := records(t, svc, "t_b"); !strings.Contains(string(rs[0].Detail), `"journal_action":"freeze.wallet"`) {
		t.Errorf("the journal entry's action is not in its record: %s", rs[0].Detail)
	}
	scopes, _ := st.AuditScopes(ctx, "", 10)
	if strings.Join(scopes, ",") != sg.AuditPlatformScope+",t_b" {
		t.Errorf("scopes %v", scopes)
	}
}

// Must-show 5's share here: a customer's PII, sealed or (by a bug) in
// plain text, and every free-text field never reach a record; the record
// holds the item's keys, ids, state, actor and a hash only.
func TestProjectorNeverCopiesContent(t *testing.T) {
	svc, _, run := newProjector()
	secrets := []string{"Ada Lovelace", "1815-12-10", "ada@example.org", "passport GB123456", "sealed-dek-bytes", "memo: rent for flat 4"}
	nested := events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{
		"name": str(secrets[0]), "docs": events.NewListAttribute([]events.DynamoDBAttributeValue{str(secrets[3])})})
	customer := map[string]events.DynamoDBAttributeValue{
		"id": str("cus_1"), "tenant": str("t_c"), "kyc_status": str("verified"), "kyc_by": str("officer-1"),
		"pii":  events.NewBinaryAttribute([]byte(secrets[0] + "|" + secrets[1] + "|" + secrets[2])),
		"dek":  events.NewBinaryAttribute([]byte(secrets[4])),
		"name": str(secrets[0]), "dob": str(secrets[1]), "email": str(secrets[2]), "profile": nested,
	}
	txn := map[string]events.DynamoDBAttributeValue{"id": str("txn_2"), "st": str("pending"), "m": str(secrets[5]),
		"md": events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{"note": str(secrets[2])})}
	run(rec("c1", "INSERT", "TENANT#t_c", "CUS#cus_1", customer), rec("c2", "INSERT", "TENANT#t_c", "TXN#k2", txn))
	rs := records(t, svc, "t_c")
	if len(rs) != 2 {
		t.Fatalf("%d records", len(rs))
	}
	for _, r := range rs {
		all := strings.Join([]string{r.Scope, r.Actor, r.Action, r.Subject, string(r.Detail)}, "\n")
		for _, s := range secrets {
			for _, part := range strings.Fields(s) {
				if len(part) > 4 && strings.Contains(all, part) {
					t.Errorf("record %d holds %q:\n%s", r.Seq, part, all)
				}
			}
		}
	}
	if rs[0].Actor != "user:officer-1" || rs[0].Subject != "cus_1" || !strings.Contains(string(rs[0].Detail), `"state":"verified"`) {
		t.Errorf("the customer's record: %+v %s", rs[0], rs[0].Detail)
	}
	// The same content hashes the same; another content does not.
	run(rec("c3", "MODIFY", "TENANT#t_c", "CUS#cus_1", customer))
	customer["email"] = str("eve@example.org")
	run(rec("c4", "MODIFY", "TENANT#t_c", "CUS#cus_1", customer))
	rs = records(t, svc, "t_c")
	img := func(r sg.AuditRecord) string {
		var d struct{ Image string }
		_ = json.Unmarshal(r.Detail, &d)
		return d.Image
	}
	if img(rs[0]) != img(rs[2]) || img(rs[2]) == img(rs[3]) {
		t.Errorf("image hashes %s %s %s", img(rs[0]), img(rs[2]), img(rs[3]))
	}
}

// flaky fails every batch of one scope.
type flaky struct {
	*audit.Service
	scope string
}

func (f flaky) RecordBatch(ctx context.Context, es []sg.AuditEntry) (int, error) {
	if len(es) > 0 && es[0].Scope == f.scope {
		return 0, sg.Unavailable("test", errors.New("throttled"))
	}
	return f.Service.RecordBatch(ctx, es)
}

// A batch's changes of several tenants go to each tenant's chain in
// stream order; when one chain cannot be appended to, the earliest of its
// records is reported, the stream delivers from there again, and in the
// end each change is in its chain once.
func TestProjectorGroupsByScopeAndRetriesFromTheFailure(t *testing.T) {
	st := memstore.NewAudit()
	svc := audit.New(st, nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	item := func(id string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"id": str(id)}
	}
	batch := []events.DynamoDBEventRecord{
		rec("e1", "INSERT", "TENANT#t_x", "WALLET#w1", item("w1")),
		rec("e2", "INSERT", "TENANT#t_y", "WALLET#w2", item("w2")),
		rec("e3", "INSERT", "TENANT#t_x", "WALLET#w3", item("w3")),
		rec("e4", "INSERT", "TENANT#t_y", "WALLET#w4", item("w4")),
		rec("e5", "INSERT", "TENANT#t_x", "WALLET#w5", item("w5")),
	}
	resp, err := auditfn.Projector(flaky{svc, "t_y"}, quiet)(ctx, events.DynamoDBEvent{Records: batch})
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "seq-e2" {
		t.Fatalf("failures %+v, %v; want the stream to start again at e2", resp.BatchItemFailures, err)
	}
	// The stream delivers from e2 on, now with the store back.
	if resp, _ := auditfn.Projector(svc, quiet)(ctx, events.DynamoDBEvent{Records: batch[1:]}); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	for scope, want := range map[string]string{"t_x": "w1 w3 w5", "t_y": "w2 w4"} {
		var got []string
		for _, r := range records(t, svc, scope) {
			got = append(got, r.Subject)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %v; want %s", scope, got, want)
		}
	}
}
