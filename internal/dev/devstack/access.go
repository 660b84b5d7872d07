package devstack

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// accessLog writes one line per request the gateway serves to w:
// time, method, path (no query: it may carry a token), status and
// duration, e.g. "14:02:03  POST /v1/withdrawals  201  12ms". It is what
// `make dev` shows in the terminal; the functions' own JSON logs go to a
// file.
func accessLog(w io.Writer, h http.Handler) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, DevFxPath+"/") {
			h.ServeHTTP(rw, r) // the stack's own feed, read every second: not a request of yours
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: rw}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		ms := time.Since(start).Milliseconds()
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s  %-6s %s  %d  %dms\n", start.Format("15:04:05"), r.Method, r.URL.Path, sw.status, ms)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush passes flushing through (streamed answers).
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
