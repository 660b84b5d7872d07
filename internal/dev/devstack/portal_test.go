package devstack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The portal server answers a page it has, and for any other path the site's
// own 404 page with status 404 (not Go's plain text).
func TestPortalFilesServesThe404Page(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"index.html": "home", "404.html": "<h1>Page not found</h1>", "guides/quickstart/index.html": "qs", "style.css": "b{}"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(PortalFiles(dir))
	defer srv.Close()
	for path, want := range map[string]struct {
		status int
		body   string
	}{
		"/": {200, "home"}, "/guides/quickstart/": {200, "qs"}, "/style.css": {200, "b{}"},
		"/guides/nope/": {404, "Page not found"}, "/guides/": {404, "Page not found"}, "/../etc/passwd": {404, "Page not found"},
	} {
		r, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if r.StatusCode != want.status || !strings.Contains(string(b), want.body) {
			t.Errorf("GET %s: %d %q; want %d with %q", path, r.StatusCode, b, want.status, want.body)
		}
	}
}
