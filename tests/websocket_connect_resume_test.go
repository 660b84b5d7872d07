package tests

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- plat: resume at $connect ----

// A client that drops and reconnects with wallet_id and last_event_id in
// the connection's URL (no subscribe message) receives "resuming", every
// event after its id, contiguous and in order, then "subscribed" naming the
// head, then live events.
func TestWebSocketResumeAtConnect(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	type msg struct {
		Type        string `json:"type"`
		EventID     int64  `json:"event_id"`
		LastEventID int64  `json:"last_event_id"`
		WalletID    string `json:"wallet_id"`
	}
	read := func(c *websocket.Conn) msg {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		e.checkWSMessage(t, "WsServerMessage", data)
		var m msg
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("read %s: %v", data, err)
		}
		return m
	}

	c1, _, err := dialLive(t, tok)
	if err != nil {
		t.Fatal(err)
	}
	sub := []byte(`{"action":"subscribe","wallet_id":"` + w.ID + `"}`)
	e.checkWSMessage(t, "WsClientMessage", sub)
	if err := c1.Write(ctx, websocket.MessageText, sub); err != nil {
		t.Fatal(err)
	}
	if m := read(c1); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}
	fund(t, l, ten, w.ID, sg.Tron, "1")
	var seen msg
	for seen.Type != "transfer.updated" {
		seen = read(c1)
	}
	_ = c1.CloseNow() // the client drops
	fund(t, l, ten, w.ID, sg.Tron, "2")
	fund(t, l, ten, w.ID, sg.Tron, "3")

	q := url.Values{"token": {tok}, "wallet_id": {w.ID}, "last_event_id": {strconv.FormatInt(seen.EventID, 10)}}
	c2, _, err := websocket.Dial(ctx, os.Getenv("STABLEGATE_WS_URL")+"/?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.CloseNow() }()
	if m := read(c2); m.Type != "resuming" || m.WalletID != w.ID || m.LastEventID != seen.EventID {
		t.Fatalf("first message %+v; want resuming from %d", m, seen.EventID)
	}
	last := seen.EventID
	for {
		m := read(c2)
		if m.Type == "subscribed" {
			if m.LastEventID != last || last < seen.EventID+2 {
				t.Fatalf("subscribed at %d after replaying to %d (from %d): the two credits made while away are missing", m.LastEventID, last, seen.EventID)
			}
			break
		}
		if m.Type != "transfer.updated" || m.EventID != last+1 {
			t.Fatalf("replayed %+v after event %d; want the next event", m, last)
		}
		last = m.EventID
	}
	fund(t, l, ten, w.ID, sg.Tron, "4")
	if m := read(c2); m.Type != "transfer.updated" || m.EventID != last+1 {
		t.Fatalf("live after the replay: %+v (last %d)", m, last)
	}

	t.Run("heartbeats, errors and the market channel match the spec", func(t *testing.T) {
		sawMarket := false
		for _, send := range []struct{ body, want string }{
			{`{"action":"ping"}`, "heartbeat"},
			{`{"action":"subscribe","wallet_id":"nope"}`, "error"},
			{`{"action":"dance"}`, "error"},
			{`{"action":"subscribe","channel":"market"}`, "subscribed"},
		} {
			if send.want != "error" {
				e.checkWSMessage(t, "WsClientMessage", []byte(send.body))
			}
			if err := c2.Write(ctx, websocket.MessageText, []byte(send.body)); err != nil {
				t.Fatal(err)
			}
			for m := read(c2); m.Type != send.want; m = read(c2) {
				if m.Type != "market.updated" && m.Type != "transfer.updated" {
					t.Fatalf("%s answered %+v; want %s", send.body, m, send.want)
				}
				sawMarket = sawMarket || m.Type == "market.updated"
			}
		}
		for !sawMarket { // no snapshot yet: the publisher's next push (checked by read)
			sawMarket = read(c2).Type == "market.updated"
		}
	})

	bad := url.Values{"token": {tok}, "wallet_id": {w.ID}, "last_event_id": {"x"}}
	if _, resp, err := websocket.Dial(ctx, os.Getenv("STABLEGATE_WS_URL")+"/?"+bad.Encode(), nil); err == nil || resp == nil || resp.StatusCode != 400 {
		t.Fatalf("a last_event_id that is no number: %v %v; want 400", resp, err)
	}
}

// checkWSMessage validates a WebSocket message against the spec's schema
// (components.schemas[schema] of infra/openapi.yaml).
func (e *env) checkWSMessage(t *testing.T, schema string, data []byte) {
	t.Helper()
	ref := e.spec.Components.Schemas[schema]
	if ref == nil {
		t.Fatalf("the spec has no schema %s", schema)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("message %s is not JSON: %v", data, err)
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		t.Fatalf("message %s does not match %s: %v", data, schema, err)
	}
}

// The spec's WebSocket schemas tell messages apart and refuse malformed
// ones: each documented example passes, and a message missing what its
// type requires, or of an unknown type, fails.
func TestSpecWebSocketMessages(t *testing.T) {
	doc := loadSpec(t)
	check := func(schema, msg string) error {
		var v any
		if err := json.Unmarshal([]byte(msg), &v); err != nil {
			t.Fatal(err)
		}
		return doc.Components.Schemas[schema].Value.VisitJSON(v)
	}
	for _, name := range []string{"WsSubscribe", "WsSubscribeMarket", "WsPing", "WsSubscribed", "WsResuming", "WsHeartbeat", "WsMarketUpdated", "WsError"} {
		ex, _ := json.Marshal(doc.Components.Schemas[name].Value.Example)
		parent := "WsServerMessage"
		if name == "WsSubscribe" || name == "WsSubscribeMarket" || name == "WsPing" {
			parent = "WsClientMessage"
		}
		if err := check(parent, string(ex)); err != nil {
			t.Errorf("%s's example %s fails %s: %v", name, ex, parent, err)
		}
	}
	for _, bad := range []string{
		`{"type":"transfer.updated","wallet_id":"wal_1"}`,
		`{"type":"heartbeat"}`,
		`{"type":"news","text":"hi"}`,
		`{"type":"error","code":"no_such_code"}`,
		`{"type":"market.updated","as_of":"2026-12-07T10:15:00Z","market":{"prices":{"EUR":0.92},"fees":{}}}`,
	} {
		if check("WsServerMessage", bad) == nil {
			t.Errorf("%s passed WsServerMessage", bad)
		}
	}
	for _, bad := range []string{`{"action":"subscribe"}`, `{"action":"subscribe","wallet_id":"wal_1","last_event_id":-1}`, `{"action":"ping","extra":1}`} {
		if check("WsClientMessage", bad) == nil {
			t.Errorf("%s passed WsClientMessage", bad)
		}
	}
}
