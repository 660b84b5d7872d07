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

// RefundLinks keeps refund links on the table (sg.RefundLinks):
//
//	link     PK TENANT#<tenant>  SK RFL#<id>      the link
//	pointer  PK RFLTOK#<token>   SK RFLTOK        tenant, id (the payer's lookup)
//
// Both are written in one transaction, once. A claim is one conditional
// update of the link: open, or claimed already for the same address.
type RefundLinks struct{ *Table }

var _ sg.RefundLinks = RefundLinks{}

const (
	refundLinkPrefix = "RFL#"
	refundTokPrefix  = "RFLTOK#"
)

func (st RefundLinks) PutRefundLink(ctx context.Context, l sg.RefundLink) error {
	link := key(tenantPK(l.TenantID), refundLinkPrefix+l.ID)
	for k, v := range map[string]types.AttributeValue{"type": s("refund_link"), "tenant": s(l.TenantID), "id": s(l.ID),
		"invoice": s(l.InvoiceID), "chain": s(string(l.Chain)), "amount": n(int64(l.Amount)), "reason": s(l.Reason),
		"token": s(l.Token), "state": s(string(l.State)), "by": s(l.CreatedBy), "created": tm(l.CreatedAt), "expires": tm(l.ExpiresAt)} {
		link[k] = v
	}
	ptr := key(refundTokPrefix+l.Token, "RFLTOK")
	ptr["tenant"], ptr["id"], ptr["type"] = s(l.TenantID), s(l.ID), s("refund_link_token")
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: link, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: &st.table, Item: ptr, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if reasons := cancelled(err); reasons != nil {
		if txCode(reasons, 0) == "ConditionalCheckFailed" || txCode(reasons, 1) == "ConditionalCheckFailed" {
			return sg.ErrRefundLinkExists
		}
		return sg.Unavailable("dynamo.PutRefundLink", err)
	}
	if err != nil {
		return classify("dynamo.PutRefundLink", err)
	}
	return nil
}

func refundLinkOf(it item) sg.RefundLink {
	return sg.RefundLink{ID: getS(it, "id"), TenantID: getS(it, "tenant"), InvoiceID: getS(it, "invoice"), Chain: sg.Chain(getS(it, "chain")),
		Amount: sg.Amount(getN(it, "amount")), Reason: getS(it, "reason"), Token: getS(it, "token"), State: sg.RefundLinkState(getS(it, "state")),
		ToAddress: getS(it, "to"), CreatedBy: getS(it, "by"), CreatedAt: getT(it, "created"), ExpiresAt: getT(it, "expires"), ClaimedAt: getT(it, "claimed")}
}

func (st RefundLinks) RefundLinkByID(ctx context.Context, tenant, id string) (sg.RefundLink, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), refundLinkPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.RefundLink{}, classify("dynamo.RefundLinkByID", err)
	}
	if out.Item == nil {
		return sg.RefundLink{}, sg.ErrNotFound
	}
	return refundLinkOf(out.Item), nil
}

func (st RefundLinks) RefundLinkByToken(ctx context.Context, token string) (sg.RefundLink, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(refundTokPrefix+token, "RFLTOK"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.RefundLink{}, classify("dynamo.RefundLinkByToken", err)
	}
	if out.Item == nil {
		return sg.RefundLink{}, sg.ErrNotFound
	}
	return st.RefundLinkByID(ctx, getS(out.Item, "tenant"), getS(out.Item, "id"))
}

func (st RefundLinks) ClaimRefundLink(ctx context.Context, tenant, id, to string, at time.Time) (sg.RefundLink, error) {
	out, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(tenantPK(tenant), refundLinkPrefix+id),
		UpdateExpression:         aws.String("SET #s = :claimed, #to = :to, claimed = if_not_exists(claimed, :at)"),
		ConditionExpression:      aws.String("attribute_exists(PK) AND (#s = :open OR (#s = :claimed AND #to = :to))"),
		ExpressionAttributeNames: map[string]string{"#s": "state", "#to": "to"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":claimed": s(string(sg.RefundLinkClaimed)), ":open": s(string(sg.RefundLinkOpen)),
			":to": s(to), ":at": tm(at)},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if ccf.Item == nil {
			return sg.RefundLink{}, sg.ErrNotFound
		}
		return sg.RefundLink{}, sg.ErrRefundLinkUsed
	}
	if err != nil {
		return sg.RefundLink{}, classify("dynamo.ClaimRefundLink", err)
	}
	return refundLinkOf(out.Attributes), nil
}
