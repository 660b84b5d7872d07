// Command wallets-create is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
	"github.com/stablegate/stablegate/shared/fn/walletfn"
)

func main() { bodyfn.Start("wallets-create", walletfn.WalletsCreate) }
