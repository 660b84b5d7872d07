// Command wallets-list is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/fn/walletfn"
)

func main() { httpfn.Start("wallets-list", walletfn.WalletsList) }
