package tests

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// ---- plat: IP allow lists on every route ----

// fromAddr is an HTTP client whose connections leave from the loopback
// address ip (Linux routes all of 127.0.0.0/8 to lo): to the local gateway
// it is another machine, whose TCP peer address is ip.
func fromAddr(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// A token of a client limited to 127.0.0.1/32 works from 127.0.0.1 and is
// refused from 127.0.0.2 (a stolen token used elsewhere): 403
// ip_not_allowed on an HTTP route, and the WebSocket refuses to connect.
func TestIPAllowListHoldsOnEveryRoute(t *testing.T) {
	e := stack(t)
	ten := tenant()
	admin := e.token(t, ten, "clients:write", "wallets:read", "transfers:read")
	c := e.createClient(t, admin, map[string]any{"name": "pinned", "scopes": []string{"wallets:read", "transfers:read"}, "ip_allow": []string{"127.0.0.1/32"}})
	var tok tokenJSON
	r := e.tokenCall(t, c.ClientID, c.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
	r.json(t, &tok)
	if r.status != 200 {
		t.Fatalf("token from the allowed address: %d %s", r.status, r.body)
	}
	if _, cl := claimsOf(t, tok.AccessToken); cl["ip_allow"] != "127.0.0.1/32" {
		t.Fatalf("the token's ip_allow claim: %v", cl["ip_allow"])
	}
	if r := e.do(t, "GET", "/v1/wallets", tok.AccessToken, nil, nil); r.status != 200 {
		t.Fatalf("from the allowed address: %d %s", r.status, r.body)
	}

	elsewhere := *e
	elsewhere.client = fromAddr("127.0.0.2")
	r = elsewhere.do(t, "GET", "/v1/wallets", tok.AccessToken, nil, nil)
	if r.status != 403 || r.errCode() != "ip_not_allowed" {
		t.Fatalf("the same token from 127.0.0.2: %d %s; want 403 ip_not_allowed", r.status, r.body)
	}
	if r.header.Get("RateLimit") != "" {
		t.Fatalf("a refused foreign request was counted against the client's bucket: %s", r.header.Get("RateLimit"))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws := os.Getenv("STABLEGATE_WS_URL") + "/?token=" + tok.AccessToken
	if c, resp, err := websocket.Dial(ctx, ws, &websocket.DialOptions{HTTPClient: fromAddr("127.0.0.2")}); err == nil || resp == nil || resp.StatusCode != 403 {
		if c != nil {
			_ = c.CloseNow()
		}
		t.Fatalf("WebSocket from 127.0.0.2: %v %v; want 403", resp, err)
	}
	c2, _, err := websocket.Dial(ctx, ws, nil)
	if err != nil {
		t.Fatalf("WebSocket from the allowed address: %v", err)
	}
	_ = c2.CloseNow()
}
