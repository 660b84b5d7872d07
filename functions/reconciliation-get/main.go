// Command reconciliation-get is one Lambda function of Stablegate (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("reconciliation-get", fn.ReconciliationGet) }
