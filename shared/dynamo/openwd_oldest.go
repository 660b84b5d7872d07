package dynamo

// ---- ops: the age of the oldest open withdrawal (the stuck-payouts alarm) ----

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// OldestOpenWithdrawal is the creation time of the oldest withdrawal not in
// a final state (ok false when none is open). It reads one item of each
// shard of the open-withdrawals index (sorted by creation time), never the
// table.
func (st *Withdrawals) OldestOpenWithdrawal(ctx context.Context) (oldest time.Time, ok bool, err error) {
	for shard := 0; shard < openShards; shard++ {
		out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String(gsi1),
			KeyConditionExpression:    aws.String(attrGSI1PK + " = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(fmt.Sprintf("OPENWD#%d", shard))},
			ScanIndexForward:          aws.Bool(true), Limit: aws.Int32(1),
			ProjectionExpression: aws.String(attrGSI1SK)})
		if err != nil {
			return time.Time{}, false, classify("dynamo.OldestOpenWithdrawal", err)
		}
		if len(out.Items) == 0 {
			continue
		}
		us, err := strconv.ParseInt(strings.SplitN(getS(out.Items[0], attrGSI1SK), "#", 2)[0], 10, 64)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("dynamo.OldestOpenWithdrawal: index key: %w", err)
		}
		if t := time.UnixMicro(us); !ok || t.Before(oldest) {
			oldest, ok = t, true
		}
	}
	return oldest, ok, nil
}
