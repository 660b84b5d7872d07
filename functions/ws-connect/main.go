// Command ws-connect is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/livefn"
)

func main() { core.Start("ws-connect", livefn.WSConnect) }
