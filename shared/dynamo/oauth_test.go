package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The API client store and the token bucket on DynamoDB Local: the same
// cases, under the same names, as memstore's TestOAuthContract.
func TestOAuthContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	storetest.OAuth(t, func(t *testing.T) storetest.OAuthStore {
		return &dynamo.OAuth{Table: dynamo.New(db, contractTable(t, db)).Base}
	})
}

// ---- plat: rate buckets in a table of their own ----

// With RateTable set, the same contract holds and every bucket write goes
// to the rate table: the main table (whose stream feeds the audit
// projector and the WebSocket push) holds no bucket.
func TestOAuthContractRateTable(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack)")
	storetest.OAuth(t, func(t *testing.T) storetest.OAuthStore {
		main := contractTable(t, db)
		return &dynamo.OAuth{Table: dynamo.New(db, main).Base, RateTable: contractTable(t, db)}
	})
	t.Run("buckets stay out of the main table", func(t *testing.T) {
		main, rate := contractTable(t, db), contractTable(t, db)
		o := &dynamo.OAuth{Table: dynamo.New(db, main).Base, RateTable: rate}
		now := time.Unix(1_800_000_000, 0)
		for i := range 3 {
			if _, err := o.Take(context.Background(), "acme#", sg.RateLimit{Rate: 1, Burst: 5}, now.Add(time.Duration(i)*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}
		count := func(table string) int32 {
			out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: &table}) // a test's own two-item table
			if err != nil {
				t.Fatal(err)
			}
			return out.Count
		}
		if m, r := count(main), count(rate); m != 0 || r != 1 {
			t.Fatalf("items: main table %d, rate table %d; want 0 and the one bucket", m, r)
		}
	})
}
