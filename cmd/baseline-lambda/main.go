// Command baseline-lambda is the yardstick of `make bench`: a bare
// aws-lambda-go function that only answers "ok". It loads no AWS config and
// builds no client, so a function's cold start and size next to it are all
// the function's own (runtime start, package init, its builder). It is
// never deployed.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context) (string, error) { return "ok", nil })
}
