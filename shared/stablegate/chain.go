package stablegate

// Chain names a blockchain network family Stablegate supports.
type Chain string

// Supported chains.
const (
	Ethereum Chain = "ethereum"
	Tron     Chain = "tron"
)

// Chains lists the supported chains in a stable order.
var Chains = []Chain{Ethereum, Tron}

// Asset names a token.
type Asset string

// USDT is Tether USD: ERC20 on Ethereum, TRC20 on Tron, 6 decimals on both.
const USDT Asset = "USDT"

// Valid reports whether c is a supported chain.
func (c Chain) Valid() bool { return c == Ethereum || c == Tron }

// CoinType is the SLIP-44 coin type used in the chain's BIP-44 path.
func (c Chain) CoinType() uint32 {
	switch c {
	case Ethereum:
		return 60
	case Tron:
		return 195
	}
	return 0
}
