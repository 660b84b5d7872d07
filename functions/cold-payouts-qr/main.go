// Command cold-payouts-qr is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/coldfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("cold-payouts-qr", coldfn.ColdPayoutsQR) }
