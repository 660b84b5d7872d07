// Command oauth-token is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/oauthfn"
)

func main() { core.Start("oauth-token", oauthfn.OAuthToken) }
