package dynamo_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The parked invoices' contract on DynamoDB Local.
func TestParkedInvoicesContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.ParkedInvoices(t, func(*testing.T) sg.ParkedInvoices { return dynamo.ParkedInvoices{Table: dynamo.New(db, table).Base} })
}
