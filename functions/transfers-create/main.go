// Command transfers-create is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("transfers-create", compliancefn.TransfersCreate) }
