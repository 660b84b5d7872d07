// Command refund-links is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
)

func main() { fn.Start("refund-links", compliancefn.RefundLinks) }
