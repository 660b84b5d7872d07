// Command cold-payouts-qr is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/chainfn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("cold-payouts-qr", chainfn.ColdPayoutsQR) }
