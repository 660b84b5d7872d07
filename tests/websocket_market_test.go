package tests

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The market channel pushes USDT's fiat prices and the chains' fee levels
// from the configured source (locally the stack's moving rate feed and the
// fee quoters on geth and the Tron stand-in), and only when they change:
// consecutive pushes always differ.
func TestWebSocketMarketChannel(t *testing.T) {
	e := stack(t)
	tok := e.token(t, tenant())
	c, _, err := dialLive(t, tok)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.CloseNow() }()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe","channel":"market"}`)); err != nil {
		t.Fatal(err)
	}
	type push struct {
		Type    string `json:"type"`
		EventID int64  `json:"event_id"`
		Market  struct {
			Prices map[string]string `json:"prices"`
			Fees   map[string]struct {
				Fee string `json:"fee"`
			} `json:"fees"`
		} `json:"market"`
	}
	var got []push
	for len(got) < 2 {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read (after %d market pushes): %v", len(got), err)
		}
		var p push
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if p.Type == "market.updated" {
			got = append(got, p)
		}
	}
	first, second := got[0], got[1]
	if first.Market.Prices["EUR"] == "" || first.Market.Fees["tron"].Fee == "" || first.Market.Fees["ethereum"].Fee == "" {
		t.Fatalf("first market push %+v; want EUR and both chains' fees", first)
	}
	if second.EventID <= first.EventID || reflect.DeepEqual(first.Market, second.Market) {
		t.Fatalf("second push %+v after %+v: want a newer id and a changed market", second, first)
	}
}
