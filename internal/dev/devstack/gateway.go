package devstack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/stablegate"
)

// MaxPayload is API Gateway HTTP API's request payload limit.
const MaxPayload = 10 << 20

// Gateway is the local API Gateway (HTTP API, payload v2). It answers as
// API Gateway does when a request never reaches a function: 404
// {"message":"Not Found"}, 401 {"message":"Unauthorized"}, 403
// {"message":"Forbidden"}, 413 and 500 {"message":"Internal Server Error"}.
type Gateway struct {
	routes   []boundRoute
	verifier *jwt.Verifier
	// Extra serves paths that are not API routes (the dev issuer).
	Extra map[string]http.Handler
	Log   func(format string, args ...any)
}

type boundRoute struct {
	Route
	segs    []string
	handler httpapi.Handler
}

// NewGateway binds routes to handlers.
func NewGateway(v *jwt.Verifier) *Gateway {
	return &Gateway{verifier: v, Extra: map[string]http.Handler{}}
}

// Handle binds a route to a handler.
func (g *Gateway) Handle(r Route, h httpapi.Handler) {
	g.routes = append(g.routes, boundRoute{Route: r, segs: strings.Split(strings.Trim(r.Path, "/"), "/"), handler: h})
	// Literal segments win over parameters, as in API Gateway.
	sort.SliceStable(g.routes, func(i, j int) bool { return params(g.routes[i].segs) < params(g.routes[j].segs) })
}

func params(segs []string) int {
	n := 0
	for _, s := range segs {
		if strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

func (g *Gateway) match(method, path string) (*boundRoute, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range g.routes {
		r := &g.routes[i]
		if r.Method != method && r.Method != "ANY" {
			continue
		}
		if vals, ok := matchSegs(r.segs, segs); ok {
			return r, vals
		}
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	vals := map[string]string{}
	for i, p := range pattern {
		if strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			vals[strings.Trim(p, "{}+")] = strings.Join(segs[i:], "/")
			return vals, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			vals[strings.Trim(p, "{}")] = v
		} else if p != segs[i] {
			return nil, false
		}
	}
	return vals, len(pattern) == len(segs)
}

func gwError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("content-type", "application/json")
	if status == http.StatusUnauthorized {
		w.Header().Set("www-authenticate", "Bearer")
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, msg)
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for prefix, h := range g.Extra {
		if strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.StripPrefix(prefix, h).ServeHTTP(w, r)
			return
		}
	}
	reqID := stablegate.NewID("req", time.Now())[4:]
	w.Header().Set("apigw-requestid", reqID)
	route, pathParams := g.match(r.Method, r.URL.Path)
	if route == nil {
		gwError(w, http.StatusNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxPayload+1))
	if err != nil {
		gwError(w, http.StatusBadRequest, "Bad Request")
		return
	}
	if len(body) > MaxPayload {
		gwError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	var jwt *events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription
	if route.Authorized {
		var status int
		if jwt, status = g.authorize(r, route.Scopes); status != 0 {
			if status == http.StatusForbidden {
				gwError(w, status, "Forbidden")
			} else {
				gwError(w, status, "Unauthorized")
			}
			return
		}
	}
	ev := g.event(r, route, pathParams, body, reqID)
	if jwt != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: jwt}
	}
	resp, err := route.handler(r.Context(), ev)
	if err != nil {
		g.logf("handler %s returned error: %v", route.Key(), err)
		gwError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	writeResponse(w, resp)
}

func (g *Gateway) logf(format string, args ...any) {
	if g.Log != nil {
		g.Log(format, args...)
	}
}

// authorize returns the claims for the event, or a status to answer with.
func (g *Gateway) authorize(r *http.Request, scopes []string) (*events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription, int) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		tok = auth // API Gateway accepts a bare token too
	}
	if tok == "" || g.verifier == nil {
		return nil, http.StatusUnauthorized
	}
	claims, err := g.verifier.Verify(strings.TrimSpace(tok))
	if err != nil {
		return nil, http.StatusUnauthorized
	}
	// Claims of the wrong type would be passed on as strings ("tenant":
	// null as "null"); the local gateway refuses them, as the functions do.
	if httpapi.CheckClaims(claims) != nil {
		return nil, http.StatusUnauthorized
	}
	granted := jwt.Scopes(claims)
	if len(scopes) > 0 && !anyIn(scopes, granted) {
		return nil, http.StatusForbidden
	}
	out := &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{}, Scopes: granted}
	for k, v := range claims {
		out.Claims[k] = claimString(v)
	}
	return out, 0
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}

// claimString renders a claim the way API Gateway passes claims to a
// function: strings as they are, numbers in JSON, arrays as "[a b]".
func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = claimString(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (g *Gateway) event(r *http.Request, route *boundRoute, pathParams map[string]string, body []byte, reqID string) httpapi.Request {
	now := time.Now()
	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					cookies = append(cookies, strings.TrimSpace(c))
				}
			}
			continue
		}
		headers[lk] = strings.Join(vs, ",")
	}
	headers["host"] = r.Host
	var qs map[string]string
	if q := r.URL.Query(); len(q) > 0 {
		qs = map[string]string{}
		for k, vs := range q {
			qs[k] = strings.Join(vs, ",")
		}
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	ev := httpapi.Request{
		Version: "2.0", RouteKey: route.Key(), RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
		Cookies: cookies, Headers: headers, QueryStringParameters: qs, PathParameters: pathParams,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route.Key(), AccountID: "111122223333", Stage: "$default", RequestID: reqID, APIID: "local",
			DomainName: r.Host, DomainPrefix: strings.Split(r.Host, ".")[0], Time: now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: ip, UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	if len(pathParams) == 0 {
		ev.PathParameters = nil
	}
	return ev
}

func writeResponse(w http.ResponseWriter, resp httpapi.Response) {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("set-cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	if w.Header().Get("content-type") == "" && len(body) > 0 {
		w.Header().Set("content-type", "application/json")
	}
	status := resp.StatusCode
	if status == 0 {
		status = 200
	}
	w.WriteHeader(status)
	w.Write(body)
}

// Serve listens on addr (which must be a loopback address) until ctx ends.
func Serve(ctx context.Context, addr string, h http.Handler) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("devstack: refusing to listen on %s: loopback only", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // http.ErrServerClosed once shut down
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // the stack is going down; a slow client is cut off
	}()
	return "http://" + ln.Addr().String(), nil
}
