package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The store contract, on the twin: the same cases, under the same names,
// as shared/dynamo's TestContract on DynamoDB Local.
func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Store { return memstore.New() })
}

// claimStores is the ledger twin that claims limits with its transfers,
// over the customers twin that keeps the counters.
type claimStores struct {
	memstore.Claiming
	*memstore.Customers
}

// The claim contract on the twin (shared/dynamo's TestClaimsContract on
// DynamoDB Local runs the same cases).
func TestClaimsContract(t *testing.T) {
	storetest.Claims(t, func(*testing.T) storetest.ClaimStores {
		cust := memstore.NewCustomers()
		return claimStores{Claiming: memstore.Claiming{Store: memstore.New(), Counters: cust}, Customers: cust}
	})
}
