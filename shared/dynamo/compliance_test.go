package dynamo_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The monitoring and case store's contract on DynamoDB Local: the same
// cases, under the same names, as shared/memstore's TestComplianceContract
// on the twin.
func TestComplianceContract(t *testing.T) {
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
	storetest.Compliance(t, func(*testing.T) sg.MonitorStore { return dynamo.New(db, table).Compliance })
}
