// Command events-list is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("events-list", hookfn.EventsList) }
