package dynamo_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The store contract, on DynamoDB Local: the same cases, under the same
// names, as shared/memstore's TestContract on the in-memory twin. Each
// case gets a table of its own (the template's key schema and indexes),
// deleted when it ends.
func TestContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	storetest.Run(t, func(t *testing.T) storetest.Store {
		table := contractTable(t, db)
		return projected{contractStore: newContractStore(dynamo.New(db, table)), db: db, table: table}
	})
}

// The claim contract on DynamoDB Local: the same cases as shared/memstore's
// TestClaimsContract on the twin. One table for all its cases (each uses
// its own tenant).
func TestClaimsContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.Claims(t, func(t *testing.T) storetest.ClaimStores {
		s := dynamo.New(db, table)
		return claimStores{projected: projected{contractStore: newContractStore(s), db: db, table: table}, Customers: s.Customers}
	})
}

// claimStores is the ledger (whose transaction takes the claim) with the
// customers' store that keeps the limit counters.
type claimStores struct {
	projected
	*dynamo.Customers
}

// projected is the adapter with its history projector run by hand: in the
// stack the table's stream feeds PutHistory; here the contract asks for a
// transfer's lines once it has written it, and the record is read back
// whole (as a stream's new image carries it) and projected.
type projected struct {
	contractStore
	db    *dynamodb.Client
	table string
}

// contractStore is the aggregates' stores as the one union of ports the
// contract covers (a wiring's view: each consumer takes one of them).
type contractStore struct {
	*dynamo.Table
	walletStore
	historyStore
	*dynamo.Ledger
	*dynamo.Withdrawals
	*dynamo.Custody
	*dynamo.HotKeys
	*dynamo.Cold
	*dynamo.Grants
	*dynamo.Sweeps
	*dynamo.Courses
	*dynamo.Live
	*dynamo.Watch
}

// The stores named as their own methods are (Wallets, History) are
// embedded under another name.
type (
	walletStore  struct{ *dynamo.Wallets }
	historyStore struct{ *dynamo.History }
)

func newContractStore(s *dynamo.Store) contractStore {
	return contractStore{Table: s.Base, walletStore: walletStore{s.Wallets}, historyStore: historyStore{s.History}, Ledger: s.Ledger,
		Withdrawals: s.Withdrawals, Custody: s.Custody, HotKeys: s.HotKeys, Cold: s.Cold, Grants: s.Grants, Sweeps: s.Sweeps,
		Courses: s.Courses, Live: s.Live, Watch: s.Watch}
}

// Untrack and SaveSignedTx are the cold payouts' too; the contract holds
// the stores that keep them.
func (c contractStore) Untrack(ctx context.Context, ch sg.Chain, id string) error {
	return c.Watch.Untrack(ctx, ch, id)
}

func (c contractStore) SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error) {
	return c.Withdrawals.SaveSignedTx(ctx, id, raw, hash, at)
}

func (p projected) ProjectHistory(ctx context.Context, tenant, id string) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return fmt.Errorf("transfer id %q is not keyed", id)
	}
	out, err := p.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &p.table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TENANT#" + tenant}, "SK": &types.AttributeValueMemberS{Value: "TXN#" + kp}}})
	if err != nil {
		return err
	}
	if out.Item == nil {
		return fmt.Errorf("no record of %s", id)
	}
	return p.historyStore.PutHistory(ctx, out.Item)
}

// contractTable creates a table with the template's keys and indexes.
func contractTable(t *testing.T, db *dynamodb.Client) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "contract-" + hex.EncodeToString(b)
	ctx := context.Background()
	_, err := db.CreateTable(ctx, dynamo.TableSchema(name))
	if err != nil {
		t.Fatalf("create table %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}); err != nil {
			t.Logf("delete table %s: %v", name, err)
		}
	})
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, time.Minute); err != nil {
		t.Fatalf("table %s: %v", name, err)
	}
	return name
}

func (c contractStore) Wallets(ctx context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	return c.walletStore.Wallets.Wallets(ctx, tenant, page)
}

func (c contractStore) History(ctx context.Context, tenant, wallet string, f sg.HistoryFilter, page sg.Page) ([]sg.Transfer, string, error) {
	return c.historyStore.History.History(ctx, tenant, wallet, f, page)
}

// localDB is a client of the local stack's DynamoDB Local for a test that
// needs it: under -short the test skips with why (its twin runs the same
// cases), and with no endpoint configured it skips too.
func localDB(t *testing.T, why string) *dynamodb.Client {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		t.Skip("AWS_ENDPOINT_URL_DYNAMODB is not set: no DynamoDB Local to run on")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
}
