// Command webhook-endpoints-replay is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn/hooksends"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("webhook-endpoints-replay", hooksends.WebhookEndpointsReplay) }
