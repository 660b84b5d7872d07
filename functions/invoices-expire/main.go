// Command invoices-expire is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("invoices-expire", fn.InvoicesExpireJob) }
