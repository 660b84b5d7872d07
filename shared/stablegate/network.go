package stablegate

import "strings"

// Network is one deployment of a chain Stablegate can use: the USDT
// contract, its decimals, the confirmations after which a deposit or payout
// counts, the chain id a transaction is signed for (Ethereum), and the
// endpoints to reach it. Every chain adapter is configured by one.
type Network struct {
	Name          string
	Chain         Chain
	ChainID       int64 // EIP-155 chain id (Ethereum); 0 on Tron
	Token         string
	Decimals      int
	Confirmations uint64
	RPC           []string
}

// The mainnet networks. Confirmations: 12 blocks (about 2.5 minutes) on
// Ethereum, where finality takes two epochs; 19 on Tron, the depth at which
// a block is solidified (signed by two thirds of the super representatives).
var (
	EthereumMainnet = Network{Name: "ethereum-mainnet", Chain: Ethereum, ChainID: 1,
		Token: "0xdAC17F958D2ee523a2206206994597C13D831ec7", Decimals: USDTDecimals, Confirmations: 12}
	TronMainnet = Network{Name: "tron-mainnet", Chain: Tron,
		Token: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", Decimals: USDTDecimals, Confirmations: 19,
		RPC: []string{"https://api.trongrid.io"}}
)

// NetworkFor returns the preset a deployment names ("mainnet", or "dev":
// a local chain whose contract and endpoint come with the deployment) for
// chain c, with its token, confirmations and endpoints overridden where
// set. ok is false for an unknown name.
// DevChainID is the EIP-155 chain id of the local Ethereum chain (geth
// --dev, and go-ethereum's simulated backend in package tests): payment
// links on the dev network name it, as wallets need.
const DevChainID = 1337

func NetworkFor(c Chain, name, token, rpc string, confirmations uint64) (n Network, ok bool) {
	switch {
	case name == "mainnet" && c == Ethereum:
		n = EthereumMainnet
	case name == "mainnet" && c == Tron:
		n = TronMainnet
	case name == "dev":
		n = Network{Name: string(c) + "-dev", Chain: c, Decimals: USDTDecimals, Confirmations: 2}
		if c == Ethereum {
			n.ChainID = DevChainID
		}
	default:
		return Network{}, false
	}
	n.RPC = append([]string(nil), n.RPC...)
	if token != "" {
		n.Token = token
	}
	if rpc != "" {
		// A comma-separated list names several providers, tried in turn
		// (shared/chain/failover).
		n.RPC = nil
		for _, u := range strings.Split(rpc, ",") {
			if u = strings.TrimSpace(u); u != "" {
				n.RPC = append(n.RPC, u)
			}
		}
	}
	if confirmations > 0 {
		n.Confirmations = confirmations
	}
	return n, true
}
