// Command transfers-get is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/ledgerfn"
)

func main() { core.Start("transfers-get", ledgerfn.TransfersGet) }
