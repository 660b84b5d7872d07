// Command wallets-transfers is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/core"
)

func main() { core.Start("wallets-transfers", fn.WalletsTransfers) }
