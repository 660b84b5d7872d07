package devstack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/stablegate/stablegate/shared/fn/livefn"

	"github.com/aws/aws-lambda-go/events"
	"github.com/coder/websocket"
	"gopkg.in/yaml.v3"

	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/live"
)

// WSRoute is a WebSocket API route and the function behind it.
type WSRoute struct {
	RouteKey string
	Function string // folder name under functions/
}

var arnOfFunction = regexp.MustCompile(`\$\{(\w+)\.Arn\}`)

// WebSocketRoutes lists the template's AWS::ApiGatewayV2::Route resources
// with the function each integration invokes.
func (t *Template) WebSocketRoutes() []WSRoute {
	var out []WSRoute
	for _, id := range t.OfType("AWS::ApiGatewayV2::Route") {
		p := t.Resources[id].Properties
		target := fnArg(get(p, "Target")).Value
		m := regexp.MustCompile(`\$\{(\w+)\}`).FindStringSubmatch(target)
		if m == nil {
			continue
		}
		uri := get(t.Resources[m[1]].Properties, "IntegrationUri")
		if uri == nil {
			continue
		}
		var text string
		if a := fnArg(uri); a.Kind == yaml.ScalarNode {
			text = a.Value
		}
		if fm := arnOfFunction.FindStringSubmatch(text); fm != nil {
			out = append(out, WSRoute{RouteKey: scalar(get(p, "RouteKey")), Function: FunctionName(fm[1])})
		}
	}
	return out
}

// wsServer is the local WebSocket API: it runs $connect before completing
// the handshake (a refusal there refuses the connection), routes messages
// by their "action" field, runs $disconnect when a client goes, and serves
// the Management API (POST/DELETE /@connections/{id}) that functions push
// through.
type wsServer struct {
	routes map[string]livefn.WSHandler
	mu     sync.Mutex
	conns  map[string]*websocket.Conn
	logf   func(string, ...any)
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *wsServer) event(route, eventType, conn string, r *http.Request, body string) events.APIGatewayWebsocketProxyRequest {
	ev := events.APIGatewayWebsocketProxyRequest{Body: body, RequestContext: events.APIGatewayWebsocketProxyRequestContext{
		RouteKey: route, EventType: eventType, ConnectionID: conn, RequestID: newID(), Stage: "live", APIID: "local",
		RequestTimeEpoch: time.Now().UnixMilli(), DomainName: "127.0.0.1",
	}}
	if r != nil {
		// The TCP peer, as API Gateway gives it (identity.sourceIp).
		ev.RequestContext.Identity.SourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
		ev.Headers = map[string]string{}
		for k, v := range r.Header {
			ev.Headers[k] = strings.Join(v, ",")
		}
		ev.QueryStringParameters = map[string]string{}
		for k, v := range r.URL.Query() {
			ev.QueryStringParameters[k] = strings.Join(v, ",")
		}
	}
	return ev
}

func (s *wsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if id, ok := strings.CutPrefix(r.URL.Path, "/@connections/"); ok {
		s.manage(w, r, id)
		return
	}
	conn := newID()
	if h := s.routes["$connect"]; h != nil {
		resp, err := h(r.Context(), s.event("$connect", "CONNECT", conn, r, ""))
		if err != nil || resp.StatusCode/100 != 2 {
			status := resp.StatusCode
			if err != nil || status == 0 {
				status = 500
			}
			http.Error(w, resp.Body, status)
			return
		}
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.conns[conn] = c
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		if h := s.routes["$disconnect"]; h != nil {
			if _, err := h(context.Background(), s.event("$disconnect", "DISCONNECT", conn, nil, "")); err != nil {
				s.logf("websocket route $disconnect: %v", err)
			}
		}
	}()
	for {
		_, data, err := c.Read(context.Background())
		if err != nil {
			return
		}
		var m struct {
			Action string `json:"action"`
		}
		// A message that is not JSON, or names no action, goes to $default.
		_ = json.Unmarshal(data, &m)
		// $connect and $disconnect are never a message's route.
		route := m.Action
		h := s.routes[route]
		if h == nil || strings.HasPrefix(route, "$") {
			route, h = "$default", s.routes["$default"]
		}
		if h == nil {
			// API Gateway answers {"message":"Forbidden"} itself when no
			// route matches and there is no $default route; the template's
			// $default route answers the documented error, and so does the
			// local gateway without one.
			if err := c.Write(context.Background(), websocket.MessageText, []byte(live.UnknownAction().Body)); err != nil {
				return // the client is gone
			}
			continue
		}
		resp, err := h(context.Background(), s.event(route, "MESSAGE", conn, nil, string(data)))
		if err != nil {
			s.logf("websocket route %s: %v", route, err)
			if err := c.Write(context.Background(), websocket.MessageText, []byte(`{"message": "Internal server error"}`)); err != nil {
				return
			}
			continue
		}
		if resp.Body != "" {
			if err := c.Write(context.Background(), websocket.MessageText, []byte(resp.Body)); err != nil {
				return
			}
		}
	}
}

func (s *wsServer) manage(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	c := s.conns[id]
	s.mu.Unlock()
	if c == nil {
		w.Header().Set("x-amzn-errortype", "GoneException")
		w.Header().Set("content-type", "application/json")
		w.WriteHeader(http.StatusGone)
		_, _ = io.WriteString(w, `{"message":null}`)
		return
	}
	switch r.Method {
	case http.MethodPost:
		data, _ := io.ReadAll(io.LimitReader(r.Body, 128<<10))
		if err := c.Write(r.Context(), websocket.MessageText, data); err != nil {
			w.Header().Set("x-amzn-errortype", "GoneException")
			w.WriteHeader(http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodDelete:
		_ = c.Close(websocket.StatusNormalClosure, "closed by the API") // a client already gone is closed too
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("content-type", "application/json")
		fmt.Fprintf(w, `{"connectedAt":%q}`, time.Now().UTC().Format(time.RFC3339))
	}
}

// startWebSocket serves the template's WebSocket API on addr.
func (s *Stack) startWebSocket(ctx context.Context, env func(Function) fn.Env, addr string) (string, error) {
	srv := &wsServer{routes: map[string]livefn.WSHandler{}, conns: map[string]*websocket.Conn{},
		logf: func(f string, a ...any) { fmt.Fprintf(s.Opts.Out, "websocket: "+f+"\n", a...) }}
	byName := map[string]Function{}
	for _, f := range s.Template.Functions() {
		byName[f.Name] = f
	}
	for _, r := range s.Template.WebSocketRoutes() {
		b, ok := WebSocketFunctions[r.Function]
		if !ok {
			return "", fmt.Errorf("devstack: no WebSocket builder for functions/%s in devstack.WebSocketFunctions", r.Function)
		}
		h, err := b(ctx, env(byName[r.Function]))
		if err != nil {
			return "", fmt.Errorf("devstack: %s: %w", r.Function, err)
		}
		srv.routes[r.RouteKey] = h
	}
	u, err := Serve(ctx, addr, srv)
	if err != nil {
		return "", err
	}
	return "ws" + strings.TrimPrefix(u, "http"), nil
}
