// Command kyc-expire is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("kyc-expire", compliancefn.KYCExpireJob) }
