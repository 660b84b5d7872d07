package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the settlement store's contract.
func TestSettlementContract(t *testing.T) {
	storetest.Settlement(t, func(*testing.T) storetest.SettlementStores { return memstore.NewSettlements() })
}
