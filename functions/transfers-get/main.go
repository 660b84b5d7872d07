// Command transfers-get is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("transfers-get", fn.TransfersGet) }
