// Command settlement-settings is one Lambda function of Stablegate (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("settlement-settings", fn.SettlementSettings) }
