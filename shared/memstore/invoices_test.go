package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The acquiring stores' contract on the twin: the same cases, under the
// same names, as on DynamoDB Local.
func TestInvoicesContract(t *testing.T) {
	storetest.Invoices(t, func(t *testing.T) storetest.InvoiceStore { return memstore.NewInvoices() })
}
