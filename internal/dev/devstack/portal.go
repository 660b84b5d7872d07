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
// its own origin.
func (s *Stack) servePortal(ctx context.Context, dir string) error {
	api, err := url.Parse(s.APIURL)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", httputil.NewSingleHostReverseProxy(api))
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	u, err := Serve(ctx, fmt.Sprintf("127.0.0.1:%d", s.Opts.port(90)), mux)
	if err != nil {
		return fmt.Errorf("devstack: portal: %w", err)
	}
	s.Env["STABLEGATE_PORTAL_URL"] = u
	return nil
}
