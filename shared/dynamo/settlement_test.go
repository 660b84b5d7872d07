package dynamo_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The settlement store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestSettlementContract on the twin.
func TestSettlementContract(t *testing.T) {
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
	table := contractTable(t, db)
	storetest.Settlement(t, func(*testing.T) storetest.SettlementStores {
		return &dynamo.Settlements{Table: dynamo.New(db, table).Base}
	})
}
