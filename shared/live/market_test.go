package live

import (
	"context"
	"encoding/json"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type fakeMarket struct{ snap sg.MarketSnapshot }

func (f *fakeMarket) Market(context.Context) (sg.MarketSnapshot, error) { return f.snap, nil }

func marketOf(eur string) sg.MarketSnapshot {
	return sg.MarketSnapshot{Prices: map[string]string{"EUR": eur, "GBP": "0.79"},
		Fees: map[string]sg.FeeLevel{"tron": {Fee: "1.200000", Network: map[string]string{"energy_price": "210"}}}}
}

// The publisher pushes a snapshot only when it differs from the last one
// pushed; a new subscriber first gets the last snapshot, a resuming one
// every snapshot after its id.
func TestMarketPushedOnChangeOnly(t *testing.T) {
	f := newResumeFixture(t)
	src := &fakeMarket{snap: marketOf("0.92")}
	f.s.Market = src
	sub := func(conn, extra string) Response {
		req := Request{Body: `{"action":"subscribe","channel":"market"` + extra + `}`}
		req.RequestContext.ConnectionID = conn
		resp, err := f.s.Subscribe(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := sub("c1", ""); resp.StatusCode != 200 {
		t.Fatalf("subscribe market: %d %s", resp.StatusCode, resp.Body)
	}
	got := func(conn string) []MarketUpdate {
		f.p.Lock()
		defer f.p.Unlock()
		var out []MarketUpdate
		for _, raw := range f.p.Got[conn] {
			var u MarketUpdate
			if err := json.Unmarshal([]byte(raw), &u); err != nil || u.Type != "market.updated" {
				t.Fatalf("%s got %s", conn, raw)
			}
			out = append(out, u)
		}
		return out
	}
	publish := func() bool {
		pushed, err := f.s.PublishMarket(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return pushed
	}
	if !publish() {
		t.Fatal("the first snapshot was not pushed")
	}
	for range 2 {
		if publish() {
			t.Fatal("an unchanged market was pushed again")
		}
	}
	src.snap = marketOf("0.93")
	if !publish() {
		t.Fatal("a changed price was not pushed")
	}
	src.snap.Fees["tron"] = sg.FeeLevel{Fee: "1.300000"}
	if !publish() {
		t.Fatal("a changed fee level was not pushed")
	}
	us := got("c1")
	if len(us) != 3 || us[0].Market.Prices["EUR"] != "0.92" || us[1].Market.Prices["EUR"] != "0.93" || us[2].Market.Fees["tron"].Fee != "1.300000" {
		t.Fatalf("c1 got %+v", us)
	}
	if !(us[0].EventID < us[1].EventID && us[1].EventID < us[2].EventID) {
		t.Fatalf("event ids %d %d %d", us[0].EventID, us[1].EventID, us[2].EventID)
	}
	sub("c2", "")
	if late := got("c2"); len(late) != 1 || late[0].EventID != us[2].EventID {
		t.Fatalf("a new subscriber got %+v; want the last snapshot", late)
	}
	sub("c3", `,"last_event_id":`+jsonInt(us[0].EventID))
	if resumed := got("c3"); len(resumed) != 2 || resumed[0].EventID != us[1].EventID {
		t.Fatalf("a resuming subscriber got %+v; want the two after %d", resumed, us[0].EventID)
	}
	if resp := sub("c1", `,"channel":"prices"`); resp.StatusCode != 400 {
		t.Fatalf("unknown channel: %d %s", resp.StatusCode, resp.Body)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
