// Command audit-projector is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/auditfn"
)

func main() { fn.Start("audit-projector", auditfn.AuditProjector) }
