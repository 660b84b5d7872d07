package devstack

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"strings"
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
	mux.Handle("/", PortalFiles(dir))
	u, err := Serve(ctx, fmt.Sprintf("127.0.0.1:%d", s.Opts.port(90)), mux)
	if err != nil {
		return fmt.Errorf("devstack: portal: %w", err)
	}
	s.Env["STABLEGATE_PORTAL_URL"] = u
	return nil
}

// PortalFiles serves a built portal's files, and for a path it has no page
// for, its 404 page (404.html) with status 404, as a static host configured
// with the site's error document does.
func PortalFiles(dir string) http.Handler {
	site := os.DirFS(dir)
	files := http.FileServer(http.FS(site))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if p == "" {
			p = "."
		}
		st, err := fs.Stat(site, p)
		if err == nil && st.IsDir() {
			_, err = fs.Stat(site, path.Join(p, "index.html"))
		}
		if err == nil {
			files.ServeHTTP(w, r)
			return
		}
		if !errors.Is(err, fs.ErrNotExist) {
			http.Error(w, "portal: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body, err := fs.ReadFile(site, "404.html")
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
	})
}
