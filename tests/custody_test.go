package tests

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/envelope"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// tokenAs is a token of subject within tenant, with the default scopes and
// any extra ones.
func (e *env) tokenAs(t testing.TB, tenant, subject string, extra ...string) string {
	t.Helper()
	scopes := append([]string{"wallets:read", "wallets:write", "transfers:read", "transfers:write", "withdrawals:write",
		"policies:read", "policies:write", "approvals:write", "freezes:write"}, extra...)
	tok, err := e.issuer.Token(e.aud, tenant, subject, scopes, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type policyJSON struct {
	Version int `json:"version"`
}

func (e *env) putPolicy(t *testing.T, tok string, body string) policyJSON {
	t.Helper()
	r := e.do(t, "PUT", "/v1/policy", tok, nil, []byte(body))
	if r.status != 200 {
		t.Fatalf("put policy: %d %s", r.status, r.body)
	}
	var p policyJSON
	r.json(t, &p)
	return p
}

type approvalsJSON struct {
	withdrawalJSON
	RequestedBy string `json:"requested_by"`
	Approvals   *struct {
		Required  int `json:"required"`
		Decisions []struct {
			Approver, Decision string
		} `json:"decisions"`
	} `json:"approvals"`
}

func (e *env) withdraw(t *testing.T, tok, wallet, amount string) string {
	t.Helper()
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(wallet, "tron", tronPayee(), amount))
	if r.status != 201 {
		t.Fatalf("withdraw %s: %d %s", amount, r.status, r.body)
	}
	var w withdrawalJSON
	r.json(t, &w)
	return w.ID
}

func (e *env) decide(t *testing.T, tok, id, decision string) reply {
	t.Helper()
	return e.do(t, "POST", "/v1/withdrawals/"+id+"/approvals", tok, nil, []byte(`{"decision":"`+decision+`","comment":"checked"}`))
}

func (e *env) approvalsOf(t *testing.T, tok, id string) approvalsJSON {
	t.Helper()
	var a approvalsJSON
	e.do(t, "GET", "/v1/transfers/"+id, tok, nil, nil).json(t, &a)
	return a
}

// A payout over the policy's threshold waits for two distinct approvals:
// the requester's own is refused and never counts, an approver's second
// approval is a replay that counts once, and the second approver's releases
// it to the chain. A rejection ends a payout with its hold voided; a payout
// whose approvals are not in by the deadline expires. Payouts under the
// threshold pass at once. Every decision is in the journal, and another
// tenant cannot see or decide on any of it.
func TestPayoutWaitsForDistinctApprovals(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob, carol := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob"), e.tokenAs(t, ten, "carol")
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, alice, false)
	fund(t, l, ten, w.ID, sg.Tron, "1000")
	pol := e.putPolicy(t, alice, `{"if_version":0,"approval_ttl_seconds":3600,"unfreeze_approvals":2,
		"rules":[{"name":"large","kind":"amount_over","amount":"100","action":{"approvals":2}}]}`)
	if pol.Version != 1 {
		t.Fatalf("policy version %d", pol.Version)
	}
	// A stale version is refused, and the policy stays as it was.
	if r := e.do(t, "PUT", "/v1/policy", bob, nil, []byte(`{"if_version":0,"approval_ttl_seconds":60,"unfreeze_approvals":1,"rules":[]}`)); r.status != 409 || r.errCode() != "state_changed" {
		t.Fatalf("stale policy write: %d %s", r.status, r.body)
	}

	small := e.withdraw(t, alice, w.ID, "50")
	big := e.withdraw(t, alice, w.ID, "150")
	e.waitState(t, alice, big, "awaiting_approval")
	e.waitState(t, alice, small, "posted")

	if r := e.decide(t, alice, big, "approve"); r.status != 422 || r.errCode() != "self_approval" {
		t.Fatalf("requester's approval: %d %s", r.status, r.body)
	}
	a := e.approvalsOf(t, alice, big)
	if a.State != "awaiting_approval" || a.RequestedBy != "alice" || a.Approvals == nil || a.Approvals.Required != 2 || len(a.Approvals.Decisions) != 0 {
		t.Fatalf("after the requester's approval: %+v", a)
	}
	if r := e.decide(t, bob, big, "approve"); r.status != 200 {
		t.Fatalf("bob approves: %d %s", r.status, r.body)
	}
	if r := e.decide(t, bob, big, "approve"); r.status != 200 || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("bob approves again: %d %s", r.status, r.body)
	}
	if r := e.decide(t, bob, big, "reject"); r.status != 409 || r.errCode() != "already_decided" {
		t.Fatalf("bob changes his mind: %d %s", r.status, r.body)
	}
	if a := e.approvalsOf(t, alice, big); a.State != "awaiting_approval" || len(a.Approvals.Decisions) != 1 {
		t.Fatalf("one approver counted twice or released it alone: %+v", a)
	}
	other := e.tokenAs(t, tenant(), "mallory")
	if r := e.decide(t, other, big, "approve"); r.status != 404 {
		t.Fatalf("another tenant's approval: %d %s", r.status, r.body)
	}
	if r := e.decide(t, carol, big, "approve"); r.status != 200 {
		t.Fatalf("carol approves: %d %s", r.status, r.body)
	}
	got := e.waitState(t, alice, big, "posted")
	var states []string
	for _, ev := range got.Events {
		states = append(states, ev.State)
	}
	if strings.Join(states, ",") != "pending,awaiting_approval,approved,signed,broadcast,confirmed,posted" {
		t.Fatalf("approved payout went %v", states)
	}

	// A rejection voids the hold.
	before := e.balances(t, alice, w.ID)["tron"]
	rej := e.withdraw(t, alice, w.ID, "200")
	e.waitState(t, alice, rej, "awaiting_approval")
	if r := e.decide(t, carol, rej, "reject"); r.status != 200 {
		t.Fatalf("carol rejects: %d %s", r.status, r.body)
	}
	e.waitState(t, alice, rej, "rejected")
	if r := e.decide(t, bob, rej, "approve"); r.status != 409 || r.errCode() != "not_awaiting_approval" {
		t.Fatalf("approval after a rejection: %d %s", r.status, r.body)
	}
	if after := e.balances(t, alice, w.ID)["tron"]; after != before {
		t.Fatalf("rejection left the balance %+v; was %+v", after, before)
	}

	// Approvals that come too late: the payout expires, its hold voided.
	e.putPolicy(t, alice, `{"if_version":1,"approval_ttl_seconds":1,"unfreeze_approvals":2,
		"rules":[{"name":"large","kind":"amount_over","amount":"100","action":{"approvals":2}}]}`)
	late := e.withdraw(t, alice, w.ID, "300")
	e.waitState(t, alice, late, "awaiting_approval")
	time.Sleep(1100 * time.Millisecond)
	if r := e.decide(t, bob, late, "approve"); r.status != 422 || r.errCode() != "approval_expired" {
		t.Fatalf("late approval: %d %s", r.status, r.body)
	}
	e.waitState(t, alice, late, "expired")
	if after := e.balances(t, alice, w.ID)["tron"]; after != before {
		t.Fatalf("expiry left the balance %+v; was %+v", after, before)
	}

	// The journal holds each decision, newest first.
	var j struct {
		Data []struct{ Actor, Action, Subject string } `json:"data"`
	}
	e.do(t, "GET", "/v1/journal?limit=200", alice, nil, nil).json(t, &j)
	var lines []string
	for i := len(j.Data) - 1; i >= 0; i-- {
		d := j.Data[i]
		lines = append(lines, d.Actor+" "+d.Action+" "+strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(d.Subject, big, "BIG"), rej, "REJ"), late, "LATE"))
	}
	want := []string{"alice policy.updated policy v1", "bob approval.approved BIG", "carol approval.approved BIG", "approvals withdrawal.approved BIG",
		"policy withdrawal.awaiting_approval REJ", "carol approval.rejected REJ", "carol withdrawal.rejected REJ", "alice policy.updated policy v2",
		"policy withdrawal.awaiting_approval LATE", "approvals withdrawal.expired LATE"}
	all := strings.Join(lines, "\n")
	at := 0
	for _, w := range want {
		i := strings.Index(all[at:], w)
		if i < 0 {
			t.Fatalf("journal lacks %q after position %d:\n%s", w, at, all)
		}
		at += i + len(w)
	}
	if !strings.Contains(all, "policy withdrawal.approved "+small) || !strings.Contains(all, "policy withdrawal.awaiting_approval BIG") {
		t.Fatalf("journal lacks the policy's verdicts:\n%s", all)
	}
	if r := e.do(t, "GET", "/v1/journal", other, nil, nil); !strings.Contains(string(r.body), `"data":[]`) {
		t.Fatalf("another tenant reads the journal: %s", r.body)
	}
}

// Allowlist, velocity and time-window rules: a destination added now is
// still cooling off and the payout waits for approval; an allowlisted one
// passes; payouts past the 24-hour limit are refused; a payout outside the
// window waits for approval.
func TestPolicyRulesOnPayouts(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob")
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, alice, false)
	fund(t, l, ten, w.ID, sg.Tron, "1000")
	e.putPolicy(t, alice, `{"if_version":0,"approval_ttl_seconds":3600,"allowlist_cooling_off_seconds":3600,"unfreeze_approvals":2,
		"rules":[{"name":"new-destination","kind":"destination_not_allowlisted","action":{"approvals":1}},
		         {"name":"daily-cap","kind":"velocity_24h_over","amount":"100","action":{"reject":true}}]}`)
	cooling, ready := tronPayee(), tronPayee()
	r := e.do(t, "POST", "/v1/allowlist", alice, nil, []byte(`{"chain":"tron","address":"`+cooling+`","label":"new supplier"}`))
	var entry struct {
		Active   bool   `json:"active"`
		ActiveAt string `json:"active_at"`
	}
	r.json(t, &entry)
	if r.status != 201 || entry.Active {
		t.Fatalf("allowlist add: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/allowlist", alice, nil, []byte(`{"chain":"ethereum","address":"`+cooling+`"}`)); r.status != 400 || r.errParam() != "address" {
		t.Fatalf("a Tron address on the Ethereum allowlist: %d %s", r.status, r.body)
	}
	// An entry past its cooling-off (written as the store would an hour ago).
	_, st := ledgerOn(t, rawDB(t))
	past := time.Now().Add(-2 * time.Hour)
	if err := st.Custody.AddAllowEntry(context.Background(), ten, sg.AllowEntry{Chain: sg.Tron, Address: ready, AddedBy: "alice", AddedAt: past, ActiveAt: past.Add(time.Hour)},
		sg.JournalEntry{At: past, Actor: "alice", Action: "allowlist.added", Subject: "tron:" + ready}); err != nil {
		t.Fatal(err)
	}
	pay := func(to, amount string) string {
		r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(w.ID, "tron", to, amount))
		if r.status != 201 {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
		var x withdrawalJSON
		r.json(t, &x)
		return x.ID
	}
	toCooling := pay(cooling, "30")
	toReady := pay(ready, "30")
	e.waitState(t, alice, toCooling, "awaiting_approval")
	e.waitState(t, alice, toReady, "posted")
	if r := e.decide(t, bob, toCooling, "approve"); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	e.waitState(t, alice, toCooling, "posted")
	// 60 so far; 30 more is 90; then 30 more is 120, over the cap of 100.
	e.waitState(t, alice, pay(ready, "30"), "posted")
	over := e.waitState(t, alice, pay(ready, "30"), "rejected")
	if n := over.Events[len(over.Events)-1].Note; !strings.Contains(n, "daily-cap") {
		t.Fatalf("rejection note %q", n)
	}

	// A window that never includes now: every payout waits for approval.
	now := time.Now().UTC()
	closed := fmt.Sprintf(`{"days":[%d],"from":"00:00","to":"24:00","timezone":"UTC"}`, (int(now.Weekday())+3)%7)
	e.putPolicy(t, alice, `{"if_version":1,"approval_ttl_seconds":3600,"unfreeze_approvals":2,
		"rules":[{"name":"office-hours","kind":"outside_window","window":`+closed+`,"action":{"approvals":1}}]}`)
	e.waitState(t, alice, pay(ready, "1"), "awaiting_approval")

	// Bad policies are refused with the field named, and change nothing.
	for _, c := range []struct{ body, param string }{
		{`{"if_version":2,"approval_ttl_seconds":60,"unfreeze_approvals":2,"rules":[{"name":"x","kind":"amount_over","amount":"1.0000001","action":{"approvals":1}}]}`, "rules[0].amount"},
		{`{"if_version":2,"approval_ttl_seconds":60,"unfreeze_approvals":2,"rules":[{"name":"x","kind":"amount_over","amount":"1","action":{}}]}`, "rules[0].action"},
		{`{"if_version":2,"approval_ttl_seconds":60,"unfreeze_approvals":2,"rules":[{"name":"x","kind":"outside_window","window":{"days":[1],"from":"09:00","to":"17:00","timezone":"Mars/Olympus"},"action":{"reject":true}}]}`, "rules[0].window.timezone"},
		{`{"if_version":2,"approval_ttl_seconds":60,"unfreeze_approvals":2,"rules":[],"limit":"5"}`, "limit"},
		{`{"if_version":2,"approval_ttl_seconds":0,"unfreeze_approvals":2,"rules":[]}`, "approval_ttl_seconds"},
	} {
		if r := e.do(t, "PUT", "/v1/policy", alice, nil, []byte(c.body)); r.status != 400 || r.errParam() != c.param {
			t.Errorf("policy %s: %d %s", c.body, r.status, r.body)
		}
	}
	var p policyJSON
	e.do(t, "GET", "/v1/policy", alice, nil, nil).json(t, &p)
	if p.Version != 2 {
		t.Fatalf("policy at version %d after refused writes", p.Version)
	}
}

type freezeJSON struct {
	ID       string `json:"id"`
	Lifted   bool   `json:"lifted"`
	Required int    `json:"unfreeze_approvals_required"`
}

// A tenant freeze stops payouts at once: new ones are refused, and ones
// already queued stop before signing; one approval does not lift it, the
// second does and the stopped payouts go on to the chain. A wallet freeze
// stops that wallet only. A platform freeze needs platform:admin.
func TestFreezeStopsQueuedPayouts(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob, carol := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob"), e.tokenAs(t, ten, "carol")
	l, _ := ledgerOn(t, rawDB(t))
	w, w2 := e.newWallet(t, alice, false), e.newWallet(t, alice, false)
	fund(t, l, ten, w.ID, sg.Tron, "100")
	fund(t, l, ten, w2.ID, sg.Tron, "100")
	// Every payout waits for one approval, so some are queued behind it
	// when the freeze comes.
	e.putPolicy(t, alice, `{"if_version":0,"approval_ttl_seconds":3600,"unfreeze_approvals":2,
		"rules":[{"name":"all","kind":"amount_over","amount":"0","action":{"approvals":1}}]}`)
	queued := []string{e.withdraw(t, alice, w.ID, "10"), e.withdraw(t, alice, w.ID, "11")}
	for _, id := range queued {
		e.waitState(t, alice, id, "awaiting_approval")
	}
	r := e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"tenant","reason":"incident drill"}`))
	var f freezeJSON
	r.json(t, &f)
	if r.status != 201 || f.Required != 2 || f.Lifted {
		t.Fatalf("freeze: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/freezes", bob, nil, []byte(`{"scope":"tenant","reason":"again"}`)); r.status != 409 || r.errCode() != "already_frozen" {
		t.Fatalf("second freeze: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "1")); r.status != 422 || r.errCode() != "frozen" {
		t.Fatalf("withdrawal while frozen: %d %s", r.status, r.body)
	}
	// Approved now, the queued payouts reach the worker and stop there.
	for _, id := range queued {
		if r := e.decide(t, bob, id, "approve"); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		e.waitState(t, alice, id, "approved")
	}
	time.Sleep(3 * time.Second) // the worker has had the messages; nothing may have moved
	for _, id := range queued {
		if s := e.approvalsOf(t, alice, id).State; s != "approved" {
			t.Fatalf("a frozen payout moved on to %s", s)
		}
	}
	vote := func(tok string) reply {
		return e.do(t, "POST", "/v1/freezes/"+f.ID+"/approvals", tok, nil, []byte(`{"comment":"drill over"}`))
	}
	if r := vote(bob); r.status != 200 || strings.Contains(string(r.body), `"lifted":true`) {
		t.Fatalf("first unfreeze vote: %d %s", r.status, r.body)
	}
	if r := vote(bob); r.status != 409 || r.errCode() != "already_decided" {
		t.Fatalf("same approver twice: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "1")); r.status != 422 {
		t.Fatalf("half-lifted freeze let a withdrawal in: %d %s", r.status, r.body)
	}
	if r := vote(carol); r.status != 200 || !strings.Contains(string(r.body), `"lifted":true`) {
		t.Fatalf("second unfreeze vote: %d %s", r.status, r.body)
	}
	for _, id := range queued {
		e.waitState(t, alice, id, "posted")
	}

	// A wallet freeze: the other wallet pays on.
	r = e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"wallet","wallet_id":"`+w.ID+`","reason":"customer dispute"}`))
	if r.status != 201 {
		t.Fatalf("wallet freeze: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "1")); r.status != 422 || r.errCode() != "frozen" {
		t.Fatalf("withdrawal from the frozen wallet: %d %s", r.status, r.body)
	}
	e.waitState(t, alice, e.withdraw(t, alice, w2.ID, "2"), "awaiting_approval")
	if r := e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"wallet","wallet_id":"wal_nope","reason":"x"}`)); r.status != 404 {
		t.Fatalf("freeze of an unknown wallet: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"platform","reason":"x"}`)); r.status != 403 {
		t.Fatalf("platform freeze without platform:admin: %d %s", r.status, r.body)
	}
	var list struct {
		Data []freezeJSON `json:"data"`
	}
	e.do(t, "GET", "/v1/freezes", alice, nil, nil).json(t, &list)
	if len(list.Data) != 2 {
		t.Fatalf("freezes listed: %+v", list.Data)
	}
	if r := e.do(t, "POST", "/v1/freezes/"+f.ID+"/approvals", e.tokenAs(t, tenant(), "x"), nil, []byte(`{"comment":"x"}`)); r.status != 404 {
		t.Fatalf("another tenant's unfreeze vote: %d %s", r.status, r.body)
	}
}

// A platform freeze, on a table of its own (it would stop every tenant of
// the shared stack): payouts of any tenant stop at their next step, a
// tenant token cannot lift it, and two platform admins do; the stopped
// payouts are queued again.
func TestPlatformFreezeStopsEveryTenant(t *testing.T) {
	q := testQueue(t)
	chain := &chainDouble{}
	w := pipeline(t, rawDB(t), q, chain)
	_, st := simLedgerOn(t, rawDB(t))
	w.Policy, w.Freezes = custody.Rules{Store: st.Custody, Now: time.Now}, st.Custody
	svc := &custody.Service{Store: st.Custody, Wallets: st.Wallets, Withdrawals: w, Now: time.Now, PlatformUnfreezeApprovals: 2}
	ctx := context.Background()
	var ids [2]string
	var tenants [2]string
	for i := range ids {
		tenants[i] = tenant()
		wallet := seedWallets(t, st, w.Service, tenants[i], 1, false, "")[0]
		fund(t, w.Service, tenants[i], wallet, sg.Ethereum, "10")
		r, err := w.Create(ctx, tenants[i], "k"+randHex(4), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: 1_000_000})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.Transfer.ID
	}
	if _, err := svc.Freeze(ctx, custody.Actor{Tenant: tenants[0], Subject: "ops"}, sg.FreezePlatform, "", "x"); !errors.Is(err, sg.ErrForbidden) {
		t.Fatalf("platform freeze by a tenant: %v", err)
	}
	admin := func(sub string) custody.Actor {
		return custody.Actor{Tenant: tenants[0], Subject: sub, PlatformAdmin: true}
	}
	f, err := svc.Freeze(ctx, admin("ops-1"), sg.FreezePlatform, "", "hot wallet drained")
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		got, _, err := w.Advance(ctx, tenants[i], id)
		if err != nil || got.State != sg.StatePending {
			t.Fatalf("payout of tenant %d under a platform freeze: %s %v", i, got.State, err)
		}
	}
	if chain.broadcasts.Load() != 0 {
		t.Fatal("a payout was broadcast under a platform freeze")
	}
	if _, err := svc.VoteUnfreeze(ctx, custody.Actor{Tenant: tenants[1], Subject: "merchant"}, f.ID, "please"); !errors.Is(err, sg.ErrForbidden) {
		t.Fatalf("tenant lifting a platform freeze: %v", err)
	}
	if f, err = svc.VoteUnfreeze(ctx, admin("ops-1"), f.ID, "fixed"); err != nil || f.Lifted {
		t.Fatalf("first admin vote: %+v %v", f, err)
	}
	if f, err = svc.VoteUnfreeze(ctx, admin("ops-2"), f.ID, "confirmed"); err != nil || !f.Lifted {
		t.Fatalf("second admin vote: %+v %v", f, err)
	}
	// Both payouts were queued again (after the messages of their
	// creation): drain the queue and drive them.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sq := sqs.NewFromConfig(cfg)
	seen := map[string]int{}
	deadline := time.Now().Add(20 * time.Second)
	for (seen[ids[0]] < 2 || seen[ids[1]] < 2) && time.Now().Before(deadline) {
		out, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &q.URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var msg ledger.Message
			if err := json.Unmarshal([]byte(*m.Body), &msg); err != nil {
				t.Fatalf("message %s: %v", *m.Body, err)
			}
			seen[msg.ID]++
			if _, err := sq.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &q.URL, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if seen[ids[0]] != 2 || seen[ids[1]] != 2 {
		t.Fatalf("messages per payout %v; want each created and requeued once (%v)", seen, ids)
	}
	for i, id := range ids {
		if got, _, err := w.Advance(ctx, tenants[i], id); err != nil || got.State != sg.StatePosted {
			t.Fatalf("unfrozen payout: %s %v", got.State, err)
		}
	}
	var j []sg.JournalEntry
	if j, err = st.Custody.Journal(ctx, sg.PlatformTenant, 10, 0); err != nil || len(j) < 3 {
		t.Fatalf("platform journal: %+v %v", j, err)
	}
}

// The tenant's approval webhook votes: it receives each payout that waits
// for approvals, signed with the tenant's secret, and its answer counts as
// one approval. The secret is stored sealed for the tenant, never shown,
// and cannot be opened as another tenant's.
func TestApprovalWebhookVotes(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice := e.tokenAs(t, ten, "alice")
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, alice, false)
	fund(t, l, ten, w.ID, sg.Tron, "1000")
	secret := "whsec_" + randHex(16)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Stablegate-Signature"), "t="), ",")
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if r.Header.Get("Stablegate-Signature") != custody.Sign([]byte(secret), time.Unix(sec, 0), body) {
			http.Error(rw, "bad signature", http.StatusUnauthorized)
			return
		}
		calls.Add(1)
		var req custody.WebhookRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
			http.Error(rw, "bad body", http.StatusBadRequest)
			return
		}
		amt, _ := sg.ParseAmount(req.Amount, 6)
		decision := "approve"
		if amt > 500_000_000 {
			decision = "reject"
		}
		fmt.Fprintf(rw, `{"decision":%q,"comment":"treasury system says %s"}`, decision, decision)
	}))
	defer srv.Close()
	pol := `{"if_version":0,"approval_ttl_seconds":3600,"unfreeze_approvals":2,"approval_webhook":{"url":"` + srv.URL + `","secret":"` + secret + `"},
		"rules":[{"name":"large","kind":"amount_over","amount":"100","action":{"approvals":1}}]}`
	e.putPolicy(t, alice, pol)
	r := e.do(t, "GET", "/v1/policy", alice, nil, nil)
	if strings.Contains(string(r.body), secret) || !strings.Contains(string(r.body), `"secret_set":true`) {
		t.Fatalf("policy shows its secret or lost it: %s", r.body)
	}
	// The stored item holds no plaintext secret, and its seal is bound to
	// the tenant.
	out, err := e.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &e.table,
		Key: map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: "TENANT#" + ten}, "SK": &ddbtypes.AttributeValueMemberS{Value: "POLICY"}}})
	if err != nil {
		t.Fatal(err)
	}
	dump, _ := json.Marshal(out.Item)
	if strings.Contains(string(dump), secret) || strings.Contains(string(dump), hex.EncodeToString([]byte(secret))) {
		t.Fatal("the webhook secret is stored in the clear")
	}
	sealed := out.Item["whs"].(*ddbtypes.AttributeValueMemberB).Value
	cfg, _ := config.LoadDefaultConfig(context.Background())
	sealer := &envelope.Sealer{KMS: kms.NewFromConfig(cfg), KeyID: functionEnv(t, "policy-put")["ENVELOPE_KEY_ID"]}
	if got, err := sealer.Open(context.Background(), envelope.Context{Tenant: ten, Purpose: custody.WebhookPurpose}, sealed); err != nil || string(got) != secret {
		t.Fatalf("the sealed secret does not open for its tenant: %v", err)
	}
	if _, err := sealer.Open(context.Background(), envelope.Context{Tenant: tenant(), Purpose: custody.WebhookPurpose}, sealed); err == nil {
		t.Fatal("the sealed secret opened for another tenant")
	}
	// A policy update without the secret keeps it.
	e.putPolicy(t, alice, strings.Replace(strings.Replace(pol, `,"secret":"`+secret+`"`, "", 1), `"if_version":0`, `"if_version":1`, 1))
	for _, bad := range []string{"http://10.0.0.7/hook", "http://hooks.example.com/vote", "https://169.254.169.254/latest"} {
		body := strings.Replace(strings.Replace(pol, srv.URL, bad, 1), `"if_version":0`, `"if_version":2`, 1)
		if r := e.do(t, "PUT", "/v1/policy", alice, nil, []byte(body)); r.status != 400 || r.errParam() != "approval_webhook.url" {
			t.Fatalf("webhook %s: %d %s", bad, r.status, r.body)
		}
	}

	approved := e.withdraw(t, alice, w.ID, "150")
	got := e.waitState(t, alice, approved, "posted")
	rejected := e.withdraw(t, alice, w.ID, "600")
	e.waitState(t, alice, rejected, "rejected")
	a := e.approvalsOf(t, alice, approved)
	if calls.Load() != 2 || len(a.Approvals.Decisions) != 1 || a.Approvals.Decisions[0].Approver != "webhook" || a.Approvals.Decisions[0].Decision != "approve" {
		t.Fatalf("webhook calls %d; decisions %+v (%s)", calls.Load(), a.Approvals, got.State)
	}
	small := e.withdraw(t, alice, w.ID, "5")
	e.waitState(t, alice, small, "posted")
	if calls.Load() != 2 {
		t.Fatal("the webhook was asked about a payout the policy let through")
	}
}
