//go:build floor_sqs

package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// The SQS client, which a function that queues links.
func init() {
	qc := sqs.NewFromConfig(awsConfig(), func(o *sqs.Options) { o.BaseEndpoint = endpoint("SQS") })
	works = append(works, func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) string {
		_, err := qc.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1)})
		return outcome("sqs", err)
	})
}
