// Package pushtest is a test double of the connections' poster for the
// push's and the WebSocket routes' tests: it records what each connection
// was pushed. Only tests import it.
package pushtest

import (
	"context"
	"sync"
)

// Posts records what each connection was pushed (Got); a connection in
// Gone answers gone (push.ErrGone), as API Gateway answers for a closed
// one. Lock it to read or change Got and Gone while pushes run.
type Posts struct {
	sync.Mutex
	Got  map[string][]string
	Gone map[string]bool
	gone error
}

// NewPosts is a recorder with no connection pushed or gone; gone is the
// poster's error for a closed connection (push.ErrGone: the push package's
// own tests cannot import it from here).
func NewPosts(gone error) *Posts {
	return &Posts{Got: map[string][]string{}, Gone: map[string]bool{}, gone: gone}
}

// Post records data for conn, or answers the gone error.
func (p *Posts) Post(_ context.Context, conn string, data []byte) error {
	p.Lock()
	defer p.Unlock()
	if p.Gone[conn] {
		return p.gone
	}
	p.Got[conn] = append(p.Got[conn], string(data))
	return nil
}
