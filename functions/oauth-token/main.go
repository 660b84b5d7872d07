// Command oauth-token is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/oauthfn"
)

func main() { bodyfn.Start("oauth-token", oauthfn.OAuthToken) }
