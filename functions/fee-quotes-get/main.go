// Command fee-quotes-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/quotefn"
)

func main() { httpfn.Start("fee-quotes-get", quotefn.FeeQuotesGet) }
