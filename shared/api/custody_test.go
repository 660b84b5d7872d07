package api

import (
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const policyBody = `{"if_version":%d,"rules":[{"name":"big","kind":"amount_over","amount":"5","action":{"approvals":1}},
{"name":"office hours","kind":"outside_window","window":{"days":[1,2,3,4,5],"from":"08:00","to":"18:00","timezone":"Europe/Paris"},"action":{"reject":true}}],
"approval_ttl_seconds":3600,"allowlist_cooling_off_seconds":0,"unfreeze_approvals":1}`

func policyAt(version string) string { return strings.Replace(policyBody, "%d", version, 1) }

func TestPolicyPutAndGet(t *testing.T) {
	e := newEnv(t)
	g := e.do("policy-get", e.custody.GetPolicy, call{})
	g.wantOK(t, 200)
	var p0 PolicyView
	g.decode(t, &p0)
	if p0.Object != "policy" || p0.Version != 0 || len(p0.Rules) != 0 || p0.UpdatedBy != nil || p0.Approvers == nil {
		t.Fatalf("the default policy %s", g.body)
	}

	put := e.do("policy-put", e.custody.PutPolicy, call{body: policyAt("0")})
	put.wantOK(t, 200)
	var p1 PolicyView
	put.decode(t, &p1)
	if p1.Version != 1 || len(p1.Rules) != 2 || p1.Rules[0].Amount != "5.000000" || p1.Rules[0].Action.Approvals != 1 ||
		p1.Rules[1].Window == nil || p1.Rules[1].Window.From != "08:00" || p1.Rules[1].Window.Timezone != "Europe/Paris" || !p1.Rules[1].Action.Reject ||
		p1.ApprovalTTLSeconds != 3600 || p1.UnfreezeApprovals != 1 || p1.UpdatedBy == nil || *p1.UpdatedBy != "alice" || p1.Webhook != nil {
		t.Fatalf("put %s", put.body)
	}
	g = e.do("policy-get", e.custody.GetPolicy, call{})
	if g.body != put.body {
		t.Fatalf("get %s; want what put answered %s", g.body, put.body)
	}
	// Another tenant's policy is its own.
	var other PolicyView
	e.do("policy-get", e.custody.GetPolicy, call{tenant: "globex"}).decode(t, &other)
	if other.Version != 0 {
		t.Fatalf("globex sees acme's policy: %+v", other)
	}

	cases := []struct {
		name        string
		body        string
		status      int
		code, param string
	}{
		{"a stale if_version", policyAt("0"), 409, "state_changed", "if_version"},
		{"no if_version", strings.Replace(policyAt("0"), `"if_version":0,`, "", 1), 400, "validation_failed", "if_version"},
		{"an unknown field", strings.Replace(policyAt("1"), `"if_version"`, `"colour":"red","if_version"`, 1), 400, "unknown_field", "colour"},
		{"a rule's bad amount", strings.Replace(policyAt("1"), `"amount":"5"`, `"amount":"5.1234567"`, 1), 400, "", "rules[0].amount"},
		{"a window's bad time", strings.Replace(policyAt("1"), `"from":"08:00"`, `"from":"8h:00"`, 1), 400, "validation_failed", "rules[1].window"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("policy-put", e.custody.PutPolicy, call{body: c.body})
			var eb errorBody
			r.decode(t, &eb)
			if r.status != c.status || (c.code != "" && eb.Error.Code != c.code) || eb.Error.Param != c.param {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	var still PolicyView
	e.do("policy-get", e.custody.GetPolicy, call{}).decode(t, &still)
	if still.Version != 1 {
		t.Fatalf("a refused put changed the policy: version %d", still.Version)
	}
}

func TestAllowlistAddTwiceInAnotherLetterCase(t *testing.T) {
	e := newEnv(t)
	const lower = "0x52908400098527886e0f7030069857d2e4169ee7"
	const checksummed = "0x52908400098527886E0F7030069857D2E4169EE7"
	first := e.do("allowlist-add", e.custody.AddAllow, call{body: `{"chain":"ethereum","address":"` + lower + `","label":"treasury"}`})
	first.wantOK(t, 201)
	var a1 AllowView
	first.decode(t, &a1)
	if a1.Object != "allowlist_entry" || a1.Label != "treasury" || a1.AddedBy != "alice" || a1.Address != checksummed || a1.ActiveAt <= a1.AddedAt {
		t.Fatalf("entry %s", first.body)
	}

	again := e.do("allowlist-add", e.custody.AddAllow, call{body: `{"chain":"ethereum","address":"` + checksummed + `"}`})
	again.wantOK(t, 200)
	var a2 AllowView
	again.decode(t, &a2)
	if again.headers["idempotent-replayed"] != "true" || a2 != a1 {
		t.Fatalf("second add %v %s; want the entry as it stands %s", again.headers, again.body, first.body)
	}
	e.do("allowlist-add", e.custody.AddAllow, call{body: `{"chain":"ethereum","address":"` + checksummed + `","label":"another"}`}).
		wantError(t, 409, "allowlist_entry_exists", "address")
	e.do("allowlist-add", e.custody.AddAllow, call{body: `{"chain":"ethereum","address":"0x1234"}`}).wantError(t, 400, "invalid_address", "address")

	list := e.do("allowlist-list", e.custody.ListAllow, call{})
	list.wantOK(t, 200)
	var l ListView[AllowView]
	list.decode(t, &l)
	if len(l.Data) != 1 || l.Data[0] != a1 {
		t.Fatalf("allowlist %s; want the one entry", list.body)
	}
	var theirs ListView[AllowView]
	e.do("allowlist-list", e.custody.ListAllow, call{tenant: "globex"}).decode(t, &theirs)
	if len(theirs.Data) != 0 {
		t.Fatalf("globex sees acme's allowlist: %+v", theirs.Data)
	}
}

func TestApprovalsThroughTheRoutes(t *testing.T) {
	e := newEnv(t)
	e.clock.Add(2 * time.Hour) // 11:00 Paris on a Monday: inside the window
	e.do("policy-put", e.custody.PutPolicy, call{body: policyAt("0")}).wantOK(t, 200)
	w := e.wallet("acme", "a")
	e.fund("acme", w.ID, 20_000_000)
	r := e.do("withdrawals-create", e.withdrawals.Create, call{key: "ap-1", body: withdrawalBody(w.ID, outside, "6")})
	r.wantOK(t, 201)
	var v TransferView
	r.decode(t, &v)
	if _, _, err := e.wd.Advance(bg, "acme", v.ID); err != nil {
		t.Fatal(err)
	}
	path := map[string]string{"transfer_id": v.ID}
	e.do("approvals-decide", e.custody.Decide, call{path: path, body: `{"decision":"approve"}`}).wantError(t, 422, "self_approval", "")
	e.do("approvals-decide", e.custody.Decide, call{path: path, sub: "bob", body: `{"decision":"maybe"}`}).wantError(t, 400, "validation_failed", "decision")
	e.clock.Add(time.Minute)
	d := e.do("approvals-decide", e.custody.Decide, call{path: path, sub: "bob", body: `{"decision":"approve","comment":"ok"}`})
	d.wantOK(t, 200)
	var dv TransferView
	d.decode(t, &dv)
	if dv.Approvals == nil || dv.Approvals.Required != 1 || len(dv.Approvals.Decisions) != 1 || dv.Approvals.Decisions[0].Approver != "bob" ||
		dv.Approvals.Decisions[0].Decision != "approve" || dv.State != sg.StateApproved {
		t.Fatalf("after approval %s", d.body)
	}
	again := e.do("approvals-decide", e.custody.Decide, call{path: path, sub: "bob", body: `{"decision":"approve","comment":"ok"}`})
	again.wantOK(t, 200)
	if again.headers["idempotent-replayed"] != "true" {
		t.Fatalf("the same decision again %v %s", again.headers, again.body)
	}

	j := e.do("journal", e.custody.Journal, call{query: map[string]string{"limit": "1"}})
	j.wantOK(t, 200)
	var jp JournalPage
	j.decode(t, &jp)
	if len(jp.Data) != 1 || jp.NextBefore == nil || jp.Data[0].Object != "journal_entry" {
		t.Fatalf("journal %s", j.body)
	}
	j2 := e.do("journal", e.custody.Journal, call{query: map[string]string{"before": *jp.NextBefore, "limit": "200"}})
	j2.wantOK(t, 200)
	var jp2 JournalPage
	j2.decode(t, &jp2)
	newest, _ := time.Parse(time.RFC3339Nano, jp.Data[0].At)
	if len(jp2.Data) == 0 {
		t.Fatalf("nothing before %s: %s", *jp.NextBefore, j2.body)
	}
	for _, x := range jp2.Data {
		if at, err := time.Parse(time.RFC3339Nano, x.At); err != nil || !at.Before(newest) {
			t.Fatalf("journal before %s holds %+v", *jp.NextBefore, x)
		}
	}
	for _, c := range []struct {
		query       map[string]string
		status      int
		code, param string
	}{
		{map[string]string{"limit": "201"}, 400, "validation_failed", "limit"},
		{map[string]string{"before": "then"}, 400, "validation_failed", "before"},
		{map[string]string{"scope": "world"}, 400, "validation_failed", "scope"},
		{map[string]string{"scope": "platform"}, 403, "forbidden", "scope"},
	} {
		e.do("journal", e.custody.Journal, call{query: c.query}).wantError(t, c.status, c.code, c.param)
	}
	e.do("journal", e.custody.Journal, call{scopes: []string{ScopePlatformAdmin}, query: map[string]string{"scope": "platform"}}).wantOK(t, 200)
}

func TestFreezeAndVoteToLift(t *testing.T) {
	e := newEnv(t)
	e.do("policy-put", e.custody.PutPolicy, call{body: policyAt("0")}).wantOK(t, 200) // one approval lifts
	w := e.wallet("acme", "a")
	e.fund("acme", w.ID, 10_000_000)
	fr := e.do("freezes-create", e.custody.Freeze, call{body: `{"scope":"wallet","wallet_id":"` + w.ID + `","reason":"lost phone"}`})
	fr.wantOK(t, 201)
	var f FreezeView
	fr.decode(t, &f)
	if f.Object != "freeze" || f.Scope != "wallet" || f.WalletID == nil || *f.WalletID != w.ID || f.By != "alice" || f.Lifted || f.Required != 1 {
		t.Fatalf("freeze %s", fr.body)
	}
	var gw WalletView
	e.do("wallets-get", e.wallets.Get, call{path: map[string]string{"wallet_id": w.ID}}).decode(t, &gw)
	if !gw.Frozen {
		t.Fatal("the wallet does not show frozen")
	}

	cases := []struct {
		name        string
		c           call
		status      int
		code, param string
	}{
		{"the platform without platform:admin", call{body: `{"scope":"platform","reason":"incident"}`}, 403, "forbidden", ""},
		{"a wallet freeze with no wallet", call{body: `{"scope":"wallet","reason":"x"}`}, 400, "validation_failed", "wallet_id"},
		{"another tenant's wallet", call{tenant: "globex", body: `{"scope":"wallet","wallet_id":"` + w.ID + `","reason":"x"}`}, 404, "wallet_not_found", "wallet_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.do("freezes-create", e.custody.Freeze, c.c).wantError(t, c.status, c.code, c.param)
		})
	}

	var fl ListView[FreezeView]
	e.do("freezes-list", e.custody.ListFreezes, call{}).decode(t, &fl)
	if len(fl.Data) != 1 || fl.Data[0].ID != f.ID {
		t.Fatalf("freezes %+v", fl.Data)
	}
	e.do("freezes-vote", e.custody.VoteUnfreeze, call{tenant: "globex", path: map[string]string{"freeze_id": f.ID}, body: `{"comment":"ok"}`}).
		wantError(t, 404, "freeze_not_found", "freeze_id")
	v := e.do("freezes-vote", e.custody.VoteUnfreeze, call{path: map[string]string{"freeze_id": f.ID}, sub: "bob", body: `{"comment":"phone found"}`})
	v.wantOK(t, 200)
	var lifted FreezeView
	v.decode(t, &lifted)
	if !lifted.Lifted || lifted.LiftedAt == nil || len(lifted.Votes) != 1 || lifted.Votes[0].Approver != "bob" {
		t.Fatalf("after the vote %s", v.body)
	}
	e.do("withdrawals-create", e.withdrawals.Create, call{key: "fz-1", body: withdrawalBody(w.ID, outside, "1")}).wantOK(t, 201)
}

func TestHotKeyRotationNeedsPlatformAdmin(t *testing.T) {
	e := newEnv(t)
	e.do("rotation-get", e.custody.GetRotation, call{scopes: []string{ScopePlatformAdmin}}).wantError(t, 404, "not_found", "")
	e.do("rotation-request", e.custody.RequestRotation, call{}).wantError(t, 403, "forbidden", "")
	r := e.do("rotation-request", e.custody.RequestRotation, call{scopes: []string{ScopePlatformAdmin}})
	r.wantOK(t, 202)
	var rv RotationView
	r.decode(t, &rv)
	if rv.Object != "hot_key_rotation" || rv.State != string(sg.RotationRequested) || rv.RequestedBy != "alice" || rv.EndedAt != nil {
		t.Fatalf("rotation %s", r.body)
	}
	g := e.do("rotation-get", e.custody.GetRotation, call{scopes: []string{ScopePlatformAdmin}})
	g.wantOK(t, 200)
	var gv RotationView
	g.decode(t, &gv)
	if gv.ID != rv.ID {
		t.Fatalf("current rotation %s; want %s", g.body, rv.ID)
	}
}
