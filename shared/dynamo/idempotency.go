package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

func idemSK(op, k string) string { return idemPrefix + op + "#" + k }

// idempotencyPut is the transaction item that records the first answer. It
// succeeds only if no live record holds the key (DynamoDB deletes expired
// items lazily, so an expired one may still be there).
func (st *Table) idempotencyPut(r sg.Idempotency) types.TransactWriteItem {
	now := st.Now()
	it := item{
		attrPK: s(tenantPK(r.TenantID)), attrSK: s(idemSK(r.Operation, r.Key)), "type": s("idempotency"),
		"request_hash": s(r.RequestHash), "status": n(int64(r.Status)),
		"created_at": s(now.UTC().Format(time.RFC3339Nano)), attrExpires: n(now.Add(IdempotencyTTL).Unix()),
	}
	if len(r.Response) > 0 { // DynamoDB refuses empty binary values
		it["response"] = b(r.Response)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                 &st.table,
		Item:                      it,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR #e < :now"),
		ExpressionAttributeNames:  map[string]string{"#e": attrExpires},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": n(now.Unix())},
	}}
}

// Idempotency reads a live record or returns ErrNotFound.
func (st *Table) Idempotency(ctx context.Context, tenant, op, k string) (sg.Idempotency, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), idemSK(op, k)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Idempotency{}, classify("dynamo.Idempotency", err)
	}
	if out.Item == nil || getN(out.Item, attrExpires) < st.Now().Unix() {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	created, _ := time.Parse(time.RFC3339Nano, getS(out.Item, "created_at"))
	resp := getB(out.Item, "response")
	if getBool(out.Item, "sealed") {
		if st.Fields == nil {
			return sg.Idempotency{}, sg.Internal("dynamo.Idempotency", errors.New("a sealed first answer and no envelope key configured"))
		}
		var err error
		if resp, err = st.Fields.Open(ctx, piiContext(tenant), idemField(op, k), resp); err != nil {
			return sg.Idempotency{}, sg.Internal("dynamo.Idempotency", err)
		}
	}
	return sg.Idempotency{TenantID: tenant, Operation: op, Key: k, RequestHash: getS(out.Item, "request_hash"),
		Status: int(getN(out.Item, "status")), Response: resp, CreatedAt: created}, nil
}

// PutIdempotency records a first answer on its own (for operations whose
// effects are idempotent piece by piece, like a batch of rows). If a live
// record holds the key it returns ErrIdempotencyInProgress.
func (st *Table) PutIdempotency(ctx context.Context, r sg.Idempotency) error {
	p := st.idempotencyPut(r).Put
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression,
		ExpressionAttributeNames: p.ExpressionAttributeNames, ExpressionAttributeValues: p.ExpressionAttributeValues})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return sg.ErrIdempotencyInProgress
	}
	return classifyOrNil("dynamo.PutIdempotency", err)
}
