package live

import (
	"time"
)

// Resume and heartbeats.
//
// Every update pushed to a wallet's subscribers carries an event_id that
// increases within the wallet's stream; the stream's events are kept for
// sg.LiveEventWindow. A client that reconnects subscribes again with the
// last id it processed:
//
//	{"action":"subscribe","wallet_id":"wal_...","last_event_id":41}
//
// and receives every kept event after it, in order, before any live one:
// the subscription becomes live only once the replay has reached the
// stream's head (sg.LiveEvents.GoLive), so an event is neither missed nor
// sent twice. The answer {"type":"subscribed",...,"last_event_id":N} comes
// after the replay and names the newest id at that moment.
//
// Heartbeats: a client sends {"action":"ping"} (every 30 s is enough; API
// Gateway closes a connection idle for 10 minutes) and is answered
// {"type":"heartbeat","time":"..."}; no answer within a few seconds means
// the connection is dead: reconnect and resume.
//
// The replay itself is package push's (push.Service.SubscribeResuming).

// ActionPing asks for a heartbeat.
const ActionPing = "ping"

// HeartbeatInterval is how often a client should ping (documented in the
// live status guide).
const HeartbeatInterval = 30 * time.Second

func (s *Service) heartbeat() Response {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return reply(200, map[string]string{"type": "heartbeat", "time": now().UTC().Format(time.RFC3339Nano)})
}
