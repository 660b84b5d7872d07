// Package push is the side of the live service that answers no request:
// the table's stream consumer (live-notify), which pushes transfer changes
// to the subscribers of their wallets and invoice changes to their
// checkout pages, and replays a stream's kept events, and the market
// publisher (market-publish). It links no request handling and no token
// verification (issue 18: what a cold start links); package live serves
// the WebSocket routes on top of it.
package push

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/api/transferview"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/streamimage"
)

// Store is what pushing reads and prunes of the connections and
// subscriptions (live.Store is all of it).
type Store interface {
	ConnectionTenant(ctx context.Context, id string) (string, error)
	Subscribers(ctx context.Context, tenant, wallet string) ([]string, error)
	Unsubscribe(ctx context.Context, tenant, wallet, conn string) error
}

// ErrGone: the connection is closed.
var ErrGone = errors.New("live: connection gone")

// Poster sends data to one connection (the API Gateway Management API).
type Poster interface {
	Post(ctx context.Context, conn string, data []byte) error
}

// Service pushes changes.
type Service struct {
	Store  Store
	Poster Poster
	// Decode reads a transfer record from a stream image; ok is false for
	// items that are not transfer records (the table's adapter knows its
	// layout: the wiring passes dynamo.TransferFromImage).
	Decode func(img map[string]types.AttributeValue) (t sg.Transfer, ok bool)
	// CheckoutChange reads the invoice a stream record belongs to (the
	// invoice or one of its payments) and renders its checkout view; ok is
	// false for other records. Nil: no checkout is pushed from the stream.
	CheckoutChange func(ctx context.Context, img map[string]types.AttributeValue) (tenant, invoiceID string, view any, ok bool, err error)
	// Events keeps each wallet stream's recent events (resume.go): every
	// pushed update carries an event_id, and a client that subscribes with
	// last_event_id gets what it missed first. Nil: no ids, no resume.
	Events sg.LiveEvents
	// Now is the clock (market snapshots carry the time).
	Now func() time.Time
	// Market serves the market channel (market.go); nil: not offered.
	Market MarketSource
	// DecodeResume reads back from the table's stream the record of a
	// connection that asked at $connect to resume a stream
	// (dynamo.ConnectResumeFromImage). Nil: none is resumed.
	DecodeResume func(img map[string]types.AttributeValue) (sg.ConnectResume, bool)
}

// Response is the answer the WebSocket routes give, which a subscription's
// replay makes (a resume at $connect posts its body).
type Response = events.APIGatewayProxyResponse

// Reply is a Response with v as its JSON body.
func Reply(status int, v any) Response {
	b, _ := json.Marshal(v)
	return Response{StatusCode: status, Body: string(b)}
}

// Update is what a subscriber receives.
type Update struct {
	Type string `json:"type"`
	// EventID orders the wallet's stream (resume.go); absent without one.
	EventID  int64                     `json:"event_id,omitempty"`
	WalletID string                    `json:"wallet_id"`
	Transfer transferview.TransferView `json:"transfer"`
}

// Notify consumes the table's stream: every new or changed transfer record
// is pushed to the subscribers of the wallets it touches. A failed push
// (other than to a gone connection) fails the record, and the stream
// delivers it again from there, so order is kept.
func (s *Service) Notify(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, r := range ev.Records {
		if r.EventName != "INSERT" && r.EventName != "MODIFY" {
			continue
		}
		if err := s.pushRecord(ctx, r.Change.SequenceNumber, streamimage.Item(r.Change.NewImage)); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			return resp, nil
		}
	}
	return resp, nil
}

// PushTransfer sends a transfer's change to its wallets' subscribers; key
// names the change (the stream record), so a redelivered one keeps its
// event id.
func (s *Service) PushTransfer(ctx context.Context, key string, t sg.Transfer) error {
	for _, w := range []string{t.FromWallet, t.ToWallet} {
		if w == "" {
			continue
		}
		u := Update{Type: "transfer.updated", WalletID: w, Transfer: transferview.Of(t)}
		if s.Events != nil {
			body, _ := json.Marshal(u)
			id, _, err := s.Events.AppendEvent(ctx, t.TenantID, w, key, body)
			if err != nil {
				return err
			}
			u.EventID = id
		}
		conns, err := s.Store.Subscribers(ctx, t.TenantID, w)
		if err != nil {
			return err
		}
		msg, _ := json.Marshal(u)
		for _, c := range conns {
			err := s.Poster.Post(ctx, c, msg)
			if errors.Is(err, ErrGone) {
				// A gone connection's subscription also expires (TTL): a
				// failed removal only costs one more post to it.
				_ = s.Store.Unsubscribe(ctx, t.TenantID, w, c)
				continue
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckoutUpdate is what a checkout subscriber receives: the checkout view,
// in the shape of GET /v1/checkout/{token}.
type CheckoutUpdate struct {
	Type     string `json:"type"` // "checkout"
	Checkout any    `json:"checkout"`
}

// NotifyCheckout pushes an invoice's checkout view to the connections
// following it. The wiring calls it for every change of an invoice (or of
// a payment to it), with the view the checkout GET route answers. A gone
// connection's subscription is dropped; another failed push is returned,
// so the stream delivers the change again.
func (s *Service) NotifyCheckout(ctx context.Context, tenant, invoiceID string, view any) error {
	if !sg.ValidID("inv", invoiceID) {
		return errors.New("live.NotifyCheckout: not an invoice id")
	}
	conns, err := s.Store.Subscribers(ctx, tenant, invoiceID)
	if err != nil || len(conns) == 0 {
		return err
	}
	msg, err := json.Marshal(CheckoutUpdate{Type: "checkout", Checkout: view})
	if err != nil {
		return err
	}
	for _, c := range conns {
		err := s.Poster.Post(ctx, c, msg)
		if errors.Is(err, ErrGone) {
			_ = s.Store.Unsubscribe(ctx, tenant, invoiceID, c)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pushRecord pushes one stream record: a resume asked for at $connect, a
// transfer to its wallets' subscribers, an invoice's change to its
// checkout's.
func (s *Service) pushRecord(ctx context.Context, key string, img map[string]types.AttributeValue) error {
	if s.DecodeResume != nil {
		if r, ok := s.DecodeResume(img); ok {
			return s.ResumeConnected(ctx, r)
		}
	}
	if s.Decode != nil {
		if t, ok := s.Decode(img); ok {
			return s.PushTransfer(ctx, key, t)
		}
	}
	if s.CheckoutChange == nil {
		return nil
	}
	tenant, inv, view, ok, err := s.CheckoutChange(ctx, img)
	if err != nil || !ok {
		return err
	}
	return s.NotifyCheckout(ctx, tenant, inv, view)
}
