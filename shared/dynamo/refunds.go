package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settle: refunds ----

// RefundCaps keeps each invoice's refunded sum on the table (sg.RefundCaps):
//
//	counter  PK TENANT#<tenant>  SK STLRFD#<invoice>          refunded (ADD)
//	marker   PK TENANT#<tenant>  SK STLRFDK#<invoice>#<key>   amount (put once per key)
//
// A reservation writes both in one transaction: the marker if absent and
// the counter if it stays within the limit, so two refunds racing can
// never together exceed what was paid.
type RefundCaps struct{ *Table }

var _ sg.RefundCaps = RefundCaps{}

const (
	refundPrefix    = "STLRFD#"
	refundKeyPrefix = "STLRFDK#"
)

func refundMarker(tenant, invoiceID, k string) map[string]types.AttributeValue {
	return key(tenantPK(tenant), refundKeyPrefix+invoiceID+"#"+sg.KeyHash(tenant, "refund", k))
}

// ReserveRefund implements sg.RefundCaps.
func (st RefundCaps) ReserveRefund(ctx context.Context, tenant, invoiceID, k string, amount, limit sg.Amount) error {
	if amount > limit {
		return sg.ErrRefundExceedsPaid
	}
	marker := refundMarker(tenant, invoiceID, k)
	marker["amount"] = n(int64(amount))
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: marker, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: &st.table, Key: key(tenantPK(tenant), refundPrefix+invoiceID),
			UpdateExpression:          aws.String("ADD refunded :a"),
			ConditionExpression:       aws.String("attribute_not_exists(refunded) OR refunded <= :max"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": n(int64(amount)), ":max": n(int64(limit - amount))}}},
	}})
	if reasons := cancelled(err); reasons != nil {
		switch {
		case txCode(reasons, 0) == "ConditionalCheckFailed":
			return nil // reserved before under this key
		case txCode(reasons, 1) == "ConditionalCheckFailed":
			return sg.ErrRefundExceedsPaid
		}
		return sg.Unavailable("dynamo.ReserveRefund", err)
	}
	if err != nil {
		return classify("dynamo.ReserveRefund", err)
	}
	return nil
}

// ReleaseRefund implements sg.RefundCaps.
func (st RefundCaps) ReleaseRefund(ctx context.Context, tenant, invoiceID, k string) error {
	marker := refundMarker(tenant, invoiceID, k)
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: marker, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return classify("dynamo.ReleaseRefund", err)
	}
	if out.Item == nil {
		return nil
	}
	a := getN(out.Item, "amount")
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &st.table, Key: marker, ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Update: &types.Update{TableName: &st.table, Key: key(tenantPK(tenant), refundPrefix+invoiceID),
			UpdateExpression: aws.String("ADD refunded :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": n(-a)}}},
	}})
	if reasons := cancelled(err); reasons != nil {
		if txCode(reasons, 0) == "ConditionalCheckFailed" {
			return nil // released by another call
		}
		return sg.Unavailable("dynamo.ReleaseRefund", err)
	}
	if err != nil {
		return classify("dynamo.ReleaseRefund", err)
	}
	return nil
}

// Refunded implements sg.RefundCaps.
func (st RefundCaps) Refunded(ctx context.Context, tenant, invoiceID string) (sg.Amount, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), refundPrefix+invoiceID), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, classify("dynamo.Refunded", err)
	}
	if out.Item == nil {
		return 0, nil
	}
	return sg.Amount(getN(out.Item, "refunded")), nil
}
