package tests

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// frozenOf reads a wallet's "frozen" through GET /v1/wallets/{id}.
func (e *env) frozenOf(t *testing.T, tok, id string) bool {
	t.Helper()
	r := e.do(t, "GET", "/v1/wallets/"+id, tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("get wallet: %d %s", r.status, r.body)
	}
	var w struct {
		Frozen *bool `json:"frozen"`
	}
	r.json(t, &w)
	if w.Frozen == nil {
		t.Fatalf("wallet without frozen: %s", r.body)
	}
	return *w.Frozen
}

// listedFrozen reads "frozen" of each wallet through GET /v1/wallets.
func (e *env) listedFrozen(t *testing.T, tok string) map[string]bool {
	t.Helper()
	r := e.do(t, "GET", "/v1/wallets?limit=100", tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("list wallets: %d %s", r.status, r.body)
	}
	var l struct {
		Data []struct {
			ID     string `json:"id"`
			Frozen bool   `json:"frozen"`
		} `json:"data"`
	}
	r.json(t, &l)
	out := map[string]bool{}
	for _, w := range l.Data {
		out[w.ID] = w.Frozen
	}
	return out
}

// liftFreeze has two listed approvers lift freeze id.
func (e *env) liftFreeze(t *testing.T, id string, toks ...string) {
	t.Helper()
	for i, tok := range toks {
		r := e.do(t, "POST", "/v1/freezes/"+id+"/approvals", tok, nil, []byte(`{"comment":"checked"}`))
		if r.status != 200 || (i == len(toks)-1) != strings.Contains(string(r.body), `"lifted":true`) {
			t.Fatalf("unfreeze vote %d: %d %s", i, r.status, r.body)
		}
	}
}

// Finding 2: a freeze holds on every path money takes out of or into a
// frozen wallet. Under a wallet freeze, an internal transfer from the
// frozen wallet and one into it are refused (`frozen`, naming the field)
// and change nothing; a batch refuses exactly the rows that touch it; a
// payout from it is refused; a retry of a transfer posted before the
// freeze answers as it first did; the wallet shows "frozen": true (get and
// list) while the other wallets do not. A tenant freeze does the same for
// every wallet of the tenant. Lifting each lets money move again.
func TestFinding2_FreezeHoldsOnInternalTransfer(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob, carol := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob"), e.tokenAs(t, ten, "carol")
	l, _ := ledgerOn(t, rawDB(t))
	a, b, c := e.newWallet(t, alice, false), e.newWallet(t, alice, false), e.newWallet(t, alice, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	fund(t, l, ten, c.ID, sg.Tron, "100")

	// A transfer posted before the freeze, to be retried under it.
	early := idem()
	first := e.do(t, "POST", "/v1/transfers", alice, early, transferBody(a.ID, b.ID, "tron", "1"))
	if first.status != 201 {
		t.Fatalf("transfer before the freeze: %d %s", first.status, first.body)
	}

	r := e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"wallet","wallet_id":"`+a.ID+`","reason":"account takeover suspected"}`))
	var wf freezeJSON
	r.json(t, &wf)
	if r.status != 201 {
		t.Fatalf("wallet freeze: %d %s", r.status, r.body)
	}
	if !e.frozenOf(t, alice, a.ID) || e.frozenOf(t, alice, b.ID) {
		t.Fatal("under a freeze of A, GET /v1/wallets shows A unfrozen or B frozen")
	}
	if ls := e.listedFrozen(t, alice); !ls[a.ID] || ls[b.ID] || ls[c.ID] {
		t.Fatalf("listed frozen flags under a freeze of A: %v", ls)
	}

	refused := func(name, body, param string) {
		t.Helper()
		before := e.footprint(t, ten) + e.balancesJSON(t, alice, a.ID, b.ID, c.ID)
		r := e.do(t, "POST", "/v1/transfers", alice, idem(), []byte(body))
		if r.status != 422 || r.errCode() != "frozen" || r.errParam() != param {
			t.Fatalf("%s: %d %s; want 422 frozen (%s)", name, r.status, r.body, param)
		}
		if after := e.footprint(t, ten) + e.balancesJSON(t, alice, a.ID, b.ID, c.ID); after != before {
			t.Fatalf("%s changed state:\n%s\n%s", name, before, after)
		}
	}
	refused("out of the frozen wallet", string(transferBody(a.ID, b.ID, "tron", "5")), "from_wallet_id")
	refused("into the frozen wallet", string(transferBody(c.ID, a.ID, "tron", "5")), "to_wallet_id")
	refused("out of the frozen wallet on another chain", string(transferBody(a.ID, c.ID, "ethereum", "5")), "from_wallet_id")

	// The retry of the transfer made before the freeze is its first answer.
	again := e.do(t, "POST", "/v1/transfers", alice, early, transferBody(a.ID, b.ID, "tron", "1"))
	if again.status != 201 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay under the freeze: %d %s", again.status, again.body)
	}

	// A batch: the rows touching A are refused, the other goes on.
	rk := randHex(4)
	batch := fmt.Sprintf("row_key,from_wallet_id,to_wallet_id,chain,amount\n"+
		"%[1]s-out,%[2]s,%[3]s,tron,7\n%[1]s-ok,%[4]s,%[3]s,tron,3\n%[1]s-in,%[4]s,%[2]s,tron,2\n", rk, a.ID, b.ID, c.ID)
	br := e.do(t, "POST", "/v1/transfers/batch", alice, csvHeaders("b-"+randHex(4)), []byte(batch))
	var rep batchReportJSON
	br.json(t, &rep)
	codes := map[string]string{}
	for _, x := range rep.Refused {
		codes[x.RowKey] = x.Code + "/" + x.Param
	}
	if br.status != 200 || len(rep.Accepted) != 1 || rep.Accepted[0].RowKey != rk+"-ok" ||
		codes[rk+"-out"] != "frozen/from_wallet_id" || codes[rk+"-in"] != "frozen/to_wallet_id" {
		t.Fatalf("batch under a wallet freeze: %d %s", br.status, br.body)
	}
	if ba, bb, bc := e.balances(t, alice, a.ID)["tron"], e.balances(t, alice, b.ID)["tron"], e.balances(t, alice, c.ID)["tron"]; ba.Available != "99.000000" || bb.Available != "4.000000" || bc.Available != "97.000000" {
		t.Fatalf("balances after the batch: a %+v b %+v c %+v", ba, bb, bc)
	}

	// A payout from the frozen wallet is refused too.
	if r := e.do(t, "POST", "/v1/withdrawals", alice, idem(), withdrawalBody(a.ID, "tron", tronPayee(), "1")); r.status != 422 || r.errCode() != "frozen" {
		t.Fatalf("payout from the frozen wallet: %d %s", r.status, r.body)
	}

	// A tenant freeze: every wallet of the tenant, both ways.
	r = e.do(t, "POST", "/v1/freezes", alice, nil, []byte(`{"scope":"tenant","reason":"incident"}`))
	var tf freezeJSON
	r.json(t, &tf)
	if r.status != 201 {
		t.Fatalf("tenant freeze: %d %s", r.status, r.body)
	}
	refused("between two wallets under a tenant freeze", string(transferBody(c.ID, b.ID, "tron", "1")), "from_wallet_id")
	if !e.frozenOf(t, alice, b.ID) || !e.frozenOf(t, alice, c.ID) {
		t.Fatal("a tenant freeze does not show on the tenant's wallets")
	}
	if ls := e.listedFrozen(t, alice); !ls[a.ID] || !ls[b.ID] || !ls[c.ID] {
		t.Fatalf("listed frozen flags under a tenant freeze: %v", ls)
	}
	// Another tenant is not frozen by it.
	other := e.token(t, tenant())
	ow := e.newWallet(t, other, false)
	if e.frozenOf(t, other, ow.ID) {
		t.Fatal("a tenant freeze shows on another tenant's wallet")
	}

	e.liftFreeze(t, tf.ID, bob, carol)
	if e.frozenOf(t, alice, c.ID) || !e.frozenOf(t, alice, a.ID) {
		t.Fatal("after the tenant freeze lifted: C still frozen or A no longer")
	}
	if r := e.do(t, "POST", "/v1/transfers", alice, idem(), transferBody(c.ID, b.ID, "tron", "1")); r.status != 201 {
		t.Fatalf("transfer after the tenant freeze lifted: %d %s", r.status, r.body)
	}
	refused("out of A, still frozen", string(transferBody(a.ID, b.ID, "tron", "1")), "from_wallet_id")

	e.liftFreeze(t, wf.ID, bob, carol)
	if e.frozenOf(t, alice, a.ID) {
		t.Fatal("A still shows frozen after its freeze lifted")
	}
	if r := e.do(t, "POST", "/v1/transfers", alice, idem(), transferBody(a.ID, b.ID, "tron", "1")); r.status != 201 {
		t.Fatalf("transfer after the wallet freeze lifted: %d %s", r.status, r.body)
	}
}

// Finding 2, platform scope, on a table of its own (a platform freeze would
// stop every tenant of the shared stack): under a platform freeze no
// internal transfer of any tenant posts, the wallets show frozen, and once
// two platform admins lift it money moves again.
func TestFinding2_PlatformFreezeHoldsOnInternalTransfer(t *testing.T) {
	e := stack(t)
	table, err := cloneTable(e.ddb, e.table, e.table+"-h1frz-"+randHex(4))
	if err != nil {
		t.Fatal(err)
	}
	st := dynamo.New(rawDB(t), table)
	l := &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}
	ws := &wallet.Service{Store: st.Wallets, Idem: st.Base, Balances: st.Ledger, Freezes: st.Custody, Now: time.Now}
	svc := &custody.Service{Store: st.Custody, Wallets: st.Wallets, Now: time.Now, PlatformUnfreezeApprovals: 2}
	ctx := context.Background()
	ten := tenant()
	ids := seedWallets(t, st, l, ten, 2, false, "10")
	move := func(key string) error {
		_, err := l.Transfer(ctx, ten, key, "h-"+key, ledger.Internal{From: ids[0], To: ids[1], Chain: sg.Tron, Asset: sg.USDT, Amount: 1_000_000})
		return err
	}
	if err := move("before"); err != nil {
		t.Fatal(err)
	}
	admin := func(sub string) custody.Actor { return custody.Actor{Tenant: ten, Subject: sub, PlatformAdmin: true} }
	f, err := svc.Freeze(ctx, admin("ops-1"), sg.FreezePlatform, "", "hot wallet drained")
	if err != nil {
		t.Fatal(err)
	}
	var se *sg.Error
	if err := move("during"); !errors.Is(err, sg.ErrFrozen) || !errors.As(err, &se) || se.Param != "from_wallet_id" {
		t.Fatalf("internal transfer under a platform freeze: %v", err)
	}
	if err := move("before"); err != nil {
		t.Fatalf("retry of a transfer posted before the freeze: %v", err)
	}
	if b, err := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, ids[1], sg.Tron, sg.USDT), 1); err != nil || b.Available != 11_000_000 {
		t.Fatalf("destination after the refused transfer: %+v %v", b, err)
	}
	w, err := ws.Get(ctx, ten, ids[0])
	if err != nil || !w.Frozen {
		t.Fatalf("wallet under a platform freeze: frozen=%v %v", w.Frozen, err)
	}
	if list, _, err := ws.List(ctx, ten, sg.Page{Limit: 10}); err != nil || len(list) != 2 || !list[0].Frozen || !list[1].Frozen {
		t.Fatalf("listed wallets under a platform freeze: %+v %v", list, err)
	}
	for _, sub := range []string{"ops-1", "ops-2"} {
		if f, err = svc.VoteUnfreeze(ctx, admin(sub), f.ID, "resolved"); err != nil {
			t.Fatal(err)
		}
	}
	if !f.Lifted {
		t.Fatal("two admin votes did not lift the platform freeze")
	}
	if err := move("after"); err != nil {
		t.Fatalf("internal transfer after the platform freeze lifted: %v", err)
	}
	if w, err := ws.Get(ctx, ten, ids[0]); err != nil || w.Frozen {
		t.Fatalf("wallet after the platform freeze lifted: frozen=%v %v", w.Frozen, err)
	}
}
