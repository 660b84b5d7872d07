package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The payout batch store's contract on the in-memory twin.
func TestPayoutBatchesContract(t *testing.T) {
	storetest.PayoutBatches(t, func(*testing.T) sg.PayoutBatches { return &memstore.PayoutBatches{} })
}
