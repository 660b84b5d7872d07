// Command api-clients is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/oauthfn"
)

func main() { fn.Start("api-clients", oauthfn.APIClients) }
