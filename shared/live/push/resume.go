package push

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Resume: every update pushed to a wallet's subscribers carries an
// event_id that increases within the wallet's stream; the stream's events
// are kept for sg.LiveEventWindow. A client that subscribes again with the
// last id it processed receives every kept event after it, in order,
// before any live one: the subscription becomes live only once the replay
// has reached the stream's head (sg.LiveEvents.GoLive), so an event is
// neither missed nor sent twice (package live's resume.go has the
// protocol).

// replayPage bounds one read of the kept events, and replayRounds how many
// times a subscription tries to catch a stream that keeps moving.
const (
	replayPage   = 200
	replayRounds = 20
)

// ParseEventID reads last_event_id: absent (-1: from now on), a whole
// number, or the same as a string.
func ParseEventID(raw json.RawMessage) (int64, bool) {
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

// SubscribeResuming sends the events after `after` (none when after is
// negative: the client starts afresh) and makes the subscription live once
// nothing newer is left.
func (s *Service) SubscribeResuming(ctx context.Context, tenant, wallet, conn string, after int64) (Response, error) {
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
			return Reply(200, map[string]any{"type": "subscribed", "wallet_id": wallet, "last_event_id": head}), nil
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

// openWait bounds how long ResumeConnected waits for a connection to open
// (a post answered Gone while the connection record still exists).
var openWait = 5 * time.Second

// ResumeConnected runs a resume asked for at $connect (package live's
// connect_resume.go), once the connection is open: a first
// {"type":"resuming"} message (posted again while the connection is still
// opening), the replay, then the subscribed answer. A connection that
// left meanwhile is skipped.
func (s *Service) ResumeConnected(ctx context.Context, r sg.ConnectResume) error {
	stream := map[string]any{"wallet_id": r.Stream}
	if r.Stream == ChannelMarket {
		stream = map[string]any{"channel": ChannelMarket}
	}
	hello := map[string]any{"type": "resuming"}
	for k, v := range stream {
		hello[k] = v
	}
	if r.After >= 0 {
		hello["last_event_id"] = r.After
	}
	first, _ := json.Marshal(hello)
	deadline := time.Now().Add(openWait)
	for {
		err := s.Poster.Post(ctx, r.Conn, first)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrGone) {
			return err
		}
		if _, terr := s.Store.ConnectionTenant(ctx, r.Conn); terr != nil || time.Now().After(deadline) {
			return nil // it left (or never opened): nothing to resume
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	var resp Response
	var err error
	if r.Stream == ChannelMarket {
		var raw json.RawMessage
		if r.After >= 0 {
			raw = json.RawMessage(strconv.FormatInt(r.After, 10))
		}
		resp, err = s.SubscribeMarket(ctx, r.Conn, ChannelMarket, raw)
	} else {
		resp, err = s.SubscribeResuming(ctx, r.Tenant, r.Stream, r.Conn, r.After)
	}
	if err != nil || resp.Body == "" {
		return err
	}
	if err := s.Poster.Post(ctx, r.Conn, []byte(resp.Body)); err != nil && !errors.Is(err, ErrGone) {
		return err
	}
	return nil
}
