// Command tiers-put is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/compliancefn/complianceroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("tiers-put", complianceroutes.TiersPut) }
