// Command cases-evidence is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/compliancefn/complianceroutes"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("cases-evidence", complianceroutes.CasesEvidence) }
