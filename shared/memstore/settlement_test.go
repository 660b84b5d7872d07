package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the settlement store's contract.
func TestSettlementContract(t *testing.T) {
	storetest.Settlement(t, func(*testing.T) storetest.SettlementStores { return memstore.NewSettlements() })
}

// The twin passes the refund counters' contract.
func TestRefundCapsContract(t *testing.T) {
	storetest.RefundCaps(t, func(*testing.T) sg.RefundCaps { return memstore.NewRefundCaps() })
}

func TestRefundLinksContract(t *testing.T) {
	storetest.RefundLinks(t, func(*testing.T) sg.RefundLinks { return &memstore.RefundLinks{} })
}
