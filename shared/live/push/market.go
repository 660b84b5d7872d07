package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The market channel: {"action":"subscribe","channel":"market"} follows
// USDT's price against the major fiat currencies and each chain's network
// fee level. A scheduled publisher (PublishMarket) reads the configured
// source and pushes {"type":"market.updated","event_id":N,"market":{...}}
// only when the snapshot differs from the last one pushed. The channel is
// one stream of its own (not a tenant's), kept and resumed like a wallet's:
// a new subscriber first receives the last snapshot pushed, a resuming one
// (with last_event_id) every snapshot after its id.

// ChannelMarket names the market channel.
const ChannelMarket = "market"

// The market stream's key in the event log and the subscriptions: a
// tenant name no tenant can have ("~" is refused by the claim checks).
const (
	marketTenant = "~market"
	marketStream = "market"
)

// The market's records and its source are the domain's (sg.MarketSnapshot,
// sg.MarketSource).
type (
	MarketSnapshot = sg.MarketSnapshot
	FeeLevel       = sg.FeeLevel
	MarketSource   = sg.MarketSource
)

// MarketUpdate is the message pushed.
type MarketUpdate struct {
	Type    string         `json:"type"` // "market.updated"
	EventID int64          `json:"event_id,omitempty"`
	Market  MarketSnapshot `json:"market"`
	AsOf    string         `json:"as_of"`
}

// SubscribeMarket subscribes conn to the market channel after the event
// raw names (last_event_id: absent for the last snapshot first), and
// answers as the subscribe route does.
func (s *Service) SubscribeMarket(ctx context.Context, conn, channel string, raw json.RawMessage) (Response, error) {
	if channel != ChannelMarket || s.Events == nil {
		return Reply(400, map[string]string{"type": "error", "code": "validation_failed", "param": "channel"}), nil
	}
	after, ok := ParseEventID(raw)
	if !ok {
		return Reply(400, map[string]string{"type": "error", "code": "validation_failed", "param": "last_event_id"}), nil
	}
	if after < 0 {
		head, err := s.Events.LastEventID(ctx, marketTenant, marketStream)
		if err != nil {
			return Response{}, err
		}
		after = max(head-1, 0) // the last snapshot first
	}
	resp, err := s.SubscribeResuming(ctx, marketTenant, marketStream, conn, after)
	if err != nil || resp.StatusCode != 200 || resp.Body == "" {
		return resp, err
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &m)
	delete(m, "wallet_id")
	m["channel"] = ChannelMarket
	return Reply(200, m), nil
}

// PublishMarket reads the market and pushes it to the channel's
// subscribers if it differs from the last snapshot pushed. It reports
// whether it pushed.
func (s *Service) PublishMarket(ctx context.Context) (bool, error) {
	if s.Market == nil || s.Events == nil {
		return false, errors.New("live: no market source")
	}
	snap, err := s.Market.Market(ctx)
	if err != nil {
		return false, err
	}
	data, _ := json.Marshal(snap) // maps marshal in key order: equal snapshots, equal bytes
	head, err := s.Events.LastEventID(ctx, marketTenant, marketStream)
	if err != nil {
		return false, err
	}
	if head > 0 {
		last, err := s.Events.EventsAfter(ctx, marketTenant, marketStream, head-1, head, 1)
		if err != nil {
			return false, err
		}
		if len(last) == 1 {
			var prev MarketUpdate
			if json.Unmarshal(last[0].Body, &prev) == nil {
				if old, _ := json.Marshal(prev.Market); bytes.Equal(old, data) {
					return false, nil
				}
			}
		}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	u := MarketUpdate{Type: "market.updated", Market: snap, AsOf: now().UTC().Format(time.RFC3339)}
	body, _ := json.Marshal(u)
	// The key is the head it follows: a publisher run again over the same
	// head (a retried invocation) appends nothing new.
	id, _, err := s.Events.AppendEvent(ctx, marketTenant, marketStream, "after-"+strconv.FormatInt(head, 10), body)
	if err != nil {
		return false, err
	}
	u.EventID = id
	msg, _ := json.Marshal(u)
	conns, err := s.Store.Subscribers(ctx, marketTenant, marketStream)
	if err != nil {
		return false, err
	}
	for _, c := range conns {
		err := s.Poster.Post(ctx, c, msg)
		if errors.Is(err, ErrGone) {
			_ = s.Store.Unsubscribe(ctx, marketTenant, marketStream, c) // it also expires (TTL)
			continue
		}
		if err != nil {
			return true, err
		}
	}
	return true, nil
}
