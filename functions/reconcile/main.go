// Command reconcile is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/reconfn"
)

func main() { core.Start("reconcile", reconfn.ReconcileJob) }
