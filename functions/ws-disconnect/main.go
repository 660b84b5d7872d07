// Command ws-disconnect is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/livefn"
)

func main() { httpfn.Start("ws-disconnect", livefn.WSDisconnect) }
