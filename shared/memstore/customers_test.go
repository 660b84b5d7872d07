package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the customer store's contract.
func TestCustomersContract(t *testing.T) {
	storetest.Customers(t, func(*testing.T) storetest.CustomerStores { return memstore.NewCustomers() })
}
