package push

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/live/push/pushtest"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The stream consumer alone (as live-notify builds it, with no route):
// a new or changed transfer record reaches its wallet's live subscriber
// with an event id, a removed one and other items push nothing, and a
// gone subscriber is dropped.
func TestNotifyPushesTransfersWithoutTheRoutes(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	st.Now = func() time.Time { return now }
	wallet := sg.NewID("wal", now)
	p := pushtest.NewPosts(ErrGone)
	s := &Service{Store: st, Events: st, Poster: p,
		Decode: func(img map[string]types.AttributeValue) (sg.Transfer, bool) {
			id, _ := img["id"].(*types.AttributeValueMemberS)
			if id == nil {
				return sg.Transfer{}, false
			}
			return sg.Transfer{ID: id.Value, TenantID: "acme", ToWallet: wallet, Amount: 5, State: sg.StatePosted}, true
		}}
	for _, c := range []string{"c1", "c2"} {
		if err := st.PutConnection(ctx, c, "acme"); err != nil {
			t.Fatal(err)
		}
		if resp, err := s.SubscribeResuming(ctx, "acme", wallet, c, -1); err != nil || resp.StatusCode != 200 {
			t.Fatalf("subscribe %s: %d %s %v", c, resp.StatusCode, resp.Body, err)
		}
	}
	p.Gone["c2"] = true
	rec := func(name, seq string, img map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
		var r events.DynamoDBEventRecord
		r.EventName, r.Change.SequenceNumber, r.Change.NewImage = name, seq, img
		return r
	}
	txn := map[string]events.DynamoDBAttributeValue{"id": events.NewStringAttribute("txn_000000000000000000000001")}
	resp, err := s.Notify(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		rec("INSERT", "1", txn),
		rec("REMOVE", "2", txn),
		rec("MODIFY", "3", map[string]events.DynamoDBAttributeValue{"SK": events.NewStringAttribute("WAL#x")}),
	}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("notify: %+v %v", resp, err)
	}
	if len(p.Got["c1"]) != 1 {
		t.Fatalf("c1 was pushed %v; want one update", p.Got["c1"])
	}
	var u Update
	if err := json.Unmarshal([]byte(p.Got["c1"][0]), &u); err != nil || u.Type != "transfer.updated" || u.EventID != 1 ||
		u.WalletID != wallet || u.Transfer.ID != "txn_000000000000000000000001" {
		t.Fatalf("c1 got %s (%v)", p.Got["c1"][0], err)
	}
	if subs, _ := st.Subscribers(ctx, "acme", wallet); len(subs) != 1 || subs[0] != "c1" {
		t.Fatalf("subscribers %v; want c1 only (c2 is gone)", subs)
	}
}

// last_event_id is absent (from now on), a whole number or the same as a
// string; anything else is refused.
func TestParseEventID(t *testing.T) {
	for raw, want := range map[string]int64{``: -1, `null`: -1, `7`: 7, `"7"`: 7, `0`: 0} {
		if id, ok := ParseEventID(json.RawMessage(raw)); !ok || id != want {
			t.Errorf("%q: %d %v; want %d", raw, id, ok, want)
		}
	}
	for _, raw := range []string{`-1`, `"x"`, `1.5`, `{}`} {
		if _, ok := ParseEventID(json.RawMessage(raw)); ok {
			t.Errorf("%q accepted", raw)
		}
	}
}
