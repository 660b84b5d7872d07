package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ParkedInvoices keeps the paid invoices a freeze kept from settling
// (sg.ParkedInvoices) in one partition, as the parked payouts are:
//
//	PK STLPARKED  SK <tenant>#<invoice>   tenant, invoice, wallet, parked
//
// The settlement job pages through that partition (a query, never a
// scan); a put is conditional, so parking again changes nothing.
type ParkedInvoices struct{ *Table }

var _ sg.ParkedInvoices = ParkedInvoices{}

const parkedInvoicesPK = "STLPARKED"

// ParkInvoice implements sg.ParkedInvoices.
func (st ParkedInvoices) ParkInvoice(ctx context.Context, p sg.ParkedInvoice) error {
	it := key(parkedInvoicesPK, p.Key())
	it["tenant"], it["invoice"], it["wallet"], it["parked"] = s(p.TenantID), s(p.InvoiceID), s(p.WalletID), tm(p.ParkedAt)
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return nil // parked before
	}
	return classifyOrNil("dynamo.ParkInvoice", err)
}

// ParkedInvoices implements sg.ParkedInvoices.
func (st ParkedInvoices) ParkedInvoices(ctx context.Context, after string, limit int) ([]sg.ParkedInvoice, error) {
	if limit <= 0 {
		limit = 100
	}
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND SK > :after"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(parkedInvoicesPK), ":after": s(after)}}
	if after == "" { // a key condition takes no empty string
		in.KeyConditionExpression, in.ExpressionAttributeValues = aws.String("PK = :pk"), map[string]types.AttributeValue{":pk": s(parkedInvoicesPK)}
	}
	var out []sg.ParkedInvoice
	p := dynamodb.NewQueryPaginator(st.db, in, func(o *dynamodb.QueryPaginatorOptions) { o.Limit = int32(limit) })
	for p.HasMorePages() && len(out) < limit {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("dynamo.ParkedInvoices", err)
		}
		for _, it := range page.Items {
			if len(out) < limit {
				out = append(out, sg.ParkedInvoice{TenantID: getS(it, "tenant"), InvoiceID: getS(it, "invoice"), WalletID: getS(it, "wallet"),
					ParkedAt: getT(it, "parked")})
			}
		}
	}
	return out, nil
}

// UnparkInvoice implements sg.ParkedInvoices.
func (st ParkedInvoices) UnparkInvoice(ctx context.Context, tenant, invoiceID string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table,
		Key: key(parkedInvoicesPK, sg.ParkedInvoice{TenantID: tenant, InvoiceID: invoiceID}.Key())})
	return classifyOrNil("dynamo.UnparkInvoice", err)
}
