// Command invoices-create is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("invoices-create", fn.InvoicesCreate) }
