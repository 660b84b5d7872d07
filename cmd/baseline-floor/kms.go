//go:build floor_kms && !floor_chain

package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// The KMS client, which a function that seals, opens or signs links (a
// chain floor has its own).
func init() {
	kc := kms.NewFromConfig(awsConfig(), func(o *kms.Options) { o.BaseEndpoint = endpoint("KMS") })
	works = append(works, func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) string {
		_, err := kc.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1)})
		return outcome("kms", err)
	})
}
