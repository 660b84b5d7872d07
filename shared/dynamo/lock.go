package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Some records are one-at-a-time: a cold bundle per chain, a Tron grant per
// sweep scope. Each takes a lock item (its id and an "until") when it is
// put; the lock lapses when an unsigned record expires, is held for good
// once the record is signed, and is released when it ends.

// lockHeldForGood is the "until" of a lock no expiry releases.
const lockHeldForGood = 1 << 62

// putLocked puts a new record and takes lock for id until then; the
// record existing is sg.ErrTransferExists, the lock held is held.
// extra items (a journal entry) are written in the same transaction.
func (st *Table) putLocked(ctx context.Context, op string, record item, lock map[string]types.AttributeValue, id string, until time.Time, held error, extra ...types.TransactWriteItem) error {
	lockItem := item{"id": s(id), "until": n(until.Unix())}
	for k, v := range lock {
		lockItem[k] = v
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append([]types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"), Item: record}},
		{Put: &types.Put{TableName: &st.table, Item: lockItem,
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR #u < :now"),
			ExpressionAttributeNames:  map[string]string{"#u": "until"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": n(st.Now().Unix())}}},
	}, extra...)})
	if reasons := cancelled(err); reasons != nil {
		if aws.ToString(reasons[0].Code) == "ConditionalCheckFailed" {
			return sg.ErrTransferExists
		}
		if aws.ToString(reasons[1].Code) == "ConditionalCheckFailed" {
			return held
		}
		return sg.Unavailable(op, err)
	}
	return classifyOrNil(op, err)
}

// What a move does to the lock.
const (
	lockKeep = iota
	lockHold
	lockRelease
)

// moveLocked applies upd to a record and, in the same transaction, holds
// its lock for good or releases it (the lock must still be id's). Any
// condition failing is sg.ErrStateChanged. extra items (a journal entry)
// are written in the same transaction.
func (st *Table) moveLocked(ctx context.Context, op string, upd *types.Update, lock map[string]types.AttributeValue, id string, action int, extra ...types.TransactWriteItem) error {
	tx := []types.TransactWriteItem{{Update: upd}}
	mine := map[string]types.AttributeValue{":id": s(id)}
	switch action {
	case lockHold:
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{TableName: &st.table, Key: lock,
			UpdateExpression: aws.String("SET #u = :never"), ConditionExpression: aws.String("id = :id"),
			ExpressionAttributeNames: map[string]string{"#u": "until"}, ExpressionAttributeValues: map[string]types.AttributeValue{":never": n(lockHeldForGood), ":id": s(id)}}})
	case lockRelease:
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table, Key: lock,
			ConditionExpression: aws.String("id = :id"), ExpressionAttributeValues: mine}})
	}
	tx = append(tx, extra...)
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		for _, rs := range reasons {
			if aws.ToString(rs.Code) == "ConditionalCheckFailed" {
				return sg.ErrStateChanged
			}
		}
		return sg.Unavailable(op, err)
	}
	return classifyOrNil(op, err)
}
