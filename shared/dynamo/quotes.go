package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A fee quote is one item T#<tenant> / QUOTE#<id>, removed by the table's
// TTL an hour after it expires (kept that long so a late withdrawal is told
// "expired", not "not found").

// PutQuote stores a quote.
func (st *Withdrawals) PutQuote(ctx context.Context, q sg.FeeQuote) error {
	it := item{attrPK: s(tenantPK(q.TenantID)), attrSK: s("QUOTE#" + q.ID), "chain": s(string(q.Chain)), "asset": s(string(q.Asset)),
		"to": s(q.ToAddress), "amount": n(int64(q.Amount)), "fee": n(int64(q.Fee)), "network": strMap(q.Network),
		"created_at": s(q.CreatedAt.UTC().Format(time.RFC3339Nano)), "quote_expires": s(q.ExpiresAt.UTC().Format(time.RFC3339Nano)),
		"expires_at": n(q.ExpiresAt.Add(time.Hour).Unix())}
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it})
	return classifyOrNil("dynamo.PutQuote", err)
}

// Quote reads a tenant's quote; another tenant's is not found.
func (st *Withdrawals) Quote(ctx context.Context, tenant, id string) (sg.FeeQuote, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), "QUOTE#"+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.FeeQuote{}, classify("dynamo.Quote", err)
	}
	if out.Item == nil {
		return sg.FeeQuote{}, sg.ErrQuoteNotFound
	}
	it := out.Item
	created, _ := time.Parse(time.RFC3339Nano, getS(it, "created_at"))
	expires, _ := time.Parse(time.RFC3339Nano, getS(it, "quote_expires"))
	return sg.FeeQuote{ID: id, TenantID: tenant, Chain: sg.Chain(getS(it, "chain")), Asset: sg.Asset(getS(it, "asset")),
		ToAddress: getS(it, "to"), Amount: sg.Amount(getN(it, "amount")), Fee: sg.Amount(getN(it, "fee")),
		Network: getStrMap(it, "network"), CreatedAt: created, ExpiresAt: expires}, nil
}
