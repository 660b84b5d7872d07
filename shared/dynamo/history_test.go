package dynamo_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// recordImage is a transfer record as the table's stream carries it, with
// what a history line needs.
func recordImage(tenant, id, wallet string, typ sg.TransferType, at time.Time) map[string]types.AttributeValue {
	str := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	num := func(v int64) types.AttributeValue {
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
	}
	kp, _ := sg.KeyPart("txn", id)
	return map[string]types.AttributeValue{
		"PK": str("TENANT#" + tenant), "SK": str("TXN#" + kp), "id": str(id), "ty": str(string(typ)),
		"st": str(string(sg.StatePosted)), "c": str(string(sg.Ethereum)), "as": str(string(sg.USDT)),
		"tw": str(wallet), "amt": num(1), "ct": num(at.UnixMicro()), "ut": num(at.UnixMicro()),
	}
}

// A filtered listing pages to the end however sparse its matches: one
// withdrawal among 10,000 deposits is found by following the cursors, and
// no page examines more than its budget (so none runs long). Before, a
// filtered page read ten times and then ended the listing with no cursor,
// silently dropping every later match (and statements inherited it).
func TestHistorySparseFilterPagesToTheEnd(t *testing.T) {
	db := localDB(t, "10,000 history lines on DynamoDB Local")
	st := dynamo.New(db, contractTable(t, db))
	ctx := context.Background()
	tenant, wallet := "ten_sparse"+strconv.FormatInt(time.Now().UnixNano(), 36), sg.NewID("wal", time.Now())
	base := time.Now().Add(-24 * time.Hour).Truncate(time.Microsecond)
	const lines, match = 10_000, 7_321 // the one withdrawal sits deep in the range
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		want  string
		jobs  = make(chan int)
	)
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				typ := sg.TransferDeposit
				id := sg.NewID("txn", base.Add(time.Duration(i)*time.Second))
				if i == match {
					typ = sg.TransferWithdrawal
					mu.Lock()
					want = id
					mu.Unlock()
				}
				if err := st.History.PutHistory(ctx, recordImage(tenant, id, wallet, typ, base.Add(time.Duration(i)*time.Second))); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < lines; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}

	for _, limit := range []int{1, 50} {
		var found []string
		cursor, pages := "", 0
		for {
			ts, next, err := st.History.History(ctx, tenant, wallet, sg.HistoryFilter{Type: sg.TransferWithdrawal}, sg.Page{Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatalf("limit %d, page %d: %v", limit, pages+1, err)
			}
			pages++
			for _, tr := range ts {
				found = append(found, tr.ID)
			}
			if next == "" {
				break
			}
			if pages > lines {
				t.Fatalf("limit %d: more than %d pages: the cursor does not advance", limit, lines)
			}
			cursor = next
		}
		if len(found) != 1 || found[0] != want {
			t.Fatalf("limit %d: following the cursors found %v over %d pages; want exactly [%s]", limit, found, pages, want)
		}
		t.Logf("limit %d: the one match in %d lines found over %d pages", limit, lines, pages)
	}

	// The unfiltered listing still pages by count: every line once.
	seen := map[string]bool{}
	cursor := ""
	for {
		ts, next, err := st.History.History(ctx, tenant, wallet, sg.HistoryFilter{}, sg.Page{Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			if seen[tr.ID] {
				t.Fatalf("%s listed twice", tr.ID)
			}
			seen[tr.ID] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != lines {
		t.Fatalf("the unfiltered listing gave %d lines; want %d", len(seen), lines)
	}
}
