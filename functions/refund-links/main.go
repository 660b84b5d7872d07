// Command refund-links is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn/payoutroutes"
)

func main() { bodyfn.Start("refund-links", payoutroutes.RefundLinks) }
