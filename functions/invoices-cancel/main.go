// Command invoices-cancel is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
)

func main() { bodyfn.Start("invoices-cancel", invoicefn.InvoicesCancel) }
