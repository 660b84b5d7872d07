// Command holds-expire is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
)

func main() { core.Start("holds-expire", pipefn.HoldsExpireJob) }
