// Command rotations-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn"
)

func main() { core.Start("rotations-get", custodyfn.RotationsGet) }
