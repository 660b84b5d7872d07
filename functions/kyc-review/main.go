// Command kyc-review is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/customerfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("kyc-review", customerfn.KYCReview) }
