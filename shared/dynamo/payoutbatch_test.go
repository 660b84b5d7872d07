package dynamo_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The payout batch store's contract on DynamoDB Local: the same cases,
// under the same names, as shared/memstore's TestPayoutBatchesContract.
func TestPayoutBatchesContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.PayoutBatches(t, func(*testing.T) sg.PayoutBatches { return dynamo.New(db, table).Batches })
}
