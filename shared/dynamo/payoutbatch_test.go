package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The payout batch store's contract on DynamoDB Local: the same cases,
// under the same names, as shared/memstore's TestPayoutBatchesContract.
func TestPayoutBatchesContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.PayoutBatches(t, func(*testing.T) sg.PayoutBatches { return dynamo.New(db, table).Batches })
}

// A batch record written before batches had legs (one chain's members in
// the JSON attribute, the transaction's hash in "tx") reads back as one
// leg named by the batch id, the job its transaction was kept under, so a
// batch in flight across the upgrade finishes on the transaction it signed.
func TestPayoutBatchRecordWithoutLegsReadsAsOneLeg(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack)")
	table := contractTable(t, db)
	ten, id := sg.NewID("ten", time.Now()), sg.NewID("pb", time.Now())
	it := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "TENANT#" + ten}, "SK": &types.AttributeValueMemberS{Value: "PBATCH#" + id},
		"id": &types.AttributeValueMemberS{Value: id}, "st": &types.AttributeValueMemberS{Value: string(sg.BatchSigned)},
		"v": &types.AttributeValueMemberN{Value: "3"}, "rh": &types.AttributeValueMemberS{Value: "h"},
		"rows": &types.AttributeValueMemberS{Value: `{"w":"wal_1","r":[{"Index":0,"Chain":"ethereum","TransferID":"txn_a","Amount":5}],"m":["txn_a"],"c":"ethereum"}`},
		"tx":   &types.AttributeValueMemberS{Value: "0xabc"}, "ct": &types.AttributeValueMemberN{Value: "1"}, "ut": &types.AttributeValueMemberN{Value: "1"},
	}
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: it}); err != nil {
		t.Fatal(err)
	}
	b, err := dynamo.New(db, table).Batches.PayoutBatch(context.Background(), ten, id)
	if err != nil {
		t.Fatal(err)
	}
	want := sg.BatchLeg{Chain: sg.Ethereum, Job: id, State: sg.BatchSigned, Members: []string{"txn_a"}, TxHash: "0xabc"}
	if len(b.Legs) != 1 || b.Legs[0].Chain != want.Chain || b.Legs[0].Job != want.Job || b.Legs[0].State != want.State ||
		b.Legs[0].TxHash != want.TxHash || len(b.Legs[0].Members) != 1 || b.Legs[0].Members[0] != "txn_a" || b.State != sg.BatchSigned {
		t.Fatalf("read %+v; want one leg %+v", b, want)
	}
}
