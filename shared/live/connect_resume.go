package live

import (
	"context"
	"strconv"

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

// ResumeConnected runs a resume asked for at $connect once the connection
// is open (push.Service.ResumeConnected).
func (s *Service) ResumeConnected(ctx context.Context, r sg.ConnectResume) error {
	return s.pusher().ResumeConnected(ctx, r)
}
