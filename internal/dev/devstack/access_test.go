package devstack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// make dev's terminal: one line per request with method, path, status and
// duration; never the query (a WebSocket or checkout token may ride in
// it); the stack's own rate feed is not listed.
func TestAccessLogOneLinePerRequest(t *testing.T) {
	var out bytes.Buffer
	h := accessLog(&out, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/missing" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	for _, target := range []string{"/v1/wallets?token=secret-value", "/v1/missing", DevFxPath + "/rates"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, target, nil))
	}
	lines := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  POST   (\S+)  (\d+)  \d+ms$`).FindAllStringSubmatch(out.String(), -1)
	if len(lines) != 2 || lines[0][1] != "/v1/wallets" || lines[0][2] != "201" || lines[1][1] != "/v1/missing" || lines[1][2] != "404" {
		t.Fatalf("access log:\n%s", out.String())
	}
	if bytes.Contains(out.Bytes(), []byte("secret-value")) {
		t.Fatal("the query reached the terminal")
	}
}
