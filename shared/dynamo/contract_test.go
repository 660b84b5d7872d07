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
// case gets a table of its own (the template's key schema and GSI1),
// deleted when it ends.
func TestContract(t *testing.T) {
	if testing.Short() {
		t.Skip("needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	}
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		t.Skip("AWS_ENDPOINT_URL_DYNAMODB is not set: no DynamoDB Local to run the contract on")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	storetest.Run(t, func(t *testing.T) storetest.Store {
		table := contractTable(t, db)
		return projected{Store: dynamo.New(db, table), db: db, table: table}
	})
}

// projected is the adapter with its history projector run by hand: in the
// stack the table's stream feeds PutHistory; here the contract asks for a
// transfer's lines once it has written it, and the record is read back
// whole (as a stream's new image carries it) and projected.
type projected struct {
	*dynamo.Store
	db    *dynamodb.Client
	table string
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
	return p.PutHistory(ctx, out.Item)
}

// contractTable creates a table with the template's keys: PK/SK, and GSI1
// (GSI1PK/GSI1SK, all attributes projected).
func contractTable(t *testing.T, db *dynamodb.Client) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "contract-" + hex.EncodeToString(b)
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(h, r string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(h), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(r), KeyType: types.KeyTypeRange}}
	}
	ctx := context.Background()
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str("PK"), str("SK"), str("GSI1PK"), str("GSI1SK")},
		KeySchema:            keys("PK", "SK"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("GSI1"), KeySchema: keys("GSI1PK", "GSI1SK"),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}})
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
