package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the parked invoices' contract.
func TestParkedInvoicesContract(t *testing.T) {
	storetest.ParkedInvoices(t, func(*testing.T) sg.ParkedInvoices { return &memstore.ParkedInvoices{} })
}
