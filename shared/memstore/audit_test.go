package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the audit store's contract.
func TestAuditContract(t *testing.T) {
	storetest.Audit(t, func(*testing.T) sg.AuditStore { return memstore.NewAudit() })
}
