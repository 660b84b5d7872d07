package live

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
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

// ActionPing asks for a heartbeat.
const ActionPing = "ping"

// HeartbeatInterval is how often a client should ping (documented in the
// live status guide).
const HeartbeatInterval = 30 * time.Second

// replayPage bounds one read of the kept events, and replayRounds how many
// times a subscription tries to catch a stream that keeps moving.
const (
	replayPage   = 200
	replayRounds = 20
)

func (s *Service) heartbeat() Response {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return reply(200, map[string]string{"type": "heartbeat", "time": now().UTC().Format(time.RFC3339Nano)})
}

// parseEventID reads last_event_id: absent (-1: from now on), a whole
// number, or the same as a string.
func parseEventID(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return -1, true
	}
	v := strings.Trim(string(raw), `"`)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, false
	}
	return id, true
}

// subscribeResuming sends the events after `after` (none when after is
// negative: the client starts afresh) and makes the subscription live once
// nothing newer is left.
func (s *Service) subscribeResuming(ctx context.Context, tenant, wallet, conn string, after int64) (Response, error) {
	head, err := s.Events.LastEventID(ctx, tenant, wallet)
	if err != nil {
		return Response{}, err
	}
	if after < 0 || after > head {
		after = head // a new client, or an id this stream never gave: from now on
	}
	for range replayRounds {
		for after < head {
			evs, err := s.Events.EventsAfter(ctx, tenant, wallet, after, head, replayPage)
			if err != nil {
				return Response{}, err
			}
			for _, e := range evs {
				if err := s.Poster.Post(ctx, conn, withEventID(e)); err != nil {
					if errors.Is(err, ErrGone) {
						return Response{StatusCode: 200}, nil
					}
					return Response{}, err
				}
			}
			if len(evs) < replayPage {
				after = head // the rest expired, or was an id not used
			} else {
				after = evs[len(evs)-1].ID
			}
		}
		ok, err := s.Events.GoLive(ctx, tenant, wallet, conn, head)
		if err != nil {
			return Response{}, err
		}
		if ok {
			return reply(200, map[string]any{"type": "subscribed", "wallet_id": wallet, "last_event_id": head}), nil
		}
		if head, err = s.Events.LastEventID(ctx, tenant, wallet); err != nil {
			return Response{}, err
		}
	}
	return Response{}, sg.Unavailable("live.subscribe", errors.New("the stream moved on through every round of the replay"))
}

// withEventID is a kept event's message with its id set.
func withEventID(e sg.LiveEvent) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(e.Body, &m); err != nil {
		return e.Body
	}
	m["event_id"] = json.RawMessage(strconv.FormatInt(e.ID, 10))
	out, _ := json.Marshal(m)
	return out
}
