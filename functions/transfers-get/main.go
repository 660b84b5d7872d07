// Command transfers-get is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/ledgerfn"
)

func main() { httpfn.Start("transfers-get", ledgerfn.TransfersGet) }
