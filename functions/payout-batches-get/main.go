// Command payout-batches-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/ledgerfn"
)

func main() { httpfn.Start("payout-batches-get", ledgerfn.PayoutBatchesGet) }
