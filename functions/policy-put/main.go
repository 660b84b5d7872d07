// Command policy-put is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	// Policies' time windows name IANA zones, checked here; Lambda's base
	// image may carry no zoneinfo.
	_ "time/tzdata"

	"github.com/stablegate/stablegate/shared/fn/custodyfn/policyfn"
)

func main() { bodyfn.Start("policy-put", policyfn.PolicyPut) }
