package devstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/fn/livefn"

	"github.com/coder/websocket"

	"github.com/stablegate/stablegate/shared/live"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type oneCheckout struct{ token, tenant, invoice string }

func (c oneCheckout) CheckoutByToken(_ context.Context, token string) (string, string, error) {
	if token != c.token {
		return "", "", sg.ErrNotFound
	}
	return c.tenant, c.invoice, nil
}

// httpPoster pushes through the local gateway's Management API.
type httpPoster struct{ base string }

func (p httpPoster) Post(ctx context.Context, conn string, data []byte) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/@connections/"+conn, bytes.NewReader(data))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusGone {
		return live.ErrGone
	}
	return nil
}

// The hosted checkout page, served by the local portal, reaches the local
// WebSocket API at its own origin's /live: a connection with ?checkout= and
// no JWT is admitted, subscribes to its checkout and is pushed its changes;
// a bad token is refused; the Management API is not reachable through the
// portal.
func TestPortalPassesCheckoutWebSocket(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inv := sg.NewID("inv", time.Now())
	svc := &live.Service{Store: memstore.New(), Checkouts: oneCheckout{"chk_local0123456789", "acme", inv}}
	srv := &wsServer{conns: map[string]*websocket.Conn{}, logf: t.Logf, routes: map[string]livefn.WSHandler{
		"$connect": svc.Connect, "$disconnect": svc.Disconnect, "$default": svc.Subscribe, "subscribe": svc.Subscribe,
	}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	svc.Poster = httpPoster{hs.URL}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // only its port was wanted
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("portal"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Stack{Opts: Options{BasePort: port - 90}, APIURL: hs.URL,
		Env: map[string]string{"STABLEGATE_WS_URL": "ws" + strings.TrimPrefix(hs.URL, "http")}}
	if err := s.servePortal(ctx, dir); err != nil {
		t.Fatal(err)
	}
	portal := s.Env["STABLEGATE_PORTAL_URL"]
	wsPortal := "ws" + strings.TrimPrefix(portal, "http") + "/live"
	origin := http.Header{"Origin": {portal}}

	if _, resp, err := websocket.Dial(ctx, wsPortal+"?checkout=chk_unknown0123456789", &websocket.DialOptions{HTTPHeader: origin}); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("a bad checkout token: %v %v; want 401", resp, err)
	}
	c, _, err := websocket.Dial(ctx, wsPortal+"?checkout=chk_local0123456789", &websocket.DialOptions{HTTPHeader: origin})
	if err != nil {
		t.Fatalf("dial through the portal: %v", err)
	}
	defer func() { _ = c.CloseNow() }()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe_checkout","token":"chk_local0123456789"}`)); err != nil {
		t.Fatal(err)
	}
	read := func() map[string]any {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		return m
	}
	if m := read(); m["type"] != "subscribed" {
		t.Fatalf("subscribe answered %v", m)
	}
	if err := svc.NotifyCheckout(ctx, "acme", inv, map[string]string{"status": "paid"}); err != nil {
		t.Fatal(err)
	}
	if m := read(); m["type"] != "checkout" || fmt.Sprint(m["checkout"]) != "map[status:paid]" {
		t.Fatalf("push %v", m)
	}
	resp, err := http.Post(portal+"/live/@connections/x", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusGone {
		t.Fatalf("the Management API answered %d through the portal", resp.StatusCode)
	}
}
