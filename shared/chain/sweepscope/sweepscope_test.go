package sweepscope_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/sweepscope"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A release marks under the scope the Ethereum sweeper reads, whatever the
// case the factory's address is written in.
func TestEthereumScopeIsTheSweepersScope(t *testing.T) {
	for _, s := range []string{"0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x5fbdb2315678afecb367f032d93f642f64180aa3"} {
		a, err := address.Parse(sg.Ethereum, s)
		if err != nil {
			t.Fatal(err)
		}
		got, want := sweepscope.Ethereum(a), chaineth.SweepScope(common.HexToAddress(s))
		if got != want {
			t.Errorf("scope of %s = %q, the sweeper reads %q", s, got, want)
		}
	}
}
