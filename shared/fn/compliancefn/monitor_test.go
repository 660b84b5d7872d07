package compliancefn

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// record is a transfer item's stream record as the table writes it (the
// attributes the store's decoder reads).
func record(seq string, ty sg.TransferType, st sg.TransferState, id, from, to, toAddr string, amount sg.Amount, at time.Time) events.DynamoDBEventRecord {
	var r events.DynamoDBEventRecord
	r.EventName = "MODIFY"
	r.Change.SequenceNumber = seq
	img := map[string]events.DynamoDBAttributeValue{
		"PK": events.NewStringAttribute("TENANT#acme"), "SK": events.NewStringAttribute("TXN#" + id),
		"id": events.NewStringAttribute(id), "ty": events.NewStringAttribute(string(ty)), "st": events.NewStringAttribute(string(st)),
		"c": events.NewStringAttribute(string(sg.Tron)), "as": events.NewStringAttribute(string(sg.USDT)),
		"amt": events.NewNumberAttribute(strconv.FormatInt(int64(amount), 10)),
		"ct":  events.NewNumberAttribute(strconv.FormatInt(at.UnixMicro(), 10)), "ut": events.NewNumberAttribute(strconv.FormatInt(at.UnixMicro(), 10)),
	}
	if from != "" {
		img["fw"] = events.NewStringAttribute(from)
	}
	if to != "" {
		img["tw"] = events.NewStringAttribute(to)
	}
	if toAddr != "" {
		img["to"] = events.NewStringAttribute(toAddr)
	}
	r.Change.NewImage = img
	return r
}

type failing struct{ calls int }

func (f *failing) OnEvent(context.Context, sg.LedgerEvent) ([]sg.Alert, error) {
	f.calls++
	return nil, sg.Unavailable("test", errors.New("down"))
}

// The stream consumer turns posted transfers into ledger events: a
// velocity rule (3 payouts in an hour) fires on the third posted payout
// and opens a case; records that are not posted transfers (a pending
// payout, a deposit) feed nothing; a batch delivered again raises nothing
// new. A failing monitor reports the record it failed on.
func TestMonitorStreamFeedsPostedTransfers(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	st := memstore.NewCompliance()
	now := func() time.Time { return t0 }
	cases := &compliance.Cases{Store: st, Now: now}
	rules := &compliance.Rules{Store: st, Now: now}
	if _, _, err := rules.Put(context.Background(), "acme", 0, []sg.MonitorRule{{ID: "vel", Kind: sg.MonVelocity, Enabled: true,
		Params: sg.MonitorParams{Window: time.Hour, Count: 2, Direction: sg.DirOut}}}, "officer"); err != nil {
		t.Fatal(err)
	}
	mon := &compliance.Monitor{Rules: st, Activity: st, Alerts: st, Cases: cases, Now: now}
	h := MonitorStream(mon, quiet)
	batch := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("1", sg.TransferWithdrawal, sg.StatePending, sg.NewID("txn", t0), "wal_a", "", "TDest1", 5_000_000, t0),
		record("2", sg.TransferWithdrawal, sg.StatePosted, sg.NewID("txn", t0), "wal_a", "", "TDest1", 5_000_000, t0.Add(time.Minute)),
		record("3", sg.TransferDeposit, sg.StatePosted, sg.NewID("txn", t0), "", "wal_a", "", 9_000_000, t0.Add(2*time.Minute)),
		record("4", sg.TransferWithdrawal, sg.StatePosted, sg.NewID("txn", t0), "wal_a", "", "TDest2", 5_000_000, t0.Add(3*time.Minute)),
		record("5", sg.TransferInternal, sg.StatePosted, sg.NewID("txn", t0), "wal_a", "wal_b", "", 1_000_000, t0.Add(4*time.Minute)),
	}}
	for i := 0; i < 2; i++ { // the second run is the stream delivering the batch again
		resp, err := h(context.Background(), batch)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("run %d: %+v, %v", i, resp, err)
		}
		cs, _, err := cases.List(context.Background(), "acme", sg.CaseFilter{}, sg.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// Outs of wal_a within the hour: 2 payouts and 1 internal transfer,
		// over the rule's count of 2: one alert, its case naming those three
		// (never the pending payout or the deposit), once however often the
		// batch comes.
		want := map[string]bool{}
		for _, i := range []int{1, 3, 4} {
			want[batch.Records[i].Change.NewImage["id"].String()] = true
		}
		if len(cs) != 1 || cs[0].Kind != sg.CaseAMLAlert || len(cs[0].Evidence.Alerts) != 1 || len(cs[0].Evidence.Transfers) != 3 {
			t.Fatalf("run %d: cases %+v; want one AML case with one alert over three transfers", i, cs)
		}
		for _, tr := range cs[0].Evidence.Transfers {
			if !want[tr] {
				t.Fatalf("run %d: evidence %v; want the posted outs only", i, cs[0].Evidence.Transfers)
			}
		}
	}
	f := &failing{}
	resp, err := MonitorStream(f, quiet)(context.Background(), batch)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "2" || f.calls != 1 {
		t.Fatalf("failing monitor: %+v, %v, %d calls; want record 2 reported and nothing after it tried", resp, err, f.calls)
	}
}
