// Command sweeps-tron is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
)

func main() { fn.Start("sweeps-tron", chainfn.TronSweeps) }
