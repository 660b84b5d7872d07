package devstack

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
)

// servePortal serves a built portal (portal/public) on base+90, and passes
// /v1/ to the local API gateway, so the portal's console calls the API from
// its own origin; and /live to the local WebSocket API, so the hosted
// checkout page follows its invoice from its own origin too.
func (s *Stack) servePortal(ctx context.Context, dir string) error {
	api, err := url.Parse(s.APIURL)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", httputil.NewSingleHostReverseProxy(api))
	ws, err := url.Parse(s.Env["STABLEGATE_WS_URL"])
	if err != nil {
		return err
	}
	ws.Scheme = "http"
	mux.Handle("/live", &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(ws)
		r.Out.URL.Path, r.Out.URL.RawPath = "/", ""
		// The WebSocket server checks the page's Origin against Host.
		r.Out.Host = r.In.Host
	}})
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	u, err := Serve(ctx, fmt.Sprintf("127.0.0.1:%d", s.Opts.port(90)), mux)
	if err != nil {
		return fmt.Errorf("devstack: portal: %w", err)
	}
	s.Env["STABLEGATE_PORTAL_URL"] = u
	return nil
}
