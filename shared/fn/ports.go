package fn

import (
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
)

// The handlers declare the stores they read (interfaces in the consumer);
// the dynamo adapter implements them. The checks live in the wiring, the
// one place that sees both.
var (
	_ api.IdemStore = (*dynamo.Table)(nil)
)
