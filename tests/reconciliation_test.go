package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type reconJSON struct {
	OK     bool
	Checks []struct {
		Name        string
		OK          bool
		Checked     int
		Differences []struct{ Subject, Expected, Actual string }
	}
}

func runPlatformJob(t *testing.T) recon.Report {
	return runJob(t, "reconcile").(recon.Report)
}

// Reconciliation proves the books after real activity, finds a balance
// changed behind the ledger's back, names it, and changes nothing itself.
func TestReconciliationFindsDifferencesAndEditsNothing(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, true)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	fund(t, l, ten, a.ID, sg.Ethereum, "100")
	e.do(t, "POST", "/v1/transfers", tok, idem(), transferBody(a.ID, b.ID, "tron", "12.5"))
	// One payout paid on each chain, one refused for funds (no hold), one in
	// flight on Tron (held) while the books are first checked.
	var paid, paidTron withdrawalJSON
	e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "ethereum", ethDest, "10")).json(t, &paid)
	e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "tron", tronPayee(), "5")).json(t, &paidTron)
	if r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "tron", tronPayee(), "500")); r.errCode() != "insufficient_funds" {
		t.Fatalf("an overdraft: %d %s", r.status, r.body)
	}
	e.waitState(t, tok, paid.ID, "posted")
	tronPosted := []withdrawalJSON{e.waitState(t, tok, paidTron.ID, "posted")}
	var inFlight withdrawalJSON
	e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "tron", tronPayee(), "14")).json(t, &inFlight)

	r := e.do(t, "GET", "/v1/reconciliation", tok, nil, nil)
	var rep reconJSON
	r.json(t, &rep)
	if r.status != 200 || !rep.OK || len(rep.Checks) != 4 {
		t.Fatalf("clean books: %d %s", r.status, r.body)
	}
	for _, c := range rep.Checks {
		if c.Checked == 0 {
			t.Fatalf("check %s checked nothing: %s", c.Name, r.body)
		}
	}
	// The platform run covers every tenant: other tests' deposits may be
	// on chain a moment before a watcher credits them, so clean books are
	// waited for (with a generous bound) rather than caught mid-flight.
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(2 * time.Second) {
		p := runPlatformJob(t)
		if p.OK {
			break
		}
		if b, _ := json.Marshal(p); time.Now().After(deadline) {
			t.Fatalf("platform run on clean books: %s", b)
		}
	}
	// Let the last payout end, so nothing moves while the books are compared.
	tronPosted = append(tronPosted, e.waitState(t, tok, inFlight.ID, "posted"))
	// What wallet a should hold on Tron: 100 less 12.5 moved, 5 and 14 paid
	// out, and each payout's fee charged (the network's, at most the fee held).
	want := sg.Amount(100_000_000 - 12_500_000 - 5_000_000 - 14_000_000)
	for _, w := range tronPosted {
		held, _ := sg.ParseAmount(w.Fee, 6)
		charged := held
		if w.NetworkFee != nil {
			nf, _ := sg.ParseAmount(*w.NetworkFee, 6)
			charged = min(nf, held)
		}
		want -= charged
	}
	// A balance changed behind the ledger's back (and put back when the
	// test ends, so the books are clean for the rest of the suite).
	tamper := func(by string) error {
		_, err := rawDB(t).UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: &e.table,
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("BAL#%s#%s#tron#USDT#00", ten, a.ID)},
				"SK": &types.AttributeValueMemberS{Value: "BAL"}},
			UpdateExpression:          aws.String("ADD available :by"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":by": &types.AttributeValueMemberN{Value: by}}})
		return err
	}
	if err := tamper("1"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := tamper("-1"); err != nil {
			t.Errorf("putting the tampered balance back: %v", err)
		}
	})
	before := e.balancesJSON(t, tok, a.ID, b.ID)
	r = e.do(t, "GET", "/v1/reconciliation", tok, nil, nil)
	rep = reconJSON{}
	r.json(t, &rep)
	if rep.OK {
		t.Fatalf("a tampered balance went unnoticed: %s", r.body)
	}
	found := false
	for _, c := range rep.Checks {
		for _, d := range c.Differences {
			if c.Name == "balances_match_journal" && d.Subject == a.ID+"/tron/USDT available" && d.Expected == want.String() && d.Actual == (want+1).String() {
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("difference not named: %s", r.body)
	}
	if p := runPlatformJob(t); p.OK {
		t.Fatal("the platform run missed the tampered balance")
	}
	if after := e.balancesJSON(t, tok, a.ID, b.ID); after != before {
		t.Fatal("reconciliation edited data")
	}
}

func holdingsCheck(t *testing.T, r recon.Report) recon.Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == "onchain_holdings" {
			return c
		}
	}
	t.Fatalf("no onchain_holdings check in %+v", r)
	return recon.Check{}
}

// The platform run compares each chain's holdings (every deposit address
// and the hot wallet, on the local geth and the Tron stand-in) with the
// books: deposits credited, less payouts posted, plus the hot wallets'
// float, within what is in flight. Tokens that reach the hot wallet with
// no entry behind them are reported, and a float entry for them squares
// the books again.
func TestReconciliationComparesOnChainHoldings(t *testing.T) {
	stack(t)
	r := runPlatformJob(t)
	c := holdingsCheck(t, r)
	if !c.OK || c.Checked != 2 {
		t.Fatalf("holdings on clean books: %+v", c)
	}
	info, ec, auth, token := localChain(t)
	ctx := context.Background()
	tx, err := token.Mint(auth, common.HexToAddress(info.Hot), big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bind.WaitMined(ctx, ec, tx); err != nil {
		t.Fatal(err)
	}
	// The run reads Ethereum at the deposit watcher's cursor: wait for it to pass the mint.
	var diff *recon.Difference
	for deadline := time.Now().Add(30 * time.Second); diff == nil; time.Sleep(500 * time.Millisecond) {
		for _, d := range holdingsCheck(t, runPlatformJob(t)).Differences {
			if d.Subject == "ethereum/USDT on chain" {
				diff = &d
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("1 USDT minted to the hot wallet with no entry was not reported")
		}
	}
	actual, _ := sg.ParseAmount(diff.Actual, 6)
	upper := diff.Expected
	if i := strings.LastIndex(upper, " to "); i >= 0 {
		upper = upper[i+4:]
	}
	books, _ := sg.ParseAmount(upper, 6)
	if actual-books != 1_000_000 {
		t.Fatalf("difference %+v; want the 1 USDT over the books", *diff)
	}
	l, _ := ledgerOn(t, rawDB(t))
	if _, err := l.RecordFloat(ctx, sg.Ethereum, 1_000_000, "test-mint-"+tx.Hash().Hex()); err != nil {
		t.Fatal(err)
	}
	if c := holdingsCheck(t, runPlatformJob(t)); !c.OK {
		t.Fatalf("after the float entry: %+v", c)
	}
}
