// Command settlements-close is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
)

func main() { core.Start("settlements-close", payoutfn.SettlementsClose) }
