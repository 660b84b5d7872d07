// Command certificates-get is the Lambda function behind one API route (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("certificates-get", fn.CertificatesGet) }
