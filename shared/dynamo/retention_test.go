package dynamo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// expiresAt reads an item's TTL attribute straight from the table (0: none).
func expiresAt(t *testing.T, db *dynamodb.Client, table, pk, sk string) int64 {
	t.Helper()
	out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}})
	if err != nil || out.Item == nil {
		t.Fatalf("item %s %s: %v (found %v)", pk, sk, err, out != nil && out.Item != nil)
	}
	v, ok := out.Item["expires_at"].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	x, _ := strconv.ParseInt(v.Value, 10, 64)
	return x
}

// Retention by record kind: a closed case and a travel-rule record carry
// the table's TTL at five years after their decision or their recording
// (sg.RetentionSchedule), so DynamoDB removes them then without a job
// reading the table; an open case carries none (it is kept while open).
func TestRetentionTTLByRecordKind(t *testing.T) {
	db := localDB(t, "retention TTLs on DynamoDB Local")
	table := contractTable(t, db)
	st := dynamo.New(db, table)
	ctx := context.Background()
	tenant := "ten_ret" + strconv.FormatInt(time.Now().UnixNano(), 36)
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

	c, _, err := st.Compliance.CreateCase(ctx, sg.Case{ID: sg.NewID("case", at), Tenant: tenant, Kind: sg.CaseManual, Status: sg.CaseOpen,
		Summary: "retention", CreatedAt: at, UpdatedAt: at}, "ret-"+tenant)
	if err != nil {
		t.Fatal(err)
	}
	if x := expiresAt(t, db, table, "TENANT#"+tenant, "CASE#"+c.ID); x != 0 {
		t.Fatalf("an open case expires at %d; want no TTL", x)
	}
	decided := at.Add(48 * time.Hour)
	c.Status, c.UpdatedAt = sg.CaseClosedNoAction, decided
	c.Decision = &sg.CaseDecision{Outcome: sg.CaseClosedNoAction, By: "officer", At: decided, Reason: "cleared"}
	if _, err := st.Compliance.UpdateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if x, want := expiresAt(t, db, table, "TENANT#"+tenant, "CASE#"+c.ID), sg.RetainUntil("case", decided).Unix(); x != want || want < decided.AddDate(5, 0, 0).Unix() {
		t.Fatalf("a closed case expires at %d; want %d, five years after its decision", x, want)
	}

	tr := sg.TravelRecord{Tenant: tenant, TransferID: sg.NewID("txn", at), Direction: sg.TravelOut, Status: sg.TravelProvided,
		PayloadSealed: []byte("sealed"), Amount: 2_000_000_000, Chain: sg.Tron, At: at}
	if err := st.Travel.PutTravel(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if x, want := expiresAt(t, db, table, "TENANT#"+tenant, "TRAVEL#"+tr.TransferID+"#out"), at.Add(sg.AMLRetention).Unix(); x != want {
		t.Fatalf("a travel-rule record expires at %d; want %d", x, want)
	}
}
