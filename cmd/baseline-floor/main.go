// Command baseline-floor is a floor of `make bench`: aws-lambda-go and one
// class of the libraries our design makes a function link, and no code of
// ours. A function's cold start beside its class's floor tells the
// libraries' share from ours (issue 18). Build tags pick the class:
//
//	(none)                       store: the DynamoDB client, which every function has
//	floor_validator              http: + validator/v10, which checks every HTTP request body
//	floor_chain                  chain: + the KMS client and go-ethereum (ethclient, the
//	                             transaction signer, crypto), which chain workers sign with
//	floor_validator,floor_chain  chain-http: both, for routes that build Ethereum transactions
//	floor_kms                    + the KMS client, for functions that seal, open or sign (not with floor_chain, which has it)
//	floor_sqs                    + the SQS client, for functions that queue
//
// It builds its clients at init, as a function does, and does a token of
// real work with each library only when invoked (the bench invokes it
// once), so the linker keeps what a function keeps. It reads the AWS
// variables a function reads and ETH_RPC_URL; it is never deployed.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// work is one library's token of work on an invocation; it says how it went.
type work func(ctx context.Context, req events.APIGatewayV2HTTPRequest) string

// works are the class's works; the tagged files add theirs at init.
var works []work

func main() {
	ep := endpoint("DYNAMODB")
	db := dynamodb.NewFromConfig(awsConfig(), func(o *dynamodb.Options) {
		if ep != nil {
			o.BaseEndpoint = ep
			o.DisableValidateResponseChecksum = true // DynamoDB Local sends none on 4xx answers
		}
	})
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		table = "floor"
	}
	works = append([]work{func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) string {
		_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true), Key: map[string]ddbtypes.AttributeValue{
			"PK": &ddbtypes.AttributeValueMemberS{Value: "FLOOR"}, "SK": &ddbtypes.AttributeValueMemberS{Value: "FLOOR"},
		}})
		return outcome("dynamodb", err)
	}}, works...)
	lambda.Start(func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var said []string
		for _, w := range works {
			said = append(said, w(ctx, req))
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: strings.Join(said, "; ")}, nil
	})
}

// awsConfig is the configuration a function builds from the Lambda
// environment: its region and static credentials, with no shared config
// files read.
func awsConfig() aws.Config {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	return aws.Config{
		Region: region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))),
	}
}

// endpoint is a service's endpoint override (AWS_ENDPOINT_URL_<ID>, else
// AWS_ENDPOINT_URL), or nil.
func endpoint(serviceID string) *string {
	for _, k := range []string{"AWS_ENDPOINT_URL_" + serviceID, "AWS_ENDPOINT_URL"} {
		if v := os.Getenv(k); v != "" {
			return aws.String(v)
		}
	}
	return nil
}

// outcome names a library and whether its work succeeded: the floor
// measures linking and init, so a refusal is as good as an answer.
func outcome(lib string, err error) string {
	if err != nil {
		return fmt.Sprintf("%s: %T", lib, err)
	}
	return lib + ": ok"
}
