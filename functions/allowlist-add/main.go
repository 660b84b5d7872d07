// Command allowlist-add is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("allowlist-add", custodytable.AllowlistAdd) }
