// Command tron-grants-create is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/tronfn"
)

func main() { fn.Start("tron-grants-create", tronfn.TronGrantsCreate) }
