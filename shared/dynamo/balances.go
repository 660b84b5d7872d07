package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A wallet account (chain, asset) may be split by the ledger into several
// balance items under the same prefix (shards of a hot account); a read
// sums them. Each item holds chain, asset, available, pending and held.

// Balances sums the balance items of every account of the wallet. Accounts
// that have never been written are absent and read as zero.
func (st *Store) Balances(ctx context.Context, tenant, walletID string) ([]sg.Balance, error) {
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName:              &st.table,
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
			k := acct{getS(av, "chain"), getS(av, "asset")}
			bal, ok := sums[k]
			if !ok {
				bal = &sg.Balance{Chain: sg.Chain(k.c), Asset: sg.Asset(k.a)}
				sums[k] = bal
				order = append(order, k)
			}
			bal.Available += sg.Amount(getN(av, "available"))
			bal.Pending += sg.Amount(getN(av, "pending"))
			bal.Held += sg.Amount(getN(av, "held"))
		}
	}
	out := make([]sg.Balance, 0, len(order))
	for _, k := range order {
		out = append(out, *sums[k])
	}
	return out, nil
}
