// Package awsenv builds the AWS SDK configuration of a Lambda function from
// its environment alone: region, the execution role's credentials (Lambda
// puts them in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN) and the standard AWS_ENDPOINT_URL_<SERVICE> /
// AWS_ENDPOINT_URL overrides, so the same binary reaches AWS, LocalStack or
// the local emulators. It skips the SDK's full config loader (profiles, SSO,
// STS, IMDS), which a function never uses and which costs every function
// about 1 MB and milliseconds of cold start. Tools and tests that run on a
// developer's machine use the full loader instead.
package awsenv

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
)

// Getenv reads one variable.
type Getenv func(string) string

// Config returns the SDK configuration from the environment.
func Config(getenv Getenv) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, errors.New("awsenv: AWS_REGION is not set")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, errors.New("awsenv: no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))),
		APIOptions:  []func(*middleware.Stack) error{Observe}, // ---- ops: spans and AwsErrors ----
	}, nil
}

// Endpoint returns the endpoint override for a service, by its
// environment-variable id (DYNAMODB, SQS, KMS, APIGATEWAYMANAGEMENTAPI), or
// nil to use AWS's own. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables
// overrides, as in the SDKs.
func Endpoint(getenv Getenv, serviceID string) *string {
	if getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true" {
		return nil
	}
	if v := getenv("AWS_ENDPOINT_URL_" + serviceID); v != "" {
		return aws.String(v)
	}
	if v := getenv("AWS_ENDPOINT_URL"); v != "" {
		return aws.String(v)
	}
	return nil
}
