// Command invoices-cancel is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn/cancelfn"
)

func main() { bodyfn.Start("invoices-cancel", cancelfn.InvoicesCancel) }
