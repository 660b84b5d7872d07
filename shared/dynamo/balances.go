package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// balanceItem is one balance item of a wallet account (chain, asset). The
// ledger may split a hot account into several shard items under the same
// prefix; a read sums them.
type balanceItem struct {
	Chain     string `dynamodbav:"chain"`
	Asset     string `dynamodbav:"asset"`
	Available int64  `dynamodbav:"available"`
	Pending   int64  `dynamodbav:"pending"`
	Held      int64  `dynamodbav:"held"`
}

// Balances sums the balance items of every account of the wallet. Accounts
// that have never been written are absent and read as zero.
func (s *Store) Balances(ctx context.Context, tenant, walletID string) ([]sg.Balance, error) {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :b)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: tenantPK(tenant)},
			":b":  &types.AttributeValueMemberS{Value: balPrefix + walletID + "#"},
		},
		ConsistentRead: aws.Bool(true),
	})
	type acct struct{ c, a string }
	sums := map[acct]*sg.Balance{}
	var order []acct
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("dynamo.Balances", err)
		}
		for _, av := range out.Items {
			var it balanceItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, sg.Internal("dynamo.Balances", err)
			}
			k := acct{it.Chain, it.Asset}
			b, ok := sums[k]
			if !ok {
				b = &sg.Balance{Chain: sg.Chain(it.Chain), Asset: sg.Asset(it.Asset)}
				sums[k] = b
				order = append(order, k)
			}
			b.Available += sg.Amount(it.Available)
			b.Pending += sg.Amount(it.Pending)
			b.Held += sg.Amount(it.Held)
		}
	}
	out := make([]sg.Balance, 0, len(order))
	for _, k := range order {
		out = append(out, *sums[k])
	}
	return out, nil
}
