// Command audit-anchor is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/auditfn/anchorfn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("audit-anchor", anchorfn.AuditAnchor) }
