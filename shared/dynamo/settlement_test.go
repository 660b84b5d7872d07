package dynamo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The settlement store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestSettlementContract on the twin.
func TestSettlementContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.Settlement(t, func(*testing.T) storetest.SettlementStores {
		return legacySettlements{dynSettlements: &dynamo.Settlements{Table: dynamo.New(db, table).Base}, db: db, table: table}
	})
}

// The refund counters' contract on DynamoDB Local.
func TestRefundCapsContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.RefundCaps(t, func(*testing.T) sg.RefundCaps { return dynamo.RefundCaps{Table: dynamo.New(db, table).Base} })
}

// The refund links' contract on DynamoDB Local.
func TestRefundLinksContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.RefundLinks(t, func(*testing.T) sg.RefundLinks { return dynamo.RefundLinks{Table: dynamo.New(db, table).Base} })
}

// settlePayer stands in for the withdrawal pipeline: one transfer per
// (settlement, attempt).
type settlePayer struct {
	mu  sync.Mutex
	ids map[string]string
}

func (p *settlePayer) Pay(_ context.Context, s sg.Settlement) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := fmt.Sprintf("%s#%d", s.ID, s.Attempt)
	if id, ok := p.ids[k]; ok {
		return id, nil
	}
	p.ids[k] = fmt.Sprintf("tr_%d", len(p.ids)+1)
	return p.ids[k], nil
}

type settleNet map[sg.Chain]sg.Amount

func (n settleNet) NetworkFee(_ context.Context, c sg.Chain) (sg.Amount, error) { return n[c], nil }

// A merchant's day on DynamoDB Local: paid on Tron and on Ethereum,
// settled daily on Ethereum; invoices delivered several times at once, a
// refund; at the cut-off one settlement is closed with its clearing and
// network-fee lines and its payout requested; its report's totals equal
// its lines; paid, it leaves the liabilities.
func TestSettlementServiceOnDynamoDB(t *testing.T) {
	if testing.Short() {
		t.Skip("needs DynamoDB Local (the local stack); the twin runs the service tests under -short")
	}
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		t.Skip("AWS_ENDPOINT_URL_DYNAMODB is not set")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	st := dynamo.New(db, contractTable(t, db)).Settlements
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	svc := &settlement.Service{Fees: &settlement.Fees{Schedules: st, Now: clock, Network: settleNet{sg.Ethereum: 1_500_000}},
		Configs: st, Store: st, Payer: &settlePayer{ids: map[string]string{}}, Now: clock}
	tn := "t-day"
	eth := "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
	for _, c := range []sg.SettlementConfig{
		{TenantID: tn, Chain: sg.Tron, Mode: sg.SettleScheduled, Schedule: sg.ScheduleDaily, CutoffHour: 17, Destination: sg.SettlementDestination{Chain: sg.Ethereum, Address: eth}},
		{TenantID: tn, Chain: sg.Ethereum, Mode: sg.SettleScheduled, Schedule: sg.ScheduleDaily, CutoffHour: 17, Destination: sg.SettlementDestination{Chain: sg.Ethereum, Address: eth}},
	} {
		if _, err := svc.PutConfig(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range sg.Chains {
		if _, err := svc.Fees.PutSchedule(ctx, sg.FeeSchedule{TenantID: tn, Chain: c, Percent: sg.FeeRateBPS(100), Fixed: 100_000,
			Max: 5_000_000, NetworkFee: sg.NetworkPassThrough}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := svc.Liabilities(ctx)
	var invs []sg.Invoice
	for i, c := range []sg.Chain{sg.Tron, sg.Ethereum, sg.Tron, sg.Ethereum} {
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
		amount := sg.Amount(100_000_000 * (i + 1))
		inv := sg.Invoice{ID: sg.NewID("inv", now), TenantID: tn, Amount: amount, Chains: sg.Chains, Status: sg.InvoicePaid, Paid: amount,
			CreatedAt: now, ExpiresAt: now.Add(time.Hour), Policy: sg.DefaultInvoicePolicy,
			Payments: []sg.InvoicePayment{{Ref: fmt.Sprint("p", i), Chain: c, Amount: amount, State: sg.PaymentConfirmed, SeenAt: now}}}
		invs = append(invs, inv)
	}
	var wg sync.WaitGroup
	for _, inv := range invs {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					if _, err := svc.AddPaidInvoice(ctx, tn, inv); sg.KindOf(err) != sg.KindUnavailable {
						if err != nil {
							t.Error(err)
						}
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	if _, err := svc.AddRefund(ctx, tn, settlement.Reversal{ID: "tr_refund", Chain: sg.Tron, Amount: 20_000_000}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.CloseDue(ctx, time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC))
	if err != nil || res.Closed != 1 || res.Paying != 1 {
		t.Fatalf("CloseDue: %+v, %v", res, err)
	}
	all, _, err := svc.List(ctx, tn, sg.Page{})
	if err != nil || len(all) != 1 {
		t.Fatalf("List: %d, %v", len(all), err)
	}
	s := all[0]
	// Gross 1000; fees 1% + 0.1 capped at 5: 1.1 + 2.1 + 3.1 + 4.1 = 10.4, then the 1.5 network fee.
	want := sg.SettlementTotals{Gross: 1_000_000_000, Fees: 11_900_000, Refunds: -20_000_000, Net: 968_100_000}
	lines, _, err := svc.Lines(ctx, tn, s.ID, sg.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines { // the value cleared from Tron: the clearing lines' sum (issue 15: cross_chain)
		if l.Kind == sg.LineClearing {
			want.Cleared += l.Cleared
		}
	}
	if s.Chain != sg.Ethereum || s.Status != sg.SettlementPaying || s.Totals != want || s.LineCount != 9 {
		t.Fatalf("settlement %+v; want totals %+v over 9 lines (4 invoices, 3 clearings, a refund, a network fee)", s, want)
	}
	body, _, err := svc.Report(ctx, tn, s.ID, settlement.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var v settlement.ReportView
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var net sg.Amount
	for _, l := range v.Lines {
		a, err := sg.ParseAmount(strings.TrimPrefix(l.Net, "-"), 6)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(l.Net, "-") {
			a = -a
		}
		net += a
	}
	if net.String() != v.Totals.Net || v.Totals.Net != "968.100000" {
		t.Fatalf("report net %s; its lines sum to %s", v.Totals.Net, net)
	}
	if l, _ := svc.Liabilities(ctx); l[sg.Ethereum]-before[sg.Ethereum] != want.Net {
		t.Fatalf("liabilities moved by %s; want %s", l[sg.Ethereum]-before[sg.Ethereum], want.Net)
	}
	if _, err := svc.MarkPaid(ctx, tn, s.ID, s.PayoutTransferID); err != nil {
		t.Fatal(err)
	}
	if l, _ := svc.Liabilities(ctx); l[sg.Ethereum] != before[sg.Ethereum] || l[sg.Tron] != before[sg.Tron] {
		t.Fatalf("liabilities after paid %v; before %v", l, before)
	}
}

// dynSettlements names the store so that embedding it keeps its
// Settlements method promoted.
type dynSettlements = dynamo.Settlements

// legacySettlements is the DynamoDB store with a way to write its
// committed counter as the code before counters were initialised left it.
type legacySettlements struct {
	*dynSettlements
	db    *dynamodb.Client
	table string
}

// LegacyCommitted implements storetest.LegacyCommitter: the counter item
// with net and n and nothing else (none at all when both are zero).
func (l legacySettlements) LegacyCommitted(tenant string, c sg.Chain, net sg.Amount, n int64) {
	k := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TENANT#" + tenant},
		"SK": &types.AttributeValueMemberS{Value: "STLCOMMIT#" + string(c)}}
	var err error
	if net == 0 && n == 0 {
		_, err = l.db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: &l.table, Key: k})
	} else {
		k["net"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(int64(net), 10)}
		k["n"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
		_, err = l.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &l.table, Item: k})
	}
	if err != nil {
		panic(err)
	}
}

// A counter not yet initialised is counted from the tenant's settlement
// items a bounded number of pages a read: a read that has not finished
// answers a retryable error and keeps its place, the next goes on from
// there; a write of the counter in between starts the count again, so
// the count written is never one the counter moved under.
func TestSettlementCommittedCountIsPaged(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack)")
	table := contractTable(t, db)
	st := &dynamo.Settlements{Table: dynamo.New(db, table).Base, BackfillPages: 1}
	ctx := context.Background()
	tn := "t-paged-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var want sg.Amount
	var wantN int64
	var batch []types.WriteRequest
	flush := func() {
		if len(batch) == 0 {
			return
		}
		out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: batch}})
		if err != nil || len(out.UnprocessedItems) > 0 {
			t.Fatalf("BatchWriteItem: %v (%d unprocessed)", err, len(out.UnprocessedItems))
		}
		batch = nil
	}
	statuses := []sg.SettlementStatus{sg.SettlementClosed, sg.SettlementPaid, sg.SettlementFailed, sg.SettlementOpen, sg.SettlementPaying}
	for i := range 150 { // two pages of 100
		c, status := sg.Tron, statuses[i%len(statuses)]
		if i%7 == 0 {
			c = sg.Ethereum
		}
		net := int64(1000 + i)
		if c == sg.Tron && status.Committed() {
			want += sg.Amount(net)
			wantN++
		}
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "TENANT#" + tn}, "SK": &types.AttributeValueMemberS{Value: fmt.Sprintf("STL#stl_%04d", i)},
			"chain": &types.AttributeValueMemberS{Value: string(c)}, "status": &types.AttributeValueMemberS{Value: string(status)},
			"net": &types.AttributeValueMemberN{Value: strconv.FormatInt(net, 10)}}}})
		if len(batch) == 25 {
			flush()
		}
	}
	flush()
	notYet := func(what string) {
		t.Helper()
		if _, err := st.SettlementCommitted(ctx, tn, sg.Tron); sg.KindOf(err) != sg.KindUnavailable {
			t.Fatalf("%s: %v; want a retryable error (the count is not done)", what, err)
		}
	}
	notYet("the first read (one page of two)")
	// A status change moves the counter meanwhile: the count starts again.
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "TENANT#" + tn}, "SK": &types.AttributeValueMemberS{Value: "STLCOMMIT#tron"}},
		UpdateExpression: aws.String("ADD net :d, n :one, ver :one"), ExpressionAttributeValues: map[string]types.AttributeValue{
			":d": &types.AttributeValueMemberN{Value: "5"}, ":one": &types.AttributeValueMemberN{Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	notYet("the read after the counter moved (the first page again)")
	got, err := st.SettlementCommitted(ctx, tn, sg.Tron)
	if err != nil {
		t.Fatalf("the read that finishes: %v", err)
	}
	if got.Net != want || got.Count != wantN {
		t.Fatalf("counted %s in %d; want %s in %d", got.Net, got.Count, want, wantN)
	}
}
