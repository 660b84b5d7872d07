package fn

import "github.com/stablegate/stablegate/shared/fn/core"

// StreamHandler consumes a batch of DynamoDB stream records (core.StreamHandler).
type StreamHandler = core.StreamHandler

// StreamBuilder makes a stream consumer.
type StreamBuilder = core.StreamBuilder
