// Command market-publish is one Lambda function of Stablegate (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("market-publish", fn.MarketPublish) }
