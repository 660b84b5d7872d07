package dynamo_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The monitoring and case store's contract on DynamoDB Local: the same
// cases, under the same names, as shared/memstore's TestComplianceContract
// on the twin.
func TestComplianceContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.Compliance(t, func(*testing.T) sg.MonitorStore { return dynamo.New(db, table).Compliance })
}
