package dynamo

// ---- bigrun: reconciliation's reads at scale (issue 18) ----

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// reconProjection is what reconciliation reads of a transfer: its kind,
// state, amounts, wallets and postings, not its events, metadata or memo
// (DynamoDB charges the whole item either way; the answer is smaller).
var reconProjection = map[string]string{
	"#id": "id", "#ty": "ty", "#st": "st", "#c": "c", "#as": "as", "#amt": "amt", "#fee": "fee",
	"#nf": "nf", "#fw": "fw", "#tw": "tw", "#p": "p", "#sh": "sh", "#sk": attrSK,
}

// TenantTransferRange reads the tenant's transfers whose key part lies in
// the segment-th of segments ranges (sg.KeyRange), in key order, from just
// after the key part after ("" from the start), a page (up to DynamoDB's
// 1 MB) at a time. page gets the page's transfers (the callee's only until
// it returns) and the key part of its last one: the cursor to resume from.
// The ranges split one tenant's partition so that several readers share
// it, each holding one page.
func (st *Ledger) TenantTransferRange(ctx context.Context, tenant string, segment, segments int, after string,
	page func(ts []sg.Transfer, last string) error) error {
	first, last := sg.KeyRange(segment, segments)
	in := &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND #sk BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": s(tenantPK(tenant)), ":lo": s(txnPrefix + string(first)), ":hi": s(txnPrefix + string(last) + "~"),
		},
		ExpressionAttributeNames: reconProjection,
		ProjectionExpression:     aws.String("#id, #ty, #st, #c, #as, #amt, #fee, #nf, #fw, #tw, #p, #sh, #sk"),
		ConsistentRead:           aws.Bool(true),
	}
	if after != "" {
		in.ExclusiveStartKey = key(tenantPK(tenant), txnPrefix+after)
	}
	p := dynamodb.NewQueryPaginator(st.db, in)
	var ts []sg.Transfer
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return classify("dynamo.TenantTransferRange", err)
		}
		if len(out.Items) == 0 {
			continue
		}
		ts = ts[:0]
		for _, it := range out.Items {
			ts = append(ts, decodeTransfer(tenant, it))
		}
		sk := getS(out.Items[len(out.Items)-1], attrSK)
		if len(sk) <= len(txnPrefix) {
			return sg.Internal("dynamo.TenantTransferRange", fmt.Errorf("transfer key %q", sk))
		}
		if err := page(ts, sk[len(txnPrefix):]); err != nil {
			return err
		}
	}
	return nil
}

// WalletAccountPages reads the tenant's wallets for reconciliation, after
// the wallet id after ("" from the first), a page (up to DynamoDB's 1 MB)
// at a time: id, deposit addresses and whether the wallet is high-volume
// (its shards), never the sealed customer data.
func (st *Wallets) WalletAccountPages(ctx context.Context, tenant, after string, page func([]sg.Wallet) error) error {
	in := &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":w": s(walletPrefix)},
		ExpressionAttributeNames:  map[string]string{"#id": "id", "#a": "addresses", "#hv": "high_volume"},
		ProjectionExpression:      aws.String("#id, #a, #hv"),
	}
	if after != "" {
		in.ExclusiveStartKey = key(tenantPK(tenant), walletPrefix+after)
	}
	p := dynamodb.NewQueryPaginator(st.db, in)
	var ws []sg.Wallet
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return classify("dynamo.WalletAccountPages", err)
		}
		ws = ws[:0]
		for _, it := range out.Items {
			w := sg.Wallet{ID: getS(it, "id"), TenantID: tenant, HighVolume: getBool(it, "high_volume")}
			for _, a := range getList(it, "addresses") {
				w.Addresses = append(w.Addresses, sg.DepositAddress{Chain: sg.Chain(getS(a, "chain")), Asset: sg.Asset(getS(a, "asset"))})
			}
			ws = append(ws, w)
		}
		if err := page(ws); err != nil {
			return err
		}
	}
	return nil
}
