// Command baseline-lambda is the yardstick of `make bench`: a Lambda function
// that only loads the AWS config and builds one client. Function sizes and
// cold starts are reported next to it. It is never deployed.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	client := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context) (string, error) {
		_ = client
		return "ok", nil
	})
}
