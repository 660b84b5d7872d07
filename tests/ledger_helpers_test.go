package tests

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// rawDB is a DynamoDB client for the local stack's table.
func rawDB(t testing.TB) *dynamodb.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
}

// ledgerOn returns the ledger service on the local stack's table through db.
func ledgerOn(t testing.TB, db dynamo.DB) (*ledger.Service, *dynamo.Store) {
	e := stack(t)
	st := dynamo.New(db, e.table)
	return &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}, st
}

// simLedgerOn is ledgerOn over a table of its own, made once per test run
// with the stack table's keys and indexes. Tests whose money moves on
// simulated chains (their own geth simulations, their own TronGrid
// fixtures) keep their entries there, so the stack table's books match the
// local chains the platform reconciliation reads.
func simLedgerOn(t testing.TB, db dynamo.DB) (*ledger.Service, *dynamo.Store) {
	e := stack(t)
	simOnce.Do(func() { simTable, simErr = cloneTable(e.ddb, e.table, e.table+"-sim-"+randHex(4)) })
	if simErr != nil {
		t.Fatal(simErr)
	}
	st := dynamo.New(db, simTable)
	return &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}, st
}

var (
	simOnce  sync.Once
	simTable string
	simErr   error
)

// cloneTable creates name with the key schema and indexes of from.
func cloneTable(db *dynamodb.Client, from, name string) (string, error) {
	ctx := context.Background()
	d, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &from})
	if err != nil {
		return "", err
	}
	in := &dynamodb.CreateTableInput{TableName: &name, KeySchema: d.Table.KeySchema, AttributeDefinitions: d.Table.AttributeDefinitions,
		BillingMode: types.BillingModePayPerRequest}
	for _, g := range d.Table.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection})
	}
	if _, err := db.CreateTable(ctx, in); err != nil {
		return "", err
	}
	return name, dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, time.Minute)
}

// newWallet creates a wallet through the API.
func (e *env) newWallet(t testing.TB, tok string, highVolume bool) walletJSON {
	t.Helper()
	body := `{"customer_ref":"c"}`
	if highVolume {
		body = `{"customer_ref":"merchant","high_volume":true}`
	}
	r := e.do(t, "POST", "/v1/wallets", tok, idem(), []byte(body))
	if r.status != 201 {
		t.Fatalf("create wallet: %d %s", r.status, r.body)
	}
	var w walletJSON
	r.json(t, &w)
	return w
}

// fund credits a wallet's available balance as a deposit would.
func fund(t testing.TB, l *ledger.Service, tenant, wallet string, chain sg.Chain, amount string) {
	t.Helper()
	a, err := sg.ParseAmount(amount, 6)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CreditWallet(context.Background(), tenant, ledger.Credit{Wallet: wallet, Chain: chain, Asset: sg.USDT, Amount: a, Ref: "fund-" + randHex(8)}); err != nil {
		t.Fatalf("fund: %v", err)
	}
}

type balanceJSON struct{ Chain, Asset, Available, Pending, Held string }

// balances reads a wallet's balances through the API, by chain.
func (e *env) balances(t testing.TB, tok, wallet string) map[string]balanceJSON {
	t.Helper()
	r := e.do(t, "GET", "/v1/wallets/"+wallet+"/balances", tok, nil, nil)
	if r.status != 200 {
		t.Fatalf("balances: %d %s", r.status, r.body)
	}
	var out struct{ Balances []balanceJSON }
	r.json(t, &out)
	m := map[string]balanceJSON{}
	for _, b := range out.Balances {
		m[b.Chain] = b
	}
	return m
}

func (e *env) balancesJSON(t testing.TB, tok string, wallets ...string) string {
	var all []map[string]balanceJSON
	for _, w := range wallets {
		all = append(all, e.balances(t, tok, w))
	}
	b, _ := json.Marshal(all)
	return string(b)
}

// freeze sets a wallet's frozen flag directly in the table (the freeze
// switch's API comes with custody).
func freeze(t testing.TB, tenant, wallet string) {
	t.Helper()
	e := stack(t)
	_, err := rawDB(t).UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: &e.table,
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TENANT#" + tenant},
			"SK": &types.AttributeValueMemberS{Value: "WALLET#" + wallet}},
		UpdateExpression:          aws.String("SET frozen = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
}
