// Command checkout-receipt is one Lambda function of Stablegate (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("checkout-receipt", fn.CheckoutReceipt) }
