// Command tron-grants-sign is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
)

func main() { fn.Start("tron-grants-sign", chainfn.TronGrantsSign) }
