// Command webhook-endpoints-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("webhook-endpoints-get", hookfn.WebhookEndpointsGet) }
