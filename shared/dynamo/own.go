package dynamo

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The deployment's own addresses on a chain share one partition per
// address, ADDR#<chain>#<address, lower-case>:
//
//	ADDR   a wallet's deposit address (or forwarder), claimed when issued
//	OWN    an address of the platform's: a hot key (each generation), a
//	       cold wallet, the token contract; registered by the functions
//	       that know them
//
// so one query tells whether a payout's destination is the deployment's own.

// RegisterOwn records addr as the platform's own address of kind (hot,
// cold, token), idempotently.
func (st *Watch) RegisterOwn(ctx context.Context, c sg.Chain, addr, kind string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(addrPrefix + string(c) + "#" + strings.ToLower(addr)), attrSK: s("OWN"), "type": s("own"), "kind": s(kind)}})
	return classifyOrNil("dynamo.RegisterOwn", err)
}

// OwnAddress reports whether addr is a deposit address of any wallet or an
// address the platform registered as its own.
func (st *Watch) OwnAddress(ctx context.Context, c sg.Chain, addr string) (bool, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, Limit: aws.Int32(1), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(addrPrefix + string(c) + "#" + strings.ToLower(addr))}})
	if err != nil {
		return false, classify("dynamo.OwnAddress", err)
	}
	return len(out.Items) > 0, nil
}
