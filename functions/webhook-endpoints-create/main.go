// Command webhook-endpoints-create is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn/hookwrites"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("webhook-endpoints-create", hookwrites.WebhookEndpointsCreate) }
