package dynamo_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The acquiring stores' contract on DynamoDB Local: the same cases, under
// the same names, as memstore's TestInvoicesContract on the twin; each
// case on a table of its own (the template's keys and GSI1).
func TestInvoicesContract(t *testing.T) {
	if testing.Short() {
		t.Skip("needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	}
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		t.Skip("AWS_ENDPOINT_URL_DYNAMODB is not set: no DynamoDB Local to run the contract on")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	storetest.Invoices(t, func(t *testing.T) storetest.InvoiceStore {
		return &dynamo.Invoices{Table: dynamo.New(db, contractTable(t, db)).Base}
	})
}

func TestInvoiceFromImage(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	cases := []struct {
		name        string
		img         map[string]types.AttributeValue
		tenant, inv string
		ok          bool
	}{
		{"an invoice", map[string]types.AttributeValue{"type": s("invoice"), "tenant": s("t1"), "id": s("inv_1")}, "t1", "inv_1", true},
		{"a payment", map[string]types.AttributeValue{"type": s("invoice_payment"), "tenant": s("t1"), "invoice": s("inv_1"), "ref": s("r")}, "t1", "inv_1", true},
		{"a transfer", map[string]types.AttributeValue{"type": s("transfer"), "tenant": s("t1"), "id": s("txn_1")}, "", "", false},
		{"an invoice without its tenant", map[string]types.AttributeValue{"type": s("invoice"), "id": s("inv_1")}, "", "inv_1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ten, inv, ok := dynamo.InvoiceFromImage(c.img)
			if ok != c.ok || (ok && (ten != c.tenant || inv != c.inv)) {
				t.Fatalf("InvoiceFromImage = %q %q %v; want %q %q %v", ten, inv, ok, c.tenant, c.inv, c.ok)
			}
		})
	}
}
