package tests

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A high-volume merchant account takes many concurrent credits spread over
// its balance items (each with its own partition key, so each gets its own
// write throughput), every credit lands exactly once, and a debit larger
// than any single item is still taken exactly.
func TestHotMerchantAccount(t *testing.T) {
	db := rawDB(t)
	l, st := ledgerOn(t, db)
	ten := tenant()
	payers := seedWallets(t, st, l, ten, 50, false, "100")
	merchant := seedWallets(t, st, l, ten, 1, true, "")[0]
	const credits, workers = 2000, 48
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				in := ledger.Internal{From: payers[i%len(payers)], To: merchant, Chain: sg.Tron, Asset: sg.USDT, Amount: 1_000_000}
				key := fmt.Sprintf("pay-%d", i)
				for attempt := 0; ; attempt++ {
					_, err := l.Transfer(context.Background(), ten, key, key, in)
					if err == nil {
						break
					}
					if attempt > 10 {
						t.Errorf("credit %d: %v", i, err)
						break
					}
				}
			}
		}()
	}
	for i := 0; i < credits; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	acct := sg.WalletAccount(ten, merchant, sg.Tron, sg.USDT)
	b, err := st.Ledger.AccountBalance(context.Background(), acct, sg.HighVolumeShards)
	if err != nil || b.Available != credits*1_000_000 {
		t.Fatalf("merchant balance %+v, %v; want %d USDT", b, err, credits)
	}
	// The credits are spread: no item took much more than its share.
	used, most := 0, int64(0)
	e := stack(t)
	for shard := 0; shard < sg.HighVolumeShards; shard++ {
		out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &e.table, ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("BAL#%s#%s#tron#USDT#%02d", ten, merchant, shard)},
				"SK": &types.AttributeValueMemberS{Value: "BAL"}}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Item == nil {
			continue
		}
		used++
		v, err := strconv.ParseInt(out.Item["available"].(*types.AttributeValueMemberN).Value, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		most = max(most, v/1_000_000)
	}
	share := int64(credits / sg.HighVolumeShards)
	if used < sg.HighVolumeShards*3/4 || most > share*2 {
		t.Fatalf("credits not spread: %d of %d items used, largest holds %d (fair share %d)", used, sg.HighVolumeShards, most, share)
	}
	// A payout larger than any one item is taken across items, exactly.
	if _, err := l.Transfer(context.Background(), ten, "settle-1", "s1", ledger.Internal{From: merchant, To: payers[0], Chain: sg.Tron, Asset: sg.USDT, Amount: 1500_000000}); err != nil {
		t.Fatalf("settlement: %v", err)
	}
	if _, err := l.Transfer(context.Background(), ten, "settle-2", "s2", ledger.Internal{From: merchant, To: payers[0], Chain: sg.Tron, Asset: sg.USDT, Amount: 501_000000}); err != sg.ErrInsufficientFunds {
		t.Fatalf("overdraft across items: %v; want insufficient_funds", err)
	}
	if b, _ := st.Ledger.AccountBalance(context.Background(), acct, sg.HighVolumeShards); b.Available != 500_000000 {
		t.Fatalf("after settlement: %+v", b)
	}
	t.Logf("%d credits over %d items, largest item %d (fair share %d)", credits, used, most, share)
}
