// Command rotations-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("rotations-get", custodytable.RotationsGet) }
