// Command tron-grants-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantreads"
)

func main() { httpfn.Start("tron-grants-get", grantreads.TronGrantsGet) }
