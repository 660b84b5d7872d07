// Command reconciliation-get is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/ledgerfn"
)

func main() { core.Start("reconciliation-get", ledgerfn.ReconciliationGet) }
