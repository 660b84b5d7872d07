package stablegate

import "context"

// MarketSnapshot is the market as the WebSocket market channel pushes it:
// USDT's price in fiat currencies (fiat units per 1 USDT, decimal strings,
// ISO 4217 codes) and each chain's network fee level.
type MarketSnapshot struct {
	Prices map[string]string   `json:"prices"`
	Fees   map[string]FeeLevel `json:"fees"`
}

// FeeLevel is a chain's network fee for a typical USDT payout now, in USDT
// (a decimal string), with the chain's own figures (gas and its price on
// Ethereum; energy, bandwidth and their prices on Tron).
type FeeLevel struct {
	Fee     string            `json:"fee"`
	Network map[string]string `json:"network,omitempty"`
}

// MarketSource reads the market now. Adapters: shared/market (a rate
// source for prices, the fee quoters for fee levels); locally its rates
// come from the dev stack's moving rate feed.
type MarketSource interface {
	Market(ctx context.Context) (MarketSnapshot, error)
}
