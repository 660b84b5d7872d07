package stablegate

import "testing"

func TestNetworkPresetsAndOverrides(t *testing.T) {
	n, ok := NetworkFor(Ethereum, "mainnet", "", "https://rpc.example", 0)
	if !ok || n.ChainID != 1 || n.Token != "0xdAC17F958D2ee523a2206206994597C13D831ec7" || n.Confirmations != 12 || n.RPC[0] != "https://rpc.example" {
		t.Fatalf("ethereum mainnet: %+v", n)
	}
	n, ok = NetworkFor(Tron, "mainnet", "", "", 0)
	if !ok || n.Token != "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" || n.Confirmations != 19 || n.RPC[0] != "https://api.trongrid.io" {
		t.Fatalf("tron mainnet: %+v", n)
	}
	// Overriding one deployment's endpoint leaves the preset as it was.
	if TronMainnet.RPC[0] != "https://api.trongrid.io" {
		t.Fatal("the preset was changed by an override")
	}
	n, ok = NetworkFor(Ethereum, "dev", "0x21e70526B76F1c0F599250b60baF0d96d24D795b", "http://127.0.0.1:8545", 3)
	if !ok || n.ChainID != DevChainID || n.Confirmations != 3 || n.Token == EthereumMainnet.Token {
		t.Fatalf("dev: %+v", n)
	}
	if _, ok := NetworkFor(Ethereum, "goerli", "", "", 0); ok {
		t.Fatal("an unknown network was accepted")
	}
}
