package dynamo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

func customersDB(t *testing.T) (*dynamodb.Client, string) {
	t.Helper()
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	return db, contractTable(t, db)
}

// The customer store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestCustomersContract on the twin.
func TestCustomersContract(t *testing.T) {
	db, table := customersDB(t)
	storetest.Customers(t, func(*testing.T) storetest.CustomerStores { return dynamo.New(db, table).Customers })
}

// Must-show 5 on DynamoDB: a customer's life through the services (create,
// update, KYC review, limits, erasure) leaves no seeded PII value in plain
// text in any raw item of the table; after erasure the data key is gone
// from the item and the PII reads "[erased]".
func TestCustomersTableHoldsNoPlainPII(t *testing.T) {
	db, table := customersDB(t)
	ctx := context.Background()
	store := dynamo.New(db, table).Customers
	cus := &compliance.Customers{Store: store, Sealer: &memstore.Sealer{}}
	lim := &compliance.Limits{Store: store, Counters: store}
	kyc := &compliance.KYC{Customers: cus}
	seed := sg.CustomerPII{Name: "Octavia Brindlewood-Yarrow", DateOfBirth: "1979-11-02", Country: "IS",
		Documents: []sg.CustomerDocument{{Kind: "passport", Reference: "PX7741209QZ"}}}
	c, err := cus.Create(ctx, "t-pii", "k1", seed)
	if err != nil {
		t.Fatal(err)
	}
	c.KYC.Status = sg.KYCPending
	if c, err = store.UpdateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := kyc.Review(ctx, "t-pii", c.ID, c.Version, compliance.KYCDecision{Approve: true, Reason: "checked", Officer: "o-1"}); err != nil {
		t.Fatal(err)
	}
	if err := lim.Spend(ctx, "t-pii", c.ID, "tr_1", sg.Tron, 5_000_000, sg.LimitOp{Kind: sg.OpPayout}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := cus.Get(ctx, "t-pii", c.ID)
	if err != nil || got.PII.Name != seed.Name || got.KYC.Status != sg.KYCVerified {
		t.Fatalf("read back %q %s, %v", got.PII.Name, got.KYC.Status, err)
	}
	scan := func() [][]byte {
		var out [][]byte
		p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(table)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				out = append(out, rawItem(it))
			}
		}
		return out
	}
	values := []string{seed.Name, "Brindlewood", seed.DateOfBirth, seed.Documents[0].Reference}
	check := func(when string) {
		items := scan()
		if len(items) < 4 {
			t.Fatalf("%s: only %d items: the scan proves nothing", when, len(items))
		}
		for _, it := range items {
			for _, v := range values {
				if bytes.Contains(bytes.ToLower(it), []byte(strings.ToLower(v))) {
					t.Errorf("%s: a raw item holds %q", when, v)
				}
			}
		}
	}
	check("before erasure")
	if _, err := cus.EraseCustomer(ctx, "t-pii", c.ID); err != nil {
		t.Fatal(err)
	}
	check("after erasure")
	raw, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "TENANT#t-pii"}, "SK": &types.AttributeValueMemberS{Value: "CUS#" + c.ID}}})
	if err != nil || raw.Item == nil {
		t.Fatal(err)
	}
	if _, ok := raw.Item["dek"]; ok {
		t.Fatal("the sealed data key is still in the item after erasure")
	}
	if _, ok := raw.Item["pii"]; !ok {
		t.Fatal("the sealed PII should stay in place, unopenable")
	}
	if got, err := cus.Get(ctx, "t-pii", c.ID); err != nil || got.PII.Name != sg.ErasedPII || got.KYC.Status != sg.KYCVerified {
		t.Fatalf("after erasure: %q %s, %v", got.PII.Name, got.KYC.Status, err)
	}
}

// Reservations racing for one limit on DynamoDB: exactly as many pass as
// fit, across both chains.
func TestLimitsRaceOnDynamoDB(t *testing.T) {
	db, table := customersDB(t)
	ctx := context.Background()
	store := dynamo.New(db, table).Customers
	tt := sg.TierTable{TenantID: "t-race", Default: "t", Verified: "t", KYCValidity: time.Hour,
		Tiers: []sg.Tier{{Name: "t", Total: sg.TierLimits{Day: 5_000_000}, Capabilities: []sg.Capability{sg.CapPayouts}}}}
	if _, err := store.PutTiers(ctx, tt); err != nil {
		t.Fatal(err)
	}
	lim := &compliance.Limits{Store: store, Counters: store}
	now := time.Now()
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func(i int) {
			chain := sg.Ethereum
			if i%2 == 1 {
				chain = sg.Tron
			}
			errs <- lim.Reserve(ctx, "t-race", "wal_x", fmt.Sprintf("tr_%d", i), chain, 1_000_000, sg.LimitOp{Kind: sg.OpPayout}, now)
		}(i)
	}
	passed := 0
	for i := 0; i < 16; i++ {
		switch err := <-errs; {
		case err == nil:
			passed++
		case !errors.Is(err, sg.ErrTierLimitDaily):
			t.Errorf("reserve: %v", err)
		}
	}
	u, err := store.LimitUsage(ctx, "t-race", "wal_x")
	if err != nil || passed != 5 || u.Used(sg.ScopeAll, sg.WindowDay, now) != 5_000_000 {
		t.Fatalf("%d passed, usage %v, %v; want 5 and the limit", passed, u.Used(sg.ScopeAll, sg.WindowDay, now), err)
	}
}

// rawItem flattens an item's every string, number and binary value.
func rawItem(it map[string]types.AttributeValue) []byte {
	var b bytes.Buffer
	var walk func(v types.AttributeValue)
	walk = func(v types.AttributeValue) {
		switch x := v.(type) {
		case *types.AttributeValueMemberS:
			b.WriteString(x.Value)
		case *types.AttributeValueMemberN:
			b.WriteString(x.Value)
		case *types.AttributeValueMemberB:
			b.Write(x.Value)
		case *types.AttributeValueMemberM:
			for k, e := range x.Value {
				b.WriteString(k)
				walk(e)
			}
		case *types.AttributeValueMemberL:
			for _, e := range x.Value {
				walk(e)
			}
		case *types.AttributeValueMemberSS:
			b.WriteString(strings.Join(x.Value, "\x00"))
		}
		b.WriteByte(0)
	}
	for k, v := range it {
		b.WriteString(k)
		walk(v)
	}
	return b.Bytes()
}
