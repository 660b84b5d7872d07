// Command invoice-policy-put is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
)

func main() { bodyfn.Start("invoice-policy-put", invoicefn.InvoicePolicyPut) }
