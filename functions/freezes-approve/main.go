// Command freezes-approve is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/pipefn/piperoutes"
)

func main() { bodyfn.Start("freezes-approve", piperoutes.FreezesApprove) }
