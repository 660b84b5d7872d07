// Command transfers-create is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/compliancefn/complianceroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("transfers-create", complianceroutes.TransfersCreate) }
