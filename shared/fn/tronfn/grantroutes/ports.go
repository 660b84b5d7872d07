package grantroutes

import (
	"github.com/stablegate/stablegate/shared/api/grantapi"
	"github.com/stablegate/stablegate/shared/dynamo"
)

// The dynamo adapter keeps Tron sweep grants (grantapi declares the port).
var _ grantapi.Store = dynamo.TronSweeps{}
