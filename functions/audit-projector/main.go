// Command audit-projector is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/auditfn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("audit-projector", auditfn.AuditProjector) }
