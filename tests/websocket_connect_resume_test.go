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
	if err := c1.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe","wallet_id":"`+w.ID+`"}`)); err != nil {
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

	bad := url.Values{"token": {tok}, "wallet_id": {w.ID}, "last_event_id": {"x"}}
	if _, resp, err := websocket.Dial(ctx, os.Getenv("STABLEGATE_WS_URL")+"/?"+bad.Encode(), nil); err == nil || resp == nil || resp.StatusCode != 400 {
		t.Fatalf("a last_event_id that is no number: %v %v; want 400", resp, err)
	}
}
