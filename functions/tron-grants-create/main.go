// Command tron-grants-create is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantroutes"
)

func main() { bodyfn.Start("tron-grants-create", grantroutes.TronGrantsCreate) }
