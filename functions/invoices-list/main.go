// Command invoices-list is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
)

func main() { httpfn.Start("invoices-list", invoicefn.InvoicesList) }
