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
