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

// Claimed idempotency records, for requests that do their work in many
// writes (a batch of rows): the key is claimed before any work, by a record
// with the request's hash and no answer yet (status 0), and completed with
// the answer after. A second request under the key, while the first runs,
// finds the claim: with another hash it is a reuse of the key, with the same
// hash it is still in progress. A claim whose holder died (its lease has
// passed) may be taken over by the same request again; the work is
// idempotent piece by piece, so doing it again replays what was done.

const attrLease = "lease_ms"

// ClaimIdempotency claims key for a request with hash reqHash for lease.
// It returns true when this call holds the claim; otherwise the record that
// holds the key (a claim in progress has Status 0; another request's has
// another RequestHash).
func (st *Table) ClaimIdempotency(ctx context.Context, tenant, op, k, reqHash string, lease time.Duration) (sg.Idempotency, bool, error) {
	now := st.Now()
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s(tenantPK(tenant)), attrSK: s(idemSK(op, k)), "type": s("idempotency"), "request_hash": s(reqHash), "status": n(0),
			attrLease: n(now.Add(lease).UnixMilli()), "created_at": s(now.UTC().Format(time.RFC3339Nano)), attrExpires: n(now.Add(IdempotencyTTL).Unix())},
		// Free, expired, or this request's own claim whose holder is gone.
		ConditionExpression:      aws.String("attribute_not_exists(PK) OR #e < :now OR (request_hash = :h AND #st = :zero AND #l < :nowms)"),
		ExpressionAttributeNames: map[string]string{"#e": attrExpires, "#st": "status", "#l": attrLease},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": n(now.Unix()), ":h": s(reqHash), ":zero": n(0),
			":nowms": n(now.UnixMilli())}})
	var ccf *types.ConditionalCheckFailedException
	if !asErr(err, &ccf) {
		return sg.Idempotency{}, err == nil, classifyOrNil("dynamo.ClaimIdempotency", err)
	}
	rec, err := st.Idempotency(ctx, tenant, op, k)
	if errors.Is(err, sg.ErrNotFound) {
		// It expired between the two calls: let the client retry.
		return sg.Idempotency{}, false, sg.ErrIdempotencyInProgress
	}
	return rec, false, err
}

// CompleteIdempotency records the answer of the request that holds the
// claim (r.RequestHash). If the claim is no longer this request's to
// complete (another run of the same request completed it first) it returns
// ErrIdempotencyInProgress.
func (st *Table) CompleteIdempotency(ctx context.Context, r sg.Idempotency) error {
	set := "SET #st = :s REMOVE #l"
	names := map[string]string{"#st": "status", "#l": attrLease}
	vals := map[string]types.AttributeValue{":s": n(int64(r.Status)), ":h": s(r.RequestHash), ":zero": n(0)}
	if len(r.Response) > 0 { // DynamoDB refuses empty binary values
		set = "SET #st = :s, #r = :r REMOVE #l"
		vals[":r"], names["#r"] = b(r.Response), "response"
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(tenantPK(r.TenantID), idemSK(r.Operation, r.Key)),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String("request_hash = :h AND #st = :zero"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return sg.ErrIdempotencyInProgress
	}
	return classifyOrNil("dynamo.CompleteIdempotency", err)
}

// ReleaseIdempotency gives up a claim that has no answer yet (the request
// failed with a fault of ours), so a retry need not wait for its lease.
func (st *Table) ReleaseIdempotency(ctx context.Context, tenant, op, k, reqHash string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(tenantPK(tenant), idemSK(op, k)),
		ConditionExpression:       aws.String("request_hash = :h AND #st = :zero"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": s(reqHash), ":zero": n(0)}})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return nil
	}
	return classifyOrNil("dynamo.ReleaseIdempotency", err)
}
