// Command freezes-list is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn"
)

func main() { core.Start("freezes-list", custodyfn.FreezesList) }
