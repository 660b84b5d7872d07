package dynamo

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

type idemItem struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	Type        string `dynamodbav:"type"`
	Op          string `dynamodbav:"op"`
	Key         string `dynamodbav:"key"`
	RequestHash string `dynamodbav:"request_hash"`
	Status      int    `dynamodbav:"status"`
	Response    []byte `dynamodbav:"response"`
	CreatedAt   string `dynamodbav:"created_at"`
	ExpiresAt   int64  `dynamodbav:"expires_at"`
}

func idemSK(op, k string) string { return idemPrefix + op + "#" + k }

// idempotencyPut is the transaction item that records the first answer. It
// succeeds only if no live record holds the key (DynamoDB deletes expired
// items lazily, so an expired one may still be there).
func (s *Store) idempotencyPut(r sg.Idempotency) (types.TransactWriteItem, error) {
	now := s.Now()
	av, err := attributevalue.MarshalMap(idemItem{
		PK: tenantPK(r.TenantID), SK: idemSK(r.Operation, r.Key), Type: "idempotency", Op: r.Operation, Key: r.Key,
		RequestHash: r.RequestHash, Status: r.Status, Response: r.Response,
		CreatedAt: now.UTC().Format(time.RFC3339Nano), ExpiresAt: now.Add(IdempotencyTTL).Unix(),
	})
	if err != nil {
		return types.TransactWriteItem{}, sg.Internal("dynamo.idempotencyPut", err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                 &s.table,
		Item:                      av,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR #e < :now"),
		ExpressionAttributeNames:  map[string]string{"#e": attrExpires},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
	}}, nil
}

// Idempotency reads a live record or returns ErrNotFound.
func (s *Store) Idempotency(ctx context.Context, tenant, op, k string) (sg.Idempotency, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(tenantPK(tenant), idemSK(op, k)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Idempotency{}, classify("dynamo.Idempotency", err)
	}
	if out.Item == nil {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	var it idemItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return sg.Idempotency{}, sg.Internal("dynamo.Idempotency", err)
	}
	if it.ExpiresAt < s.Now().Unix() {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	created, _ := time.Parse(time.RFC3339Nano, it.CreatedAt)
	return sg.Idempotency{TenantID: tenant, Operation: it.Op, Key: it.Key, RequestHash: it.RequestHash, Status: it.Status, Response: it.Response, CreatedAt: created}, nil
}
