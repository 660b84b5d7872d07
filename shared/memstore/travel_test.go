package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the travel-rule store's contract.
func TestTravelContract(t *testing.T) {
	storetest.Travel(t, func(*testing.T) sg.TravelStore { return &memstore.Travel{} })
}
