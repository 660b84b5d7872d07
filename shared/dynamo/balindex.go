package dynamo

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The balance index (GSI2, keys only): every balance item carries
//
//	GSI2PK BALIX#<shard 00-15>   GSI2 sort key: the item's own PK
//
// so the platform's balance items are listed by querying 16 small
// partitions, never by scanning a table that also holds every transfer,
// history line and idempotency record. The index projects the keys only:
// a balance update changes no key and no projected attribute, so it
// writes nothing to the index (the attribute is set to the same value on
// every update; DynamoDB writes an index only when an indexed value
// changes). A balance item is indexed once, when it is created.
const (
	attrGSI2PK = "GSI2PK"
	gsi2       = "GSI2"
	balIndex   = "BALIX#"
	// BalanceIndexShards is how many partitions the balance index spreads
	// its keys over (creations of balance items spread with them).
	BalanceIndexShards = 16
)

// balanceIndexKey is the index partition of the balance item with key pk.
func balanceIndexKey(pk string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(pk))
	return fmt.Sprintf("%s%02d", balIndex, h.Sum32()%BalanceIndexShards)
}

// TableSchema is the CreateTable input of the platform's table as the
// template has it (keys and indexes), for tests and benches that make a
// table of their own.
func TableSchema(name string) *dynamodb.CreateTableInput {
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(h, r string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(h), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(r), KeyType: types.KeyTypeRange}}
	}
	return &dynamodb.CreateTableInput{TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str(attrPK), str(attrSK), str(attrGSI1PK), str(attrGSI1SK), str(attrGSI2PK)},
		KeySchema:            keys(attrPK, attrSK),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(gsi1), KeySchema: keys(attrGSI1PK, attrGSI1SK), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
			{IndexName: aws.String(gsi2), KeySchema: keys(attrGSI2PK, attrPK), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
		}}
}

// BalanceTotals sums each bucket per (chain, asset), system and wallet
// accounts apart, and returns the tenants that hold balances. It reads the
// balance index's partitions side by side, a page of keys at a time, and
// each page's items by key (strongly consistent, 100 a call): the work
// grows with the number of balance items, not with the table, and the run
// holds one page per partition and the sums.
func (st *Ledger) BalanceTotals(ctx context.Context) (system, wallets map[[2]string]sg.Balance, tenants []string, err error) {
	system, wallets = map[[2]string]sg.Balance{}, map[[2]string]sg.Balance{}
	seen := map[string]bool{}
	var mu sync.Mutex
	add := func(items []item) {
		mu.Lock()
		defer mu.Unlock()
		for _, it := range items {
			k := [2]string{getS(it, "chain"), getS(it, "asset")}
			m := wallets
			pk := strings.TrimPrefix(getS(it, attrPK), balPrefix)
			if strings.HasPrefix(pk, "sys:") {
				m = system
			} else if i := strings.IndexByte(pk, '#'); i > 0 && !seen[pk[:i]] {
				seen[pk[:i]] = true
				tenants = append(tenants, pk[:i])
			}
			b := m[k]
			b.Available += sg.Amount(getN(it, "available"))
			b.Pending += sg.Amount(getN(it, "pending"))
			b.Held += sg.Amount(getN(it, "held"))
			m[k] = b
		}
	}
	errs := make([]error, BalanceIndexShards)
	var wg sync.WaitGroup
	for shard := range BalanceIndexShards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[shard] = st.balanceIndexPart(ctx, fmt.Sprintf("%s%02d", balIndex, shard), add)
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, nil, nil, e
		}
	}
	sort.Strings(tenants)
	return system, wallets, tenants, nil
}

// balanceIndexPart reads one partition of the balance index and its items.
func (st *Ledger) balanceIndexPart(ctx context.Context, part string, add func([]item)) error {
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName: &st.table, IndexName: aws.String(gsi2), KeyConditionExpression: aws.String(attrGSI2PK + " = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s(part)},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return classify("dynamo.BalanceTotals", err)
		}
		keys := make([]map[string]types.AttributeValue, 0, len(page.Items))
		for _, it := range page.Items {
			keys = append(keys, key(getS(it, attrPK), getS(it, attrSK)))
		}
		items, err := st.batchGet(ctx, keys)
		if err != nil {
			return err
		}
		add(items)
	}
	return nil
}
