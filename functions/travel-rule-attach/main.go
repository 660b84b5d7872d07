// Command travel-rule-attach is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
)

func main() { core.Start("travel-rule-attach", customerfn.TravelRuleAttach) }
