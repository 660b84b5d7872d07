// Command settlements-get is one Lambda function of Stablegate (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("settlements-get", fn.SettlementsGet) }
