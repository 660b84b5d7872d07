// Command oauth-token is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/oauthfn"
)

func main() { httpfn.Start("oauth-token", oauthfn.OAuthToken) }
