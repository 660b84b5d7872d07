// Command cold-payouts-sign is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/chainfn/chainroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("cold-payouts-sign", chainroutes.ColdPayoutsSign) }
