package live

import (
	"context"

	"github.com/stablegate/stablegate/shared/live/push"
)

// The market channel: {"action":"subscribe","channel":"market"} follows
// USDT's price against the major fiat currencies and each chain's network
// fee level; a scheduled publisher pushes a snapshot whenever it changes
// (package push's market.go).

// ChannelMarket names the market channel.
const ChannelMarket = push.ChannelMarket

// The market's records, its source and the message pushed.
type (
	MarketSnapshot = push.MarketSnapshot
	FeeLevel       = push.FeeLevel
	MarketSource   = push.MarketSource
	MarketUpdate   = push.MarketUpdate
)

// PublishMarket pushes the market if it changed (push.Service.PublishMarket).
func (s *Service) PublishMarket(ctx context.Context) (bool, error) {
	return s.pusher().PublishMarket(ctx)
}
