// Command kyc-reviews is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
)

func main() { core.Start("kyc-reviews", customerfn.KYCReviews) }
