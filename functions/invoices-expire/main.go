// Command invoices-expire is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("invoices-expire", acquirefn.InvoicesExpireJob) }
