// Package sweepscope names the scopes of sweep marks without any chain
// library, so a function that only marks an address for the sweeper (a
// released deposit) links no go-ethereum. The Ethereum sweeper and the
// deposit watcher name their marks through Ethereum too.
package sweepscope

import (
	"strings"

	"github.com/stablegate/stablegate/shared/address"
)

// Ethereum is the scope of the sweep marks of the forwarders a factory
// made: "ethereum#" and the factory's address in lower-case hex.
func Ethereum(factory address.Account) string {
	return "ethereum#" + strings.ToLower(factory.EIP55())
}
