package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// issue 17, must show 5: a WebSocket client that drops and resumes misses
// no event. It sees the first state of a withdrawal, drops, and the
// withdrawal runs to its end while it is away; it reconnects and
// subscribes with the last event id it processed, and receives every
// state it missed, in order, once each, then live ones.
func TestWebSocketClientThatDropsAndResumesMissesNoEvent(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	fund(t, l, ten, w.ID, sg.Tron, "30")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	type update struct {
		Type     string `json:"type"`
		EventID  int64  `json:"event_id"`
		Transfer struct {
			ID, State string
		} `json:"transfer"`
		LastEventID int64 `json:"last_event_id"`
	}
	read := func(c *websocket.Conn) update {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var u update
		if err := json.Unmarshal(data, &u); err != nil {
			t.Fatalf("read %s: %v", data, err)
		}
		return u
	}
	subscribe := func(c *websocket.Conn, extra string) {
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe","wallet_id":"`+w.ID+`"`+extra+`}`)); err != nil {
			t.Fatal(err)
		}
	}

	c1, _, err := dialLive(t, tok)
	if err != nil {
		t.Fatal(err)
	}
	subscribe(c1, "")
	// The wallet's funding is fed to the push by the table's stream: it may
	// come live just before the subscription's answer.
	for u := read(c1); u.Type != "subscribed"; u = read(c1) {
		if u.Type != "transfer.updated" {
			t.Fatalf("subscribe: %+v", u)
		}
	}
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "10"))
	if r.status != 201 {
		t.Fatalf("withdrawal: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	var first update
	for first.Transfer.ID != wd.ID {
		first = read(c1)
	}
	if first.EventID <= 0 || first.Transfer.State != "pending" {
		t.Fatalf("first update %+v; want pending with an event id", first)
	}
	_ = c1.CloseNow() // the client drops

	e.waitState(t, tok, wd.ID, "posted") // everything else happens while it is away

	c2, _, err := dialLive(t, tok)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.CloseNow() }()
	subscribe(c2, fmt.Sprintf(`,"last_event_id":%d`, first.EventID))
	states := []string{first.Transfer.State}
	last := first.EventID
	// The replay is what the event log held when the client came back; the
	// log is fed by the table's stream, so the last changes may reach it a
	// moment after the API shows them, and then come live on the same
	// connection. Either way every change arrives once, in order.
	var subscribed update
	replayEnd := int64(-1)
	for subscribed.Type != "subscribed" || states[len(states)-1] != "posted" {
		u := read(c2)
		switch u.Type {
		case "subscribed":
			subscribed = u
			replayEnd = last
		case "transfer.updated":
			if u.EventID <= last {
				t.Fatalf("event %d after %d: repeated or out of order", u.EventID, last)
			}
			last = u.EventID
			if u.Transfer.ID == wd.ID {
				states = append(states, u.Transfer.State)
			}
		}
	}
	want := "pending,approved,signed,broadcast,confirmed,posted"
	if got := strings.Join(states, ","); got != want {
		t.Fatalf("states seen across the drop %s; want %s", got, want)
	}
	if subscribed.LastEventID != replayEnd {
		t.Fatalf("subscribed at %d; the replay ended at %d", subscribed.LastEventID, replayEnd)
	}
	// Live again: the next change comes with the next id.
	fund(t, l, ten, w.ID, sg.Tron, "1")
	if u := read(c2); u.Type != "transfer.updated" || u.EventID <= last {
		t.Fatalf("live update after the replay: %+v (last %d)", u, last)
	}
	// Heartbeat.
	if err := c2.Write(ctx, websocket.MessageText, []byte(`{"action":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	for {
		if u := read(c2); u.Type == "heartbeat" {
			break
		}
	}
}
