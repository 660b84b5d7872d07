package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func dialLive(t *testing.T, token string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return websocket.Dial(ctx, os.Getenv("STABLEGATE_WS_URL")+"/?token="+token, nil)
}

// A client subscribed to a wallet receives every state change of a
// withdrawal, in order, pushed from the table's stream.
func TestWebSocketPushesEveryWithdrawalStateInOrder(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	fund(t, l, ten, w.ID, sg.Tron, "30")

	if _, resp, err := dialLive(t, "not-a-token"); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("connection without a valid token: %v %v", resp, err)
	}
	c, _, err := dialLive(t, tok)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.CloseNow() }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	read := func() map[string]any {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("read %s: %v", data, err)
		}
		return m
	}
	other := e.newWallet(t, e.token(t, tenant()), false)
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe","wallet_id":"`+other.ID+`"}`)); err != nil {
		t.Fatal(err)
	}
	if m := read(); m["code"] != "wallet_not_found" {
		t.Fatalf("subscribing to another tenant's wallet: %v", m)
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe","wallet_id":"`+w.ID+`"}`)); err != nil {
		t.Fatal(err)
	}
	if m := read(); m["type"] != "subscribed" {
		t.Fatalf("subscribe: %v", m)
	}
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(w.ID, "tron", tronPayee(), "10"))
	if r.status != 201 {
		t.Fatalf("withdrawal: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	want := []string{"pending", "approved", "signed", "broadcast", "confirmed", "posted"}
	var got []string
	for len(got) < len(want) {
		m := read()
		tr, _ := m["transfer"].(map[string]any)
		if m["type"] != "transfer.updated" || tr["id"] != wd.ID {
			continue
		}
		got = append(got, tr["state"].(string))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pushed states %v; want %v", got, want)
	}
}
