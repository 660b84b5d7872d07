package dynamo_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The webhook store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestWebhooksContract on the twin.
func TestWebhooksContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.Webhooks(t, func(*testing.T) sg.WebhookStore { return &dynamo.Webhooks{Table: dynamo.New(db, table).Base} })
}
