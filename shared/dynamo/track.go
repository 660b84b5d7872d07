package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Payouts waiting for their chain (broadcast, not yet final) are listed
// under TRACK#<chain> / <transfer id>, so the withdrawal queue can let go of
// them (a FIFO group waits for its oldest message: one payout waiting 12
// blocks would hold up every payout behind it) and the tracker job follows
// them until they end.

// TrackedPayout is kept for callers outside the services; the domain owns it.
type TrackedPayout = sg.TrackedPayout

// Track lists a payout as waiting for its chain (idempotent).
func (st *Watch) Track(ctx context.Context, c sg.Chain, tenant, id string) error {
	it := item{attrPK: s("TRACK#" + string(c)), attrSK: s(id), "tenant": s(tenant)}
	if h := obs.TraceHeader(ctx); h != "" { // ---- ops: tracing ----
		it["th"] = s(h)
	}
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it})
	return classifyOrNil("dynamo.Track", err)
}

// Tracked returns the payouts waiting on chain c.
func (st *Watch) Tracked(ctx context.Context, c sg.Chain) ([]TrackedPayout, error) {
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("TRACK#" + string(c))}})
	var out []TrackedPayout
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("dynamo.Tracked", err)
		}
		for _, it := range page.Items {
			out = append(out, TrackedPayout{Tenant: getS(it, "tenant"), ID: getS(it, attrSK), Kind: getS(it, "kind"), Trace: getS(it, "th")})
		}
	}
	return out, nil
}

// Untrack removes a payout that has ended.
func (st *Watch) Untrack(ctx context.Context, c sg.Chain, id string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key("TRACK#"+string(c), id)})
	return classifyOrNil("dynamo.Untrack", err)
}
