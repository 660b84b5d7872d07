// Command webhooks-deliver is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
)

func main() { core.Start("webhooks-deliver", notifyfn.WebhooksDeliver) }
