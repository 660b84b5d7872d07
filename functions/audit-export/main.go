// Command audit-export is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/auditfn/auditroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("audit-export", auditroutes.AuditExport) }
