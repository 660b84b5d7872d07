package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the monitoring and case store's contract.
func TestComplianceContract(t *testing.T) {
	storetest.Compliance(t, func(*testing.T) sg.MonitorStore { return memstore.NewCompliance() })
}
