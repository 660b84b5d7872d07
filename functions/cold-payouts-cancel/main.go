// Command cold-payouts-cancel is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/coldfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("cold-payouts-cancel", coldfn.ColdPayoutsCancel) }
