package devstack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/fn/livefn"

	"github.com/coder/websocket"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/live"
)

// The local gateway's JWT authorizer refuses a verified token whose claims
// have the wrong type ("tenant": null, 5, ["acme"]) or name no tenant,
// instead of passing them on as strings: null and "null" were one tenant.
func TestFinding10_GatewayRefusesClaimsOfTheWrongType(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	iss, err := LoadIssuer(srv.URL+"/dev-issuer", filepath.Join(t.TempDir(), "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	gw := NewGateway(&jwt.Verifier{Issuer: iss.URL, Audience: "aud"})
	gw.Extra["/dev-issuer"] = iss.Handler()
	var calls atomic.Int32
	var tenants []string
	gw.Handle(Route{Method: "POST", Path: "/v1/wallets", Scopes: []string{"wallets:write"}, Authorized: true},
		func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
			calls.Add(1)
			tenants = append(tenants, req.RequestContext.Authorizer.JWT.Claims["tenant"])
			return httpapi.Response{StatusCode: 201, Body: "{}"}, nil
		})
	mux.Handle("/", gw)

	call := func(t *testing.T, claims map[string]any) int {
		t.Helper()
		claims["iss"], claims["aud"], claims["exp"], claims["scope"] = iss.URL, "aud", time.Now().Add(time.Hour).Unix(), "wallets:write"
		tok, err := iss.Mint(claims)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", srv.URL+"/v1/wallets", strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for name, claims := range map[string]map[string]any{
		"tenant null":      {"tenant": nil, "sub": "u"},
		"tenant number":    {"tenant": 5, "sub": "u"},
		"tenant boolean":   {"tenant": true, "sub": "u"},
		"tenant array":     {"tenant": []string{"acme"}, "sub": "u"},
		"tenant with #":    {"tenant": "acme#x", "sub": "u"},
		"platform tenant":  {"tenant": "~platform", "sub": "u"},
		"no tenant":        {"sub": "u"},
		"subject null":     {"tenant": "acme", "sub": nil},
		"subject an array": {"tenant": "acme", "sub": []string{"alice"}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := call(t, claims); got != 401 {
				t.Fatalf("status %d; want 401", got)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("the function was called %d times, for tenants %q", n, tenants)
	}
	if got := call(t, map[string]any{"tenant": "null", "sub": "u"}); got != 201 || tenants[0] != "null" {
		t.Fatalf("the tenant named \"null\": %d %q", got, tenants)
	}
}

// A message whose action no route serves answers the documented error
// ({"type":"error","code":"unknown_action","param":"action"}), not API
// Gateway's {"message":"Forbidden"}; a message cannot reach $connect or
// $disconnect.
func TestFinding14_UnknownWSActionLocalGateway(t *testing.T) {
	var disconnects atomic.Int32
	ok := func(body string) livefn.WSHandler {
		return func(ctx context.Context, req live.Request) (live.Response, error) {
			return live.Response{StatusCode: 200, Body: body}, nil
		}
	}
	srv := &wsServer{conns: map[string]*websocket.Conn{}, logf: t.Logf, routes: map[string]livefn.WSHandler{
		"$connect": ok(""),
		"$disconnect": func(ctx context.Context, req live.Request) (live.Response, error) {
			disconnects.Add(1)
			return live.Response{StatusCode: 200}, nil
		},
		"subscribe": ok(`{"type":"subscribed"}`),
	}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.CloseNow() }()
	for _, msg := range []string{`{"action":"unsubscribe"}`, `{"wallet_id":"wal_x"}`, `hello`, `{"action":"$disconnect"}`, `{"action":"$connect"}`} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("message %s answered %s: %v", msg, data, err)
		}
		if m["type"] != "error" || m["code"] != "unknown_action" || m["param"] != "action" {
			t.Errorf("message %s answered %s; want the unknown_action error", msg, data)
		}
	}
	if n := disconnects.Load(); n != 0 {
		t.Fatalf("a message ran $disconnect %d times", n)
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"subscribe"}`)); err != nil {
		t.Fatal(err)
	}
	if _, data, _ := c.Read(ctx); string(data) != `{"type":"subscribed"}` {
		t.Fatalf("subscribe answered %s", data)
	}
}
