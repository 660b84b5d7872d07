package stablegate

import (
	"context"
	"time"
)

// LiveEventWindow is how long a wallet stream's events are kept for a
// WebSocket client to resume from (items expire by TTL after it).
const LiveEventWindow = 24 * time.Hour

// LiveEvent is one event of a wallet's WebSocket stream: its id, increasing
// within the stream (not always by one: an id taken by a write that did not
// finish is skipped), and the message pushed.
type LiveEvent struct {
	ID   int64
	Body []byte
}

// LiveEvents keeps each wallet stream's recent events, so a client that
// reconnects gets what it missed, and makes a resumed subscription live
// only once it has caught up.
type LiveEvents interface {
	// AppendEvent gives body the stream's next id and keeps it for
	// LiveEventWindow, unless key (the change that produced it) already
	// has one: then it returns that id and fresh is false.
	AppendEvent(ctx context.Context, tenant, wallet, key string, body []byte) (id int64, fresh bool, err error)
	// LastEventID is the stream's newest id (0: none yet).
	LastEventID(ctx context.Context, tenant, wallet string) (int64, error)
	// EventsAfter lists the stream's kept events with ids in (after, upTo],
	// oldest first, at most limit.
	EventsAfter(ctx context.Context, tenant, wallet string, after, upTo int64, limit int) ([]LiveEvent, error)
	// GoLive adds conn to the wallet's subscribers if the stream's newest
	// id is still head; false: newer events came (send them, try again).
	GoLive(ctx context.Context, tenant, wallet, conn string, head int64) (bool, error)
}

// ---- plat: resume at $connect ----

// ConnectResume is a subscription asked for when a WebSocket connects
// (?wallet_id=...&last_event_id=N, or ?channel=market): the connection
// record carries it, and the stream consumer replays and subscribes once
// the connection is open (nothing can be posted to a connection during
// its $connect).
type ConnectResume struct {
	Conn   string
	Tenant string
	Stream string // a wallet id, or "market"
	After  int64  // the last event the client has; -1: from now on
}
