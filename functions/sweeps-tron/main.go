// Command sweeps-tron is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/tronfn"
)

func main() { core.Start("sweeps-tron", tronfn.TronSweeps) }
