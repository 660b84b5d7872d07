// Command webhook-endpoints-update is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("webhook-endpoints-update", hookfn.WebhookEndpointsUpdate) }
