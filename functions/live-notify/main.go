// Command live-notify is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pushfn"
)

func main() { core.Start("live-notify", pushfn.LiveNotify) }
