// Command audit-anchor is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/auditfn/anchorfn"
)

func main() { fn.Start("audit-anchor", anchorfn.AuditAnchor) }
