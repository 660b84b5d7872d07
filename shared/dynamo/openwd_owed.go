package dynamo

// ---- settle: what payouts in flight owe a chain's hot wallet ----

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpenWithdrawalsOwed sums the amounts of the withdrawals on c not yet
// final (held, queued, awaiting approval, signed, broadcast): what the
// chain's hot wallet still has to pay out. It reads the open-withdrawals
// index (what is in flight, never the table or the history), projecting
// one attribute.
func (st *Withdrawals) OpenWithdrawalsOwed(ctx context.Context, c sg.Chain) (sg.Amount, error) {
	var sum sg.Amount
	for shard := 0; shard < openShards; shard++ {
		p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String(gsi1),
			KeyConditionExpression: aws.String(attrGSI1PK + " = :pk"), FilterExpression: aws.String("#c = :c"),
			ProjectionExpression: aws.String("amt"), ExpressionAttributeNames: map[string]string{"#c": "c"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(fmt.Sprintf("OPENWD#%d", shard)), ":c": s(string(c))}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return 0, classify("dynamo.OpenWithdrawalsOwed", err)
			}
			for _, it := range page.Items {
				sum += sg.Amount(getN(it, "amt"))
			}
		}
	}
	return sum, nil
}
