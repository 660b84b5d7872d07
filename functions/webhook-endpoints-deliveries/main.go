// Command webhook-endpoints-deliveries is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("webhook-endpoints-deliveries", hookfn.WebhookEndpointsDeliveries) }
