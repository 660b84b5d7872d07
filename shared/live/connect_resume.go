package live

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Resume at $connect.
//
// A client that reconnects may name what it follows in the connection's
// URL instead of sending a subscribe message:
//
//	wss://.../live?token=...&wallet_id=wal_...&last_event_id=41
//	wss://.../live?token=...&channel=market&last_event_id=7
//
// (last_event_id may be left out: from now on). $connect checks the wallet
// is the tenant's and records the request on the connection. Nothing can
// be posted to a connection while its $connect runs, so the replay starts
// when the connection record reaches the table's stream consumer
// (live-notify), by then open: the client receives
// {"type":"resuming",...}, every kept event after last_event_id in order,
// then {"type":"subscribed",...,"last_event_id":N}, exactly as after a
// subscribe message. A bad parameter refuses the connection (400).

// ConnectResumes records a connection with the resume it asked for
// (dynamo.Live).
type ConnectResumes interface {
	PutConnectionResuming(ctx context.Context, id, tenant, stream string, after int64) error
}

// openWait bounds how long ResumeConnected waits for a connection to open
// (a post answered Gone while the connection record still exists).
var openWait = 5 * time.Second

// connectResume reads the resume asked for in $connect's query: ok is
// false when none was asked; bad is the refusal of a bad one.
func (s *Service) connectResume(ctx context.Context, tenant string, q map[string]string) (sg.ConnectResume, bool, *Response) {
	wallet, hasWallet := q["wallet_id"]
	channel, hasChannel := q["channel"]
	last, hasLast := q["last_event_id"]
	if !hasWallet && !hasChannel && !hasLast {
		return sg.ConnectResume{}, false, nil
	}
	fail := func(status int, code, param string) (sg.ConnectResume, bool, *Response) {
		r := reply(status, ErrorMessage{Type: "error", Code: code, Param: param})
		return sg.ConnectResume{}, false, &r
	}
	if s.Resumes == nil || s.Events == nil {
		return fail(400, "validation_failed", "last_event_id")
	}
	after := int64(-1)
	if hasLast {
		id, err := strconv.ParseInt(last, 10, 64)
		if err != nil || id < 0 {
			return fail(400, "validation_failed", "last_event_id")
		}
		after = id
	}
	switch {
	case hasWallet && hasChannel, !hasWallet && !hasChannel:
		return fail(400, "validation_failed", "wallet_id")
	case hasChannel:
		if channel != ChannelMarket {
			return fail(400, "validation_failed", "channel")
		}
		return sg.ConnectResume{Tenant: tenant, Stream: ChannelMarket, After: after}, true, nil
	}
	if !sg.ValidID("wal", wallet) {
		return fail(400, "validation_failed", "wallet_id")
	}
	if _, err := s.Store.Wallet(ctx, tenant, wallet); err != nil {
		return fail(404, "wallet_not_found", "wallet_id")
	}
	return sg.ConnectResume{Tenant: tenant, Stream: wallet, After: after}, true, nil
}

// ResumeConnected runs a resume asked for at $connect, once the
// connection is open: a first {"type":"resuming"} message (posted again
// while the connection is still opening), the replay, then the
// subscribed answer. A connection that left meanwhile is skipped.
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
		resp, err = s.subscribeMarket(ctx, r.Conn, ChannelMarket, raw)
	} else {
		resp, err = s.subscribeResuming(ctx, r.Tenant, r.Stream, r.Conn, r.After)
	}
	if err != nil || resp.Body == "" {
		return err
	}
	if err := s.Poster.Post(ctx, r.Conn, []byte(resp.Body)); err != nil && !errors.Is(err, ErrGone) {
		return err
	}
	return nil
}
