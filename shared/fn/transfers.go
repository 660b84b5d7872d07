package fn

import (
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
)

// Store builds the DynamoDB store on TABLE_NAME.
func Store(env Env) (*dynamo.Store, error) { return core.Store(env) }
