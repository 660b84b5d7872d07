// Command tron-grants-qr is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantreads"
)

func main() { httpfn.Start("tron-grants-qr", grantreads.TronGrantsQR) }
