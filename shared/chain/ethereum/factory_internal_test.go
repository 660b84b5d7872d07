package ethereum

import (
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
)

// The factory ABI that functions pack sweeps with is the binding's, which
// make contracts regenerates from the compiled contract: a contract change
// that leaves factoryABIJSON behind fails here.
func TestFactoryABIIsTheBindings(t *testing.T) {
	if got, want := strings.TrimSpace(factoryABIJSON), forwarder.ForwarderFactoryMetaData.ABI; got != want {
		t.Errorf("factoryABIJSON differs from forwarder.ForwarderFactoryMetaData.ABI: copy the binding's ABI into factory.go\n got %.80s...\nwant %.80s...", got, want)
	}
}
