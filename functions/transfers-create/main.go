// Command transfers-create is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
)

func main() { fn.Start("transfers-create", compliancefn.TransfersCreate) }
