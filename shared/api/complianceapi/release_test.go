package complianceapi_test

import (
	"context"
	"testing"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// deposits is a tenant's transfers by id; releases counts the releases
// the handler asked for.
type deposits struct {
	byID     map[string]sg.Transfer
	releases []string
}

func (d *deposits) Transfer(_ context.Context, tenant, id string) (sg.Transfer, error) {
	t, ok := d.byID[id]
	if !ok || t.TenantID != tenant {
		return sg.Transfer{}, sg.ErrNotFound
	}
	return t, nil
}

func (d *deposits) Release(_ context.Context, tenant, id, by, note string) (sg.Transfer, error) {
	d.releases = append(d.releases, tenant+"/"+id+"/"+by+"/"+note)
	t := d.byID[id]
	t.State = sg.StatePosted
	d.byID[id] = t
	return t, nil
}

// POST /v1/deposits/{id}/release: refused (and nothing released) while
// the deposit's case is open, on a case about another deposit, and for
// another tenant's deposit; released once the case is closed with no
// action, with the officer and the case on the release; a replay answers
// the first answer without releasing again, the same key with another
// note is refused.
func TestReleaseRouteNeedsTheDepositsClearedCase(t *testing.T) {
	e := newCaseEnv(t, "")
	dep := sg.Transfer{ID: "txn_01JD8Y3Q6A0M7F4R2W9X5K1B3C", TenantID: "acme", Type: sg.TransferDeposit, State: sg.StateQuarantined,
		Chain: sg.Tron, Asset: sg.USDT, Amount: 5_000_000, RequestHash: "tron:0xab:1", ToWallet: "wal_1"}
	ds := &deposits{byID: map[string]sg.Transfer{dep.ID: dep}}
	h := complianceapi.Release{Cases: e.cases, Transfers: ds, Releaser: ds, Idem: e.st, Now: e.clock.Now}
	open := func(ref string) string {
		id, err := e.cases.OpenCase(bg, sg.CaseRequest{Tenant: "acme", Kind: sg.CaseSanctionsHit, Key: "k:" + ref, Subject: ref,
			Chain: sg.Tron, Address: "TBad", Evidence: []string{"deposit:" + ref}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine, theirs := open(dep.RequestHash), open("tron:0xcd:2")
	call := func(tenant, key, caseID, note string) caseReply {
		return e.do(h.Deposit, caseCall{tenant: tenant, path: map[string]string{"transfer_id": dep.ID},
			headers: map[string]string{"idempotency-key": key}, body: `{"case_id":"` + caseID + `","note":"` + note + `"}`})
	}
	call("acme", "r1", mine, "cleared").refused(t, 409, "case_not_cleared", "case_id")
	for _, id := range []string{mine, theirs} {
		if _, _, err := e.cases.Decide(bg, "acme", id, "officer-1", sg.CaseClosedNoAction, "the sender was delisted"); err != nil {
			t.Fatal(err)
		}
	}
	call("acme", "r2", theirs, "cleared").refused(t, 409, "case_not_for_deposit", "case_id")
	call("globex", "r3", mine, "cleared").refused(t, 404, "not_found", "")
	e.do(h.Deposit, caseCall{path: map[string]string{"transfer_id": dep.ID}, headers: map[string]string{"idempotency-key": ""},
		body: `{"case_id":"` + mine + `","note":"x"}`}).
		refused(t, 400, "idempotency_key_missing", "Idempotency-Key")
	e.do(h.Deposit, caseCall{path: map[string]string{"transfer_id": dep.ID}, headers: map[string]string{"idempotency-key": "r4"},
		body: `{"case_id":"` + mine + `","note":"x","amount":"5"}`}).refused(t, 400, "unknown_field", "amount")
	if len(ds.releases) != 0 {
		t.Fatalf("refused requests released %v", ds.releases)
	}
	first := call("acme", "r5", mine, "cleared on review")
	first.want(t, 200)
	var v struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	first.decode(t, &v)
	if v.ID != dep.ID || v.State != "posted" {
		t.Fatalf("released %+v", v)
	}
	again := call("acme", "r5", mine, "cleared on review")
	if again.status != 200 || again.body != first.body || again.headers["idempotent-replayed"] != "true" {
		t.Fatalf("replay %d %v %s", again.status, again.headers, again.body)
	}
	call("acme", "r5", mine, "another note").refused(t, 409, "idempotency_key_reused", "Idempotency-Key")
	if len(ds.releases) != 1 || ds.releases[0] != "acme/"+dep.ID+"/officer-1/case "+mine+": cleared on review" {
		t.Fatalf("releases %v; want one, by the officer on the case", ds.releases)
	}
}
