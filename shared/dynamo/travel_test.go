package dynamo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The travel-rule store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestTravelContract on the twin.
func TestTravelContract(t *testing.T) {
	db, table := travelTable(t)
	storetest.Travel(t, func(*testing.T) sg.TravelStore { return dynamo.New(db, table).Travel })
}

func travelTable(t *testing.T) (*dynamodb.Client, string) {
	t.Helper()
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	return db, contractTable(t, db)
}

// A payout's travel-rule data goes to the table sealed: no seeded PII
// value is in any attribute of any item, and the service reads it back.
func TestTravelSealedOnDynamoDB(t *testing.T) {
	db, table := travelTable(t)
	ctx := context.Background()
	svc := &compliance.Travel{Store: dynamo.New(db, table).Travel, Sealer: &memstore.Sealer{}}
	p, err := compliance.DecodeTravelPayload([]byte(`{"originator":{"originatorPerson":[{"naturalPerson":{"name":{"nameIdentifier":[
		{"primaryIdentifier":"Quillfeather-Ashdown","secondaryIdentifier":"Perpetua","naturalPersonNameIdentifierType":"LEGL"}]},
		"nationalIdentification":{"nationalIdentifier":"ZP88123097","nationalIdentifierType":"CCPT","countryOfIssue":"IE"}}}]},
		"beneficiary":{"beneficiaryPerson":[{"naturalPerson":{"name":{"nameIdentifier":[{"primaryIdentifier":"Okonkwo-Lindqvist","naturalPersonNameIdentifierType":"LEGL"}]},
		"customerIdentification":"c-1"}}]},"payloadMetadata":{"payloadVersion":"101.2023"}}`))
	if err != nil {
		t.Fatal(err)
	}
	tr := sg.Transfer{ID: "txn_pii", TenantID: "t-pii", Type: sg.TransferWithdrawal, Chain: sg.Ethereum, Amount: 2_000_000_000,
		ToAddress: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"}
	if _, err := svc.RequireForPayout(ctx, "t-pii", tr, p); err != nil {
		t.Fatal(err)
	}
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: &table})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, it := range out.Items {
		for k, v := range it {
			all.WriteString(k)
			switch a := v.(type) {
			case *types.AttributeValueMemberS:
				all.WriteString(a.Value)
			case *types.AttributeValueMemberB:
				all.Write(a.Value)
			}
		}
	}
	for _, v := range []string{"Quillfeather", "Perpetua", "ZP88123097", "Okonkwo"} {
		if strings.Contains(all.String(), v) {
			t.Fatalf("%q is in the table in plain text", v)
		}
	}
	doc, err := svc.Export(ctx, "t-pii", "txn_pii")
	if err != nil || !strings.Contains(string(doc), "Quillfeather-Ashdown") {
		t.Fatalf("Export = %s, %v", doc, err)
	}
}
