// Command tron-grants-qr is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantroutes"
)

func main() { httpfn.Start("tron-grants-qr", grantroutes.TronGrantsQR) }
