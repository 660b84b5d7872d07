// Command sweeps-tron is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/tronfn"
)

func main() { fn.Start("sweeps-tron", tronfn.TronSweeps) }
