package tests

import (
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Finding 3: with approvers [alice, bob] and one approval to lift a freeze,
// a subject not on the list (refused on a payout approval with
// approver_not_listed) cannot lift a tenant freeze nor a wallet freeze:
// its vote is refused the same way and counts for nothing; a listed
// approver's vote lifts it.
func TestFinding3_UnfreezeVotesFollowApproversList(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob, mallory := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob"), e.tokenAs(t, ten, "mallory")
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, alice, false)
	fund(t, l, ten, w.ID, sg.Tron, "10")
	e.putPolicy(t, alice, `{"if_version":0,"approval_ttl_seconds":3600,"unfreeze_approvals":1,"approvers":["alice","bob"],"rules":[]}`)

	for _, scope := range []string{`{"scope":"tenant","reason":"drill"}`, `{"scope":"wallet","wallet_id":"` + w.ID + `","reason":"drill"}`} {
		r := e.do(t, "POST", "/v1/freezes", mallory, nil, []byte(scope))
		var f freezeJSON
		r.json(t, &f)
		if r.status != 201 || f.Required != 1 {
			t.Fatalf("freeze %s: %d %s", scope, r.status, r.body)
		}
		vote := func(tok string) reply {
			return e.do(t, "POST", "/v1/freezes/"+f.ID+"/approvals", tok, nil, []byte(`{"comment":"lift it"}`))
		}
		if r := vote(mallory); r.status != 422 || r.errCode() != "approver_not_listed" {
			t.Fatalf("unlisted subject's unfreeze vote on %s: %d %s", scope, r.status, r.body)
		}
		var list struct {
			Data []freezeJSON `json:"data"`
		}
		e.do(t, "GET", "/v1/freezes", alice, nil, nil).json(t, &list)
		for _, x := range list.Data {
			if x.ID == f.ID && x.Lifted {
				t.Fatalf("an unlisted subject lifted %s", scope)
			}
		}
		if r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "1")); r.status != 422 || r.errCode() != "frozen" {
			t.Fatalf("payout after the unlisted vote: %d %s", r.status, r.body)
		}
		if r := vote(bob); r.status != 200 || !strings.Contains(string(r.body), `"lifted":true`) {
			t.Fatalf("listed approver's unfreeze vote on %s: %d %s", scope, r.status, r.body)
		}
	}
}
