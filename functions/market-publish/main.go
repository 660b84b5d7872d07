// Command market-publish is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pushfn/marketfn"
)

func main() { core.Start("market-publish", marketfn.MarketPublish) }
