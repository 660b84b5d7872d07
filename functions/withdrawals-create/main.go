// Command withdrawals-create is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn/payoutroutes"
)

func main() { httpfn.Start("withdrawals-create", payoutroutes.WithdrawalsCreate) }
