// Package live pushes transfer state changes to WebSocket clients (API
// Gateway WebSocket API semantics): a client connects with the same JWT as
// the HTTP API, subscribes to wallets, and receives every change of every
// transfer touching them, in order, as DynamoDB Streams delivers the
// transfer records' changes. A hosted checkout page connects with its
// invoice's checkout token instead, and follows that one invoice only
// (checkout.go).
//
// The pushing itself (the stream consumer, the replay of a stream's kept
// events, the market publisher) is package push, which links no request
// handling nor token verification: live-notify and market-publish use it
// alone, the WebSocket routes through this package.
package live

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/live/push"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store keeps connections and subscriptions.
type Store interface {
	PutConnection(ctx context.Context, id, tenant string) error
	ConnectionTenant(ctx context.Context, id string) (string, error)
	DeleteConnection(ctx context.Context, id string) error
	Subscribe(ctx context.Context, tenant, wallet, conn string) error
	Subscribers(ctx context.Context, tenant, wallet string) ([]string, error)
	Unsubscribe(ctx context.Context, tenant, wallet, conn string) error
	Wallet(ctx context.Context, tenantID, walletID string) (sg.Wallet, error)
}

var _ push.Store = Store(nil) // the routes' store serves the pushing too

// ErrGone: the connection is closed.
var ErrGone = push.ErrGone

// Poster sends data to one connection (the API Gateway Management API).
type Poster = push.Poster

// Service serves the WebSocket routes and pushes changes (the pushing is
// package push's: its fields are push.Service's, with the routes' own).
type Service struct {
	Store    Store
	Verifier *jwt.Verifier
	Poster   Poster
	// Decode reads a transfer record from a stream image; ok is false for
	// items that are not transfer records (the table's adapter knows its
	// layout: the wiring passes dynamo.TransferFromImage).
	Decode func(img map[string]types.AttributeValue) (t sg.Transfer, ok bool)
	// Checkouts admits connections that carry a checkout token instead of
	// a JWT (see checkout.go); without it they are refused.
	Checkouts sg.CheckoutLookup
	// CheckoutChange reads the invoice a stream record belongs to (the
	// invoice or one of its payments) and renders its checkout view; ok is
	// false for other records. Nil: no checkout is pushed from the stream.
	CheckoutChange func(ctx context.Context, img map[string]types.AttributeValue) (tenant, invoiceID string, view any, ok bool, err error)
	// Events keeps each wallet stream's recent events (resume.go): every
	// pushed update carries an event_id, and a client that subscribes with
	// last_event_id gets what it missed first. Nil: no ids, no resume.
	Events sg.LiveEvents
	// Now is the clock (heartbeats carry the time).
	Now func() time.Time
	// Market serves the market channel (market.go); nil: not offered.
	Market MarketSource
	// ---- plat: resume at $connect (connect_resume.go) ----
	// Resumes records a connection that asks at $connect to resume a
	// stream, and DecodeResume reads that record back from the table's
	// stream (dynamo.ConnectResumeFromImage). Nil: $connect takes no
	// wallet_id, channel or last_event_id.
	Resumes      ConnectResumes
	DecodeResume func(img map[string]types.AttributeValue) (sg.ConnectResume, bool)
}

type (
	// Request is a WebSocket API event.
	Request = events.APIGatewayWebsocketProxyRequest
	// Response answers it.
	Response = push.Response
)

func reply(status int, v any) Response { return push.Reply(status, v) }

// pusher is the pushing side of s (package push), over the same store,
// poster, event log and decoders.
func (s *Service) pusher() *push.Service {
	return &push.Service{Store: s.Store, Poster: s.Poster, Decode: s.Decode, CheckoutChange: s.CheckoutChange, Events: s.Events,
		Now: s.Now, Market: s.Market, DecodeResume: s.DecodeResume}
}

// Connect is $connect: the token comes as ?token= (browsers cannot set
// headers on a WebSocket) or an Authorization header. A refusal here makes
// API Gateway refuse the connection.
func (s *Service) Connect(ctx context.Context, req Request) (Response, error) {
	tok := req.QueryStringParameters["token"]
	for k, v := range req.Headers {
		if strings.EqualFold(k, "authorization") {
			tok = strings.TrimPrefix(v, "Bearer ")
		}
	}
	if ck, ok := req.QueryStringParameters["checkout"]; ok && tok == "" {
		return s.connectCheckout(ctx, req, ck)
	}
	claims, err := s.Verifier.Verify(tok)
	if err != nil {
		return reply(401, map[string]string{"message": "Unauthorized"}), nil
	}
	// The same claim checks as the HTTP API: a tenant claim that is not a
	// string naming a tenant ("acme#x", "~platform", null) is refused.
	if httpapi.CheckClaims(claims) != nil {
		return reply(401, map[string]string{"message": "Unauthorized"}), nil
	}
	tenant := claims[httpapi.TenantClaim].(string)
	// ---- plat: IP allow lists ---- a client's token connects only from
	// its networks, as on every HTTP route (httpapi.SourceAllowed).
	if !connectAllowed(claims, req.RequestContext.Identity.SourceIP) {
		return reply(403, ErrorMessage{Type: "error", Code: sg.ErrIPNotAllowed.Code, Message: sg.ErrIPNotAllowed.Message}), nil
	}
	if !hasScope(jwt.Scopes(claims), "transfers:read") {
		return reply(403, map[string]string{"message": "Forbidden"}), nil
	}
	if resume, ok, bad := s.connectResume(ctx, tenant, req.QueryStringParameters); bad != nil {
		return *bad, nil
	} else if ok {
		if err := s.Resumes.PutConnectionResuming(ctx, req.RequestContext.ConnectionID, tenant, resume.Stream, resume.After); err != nil {
			return Response{}, err
		}
		return Response{StatusCode: 200}, nil
	}
	if err := s.Store.PutConnection(ctx, req.RequestContext.ConnectionID, tenant); err != nil {
		return Response{}, err
	}
	return Response{StatusCode: 200}, nil
}

// connectAllowed applies a token's ip_allow claim (a string of networks,
// or an array of them from another issuer) to the connecting address.
func connectAllowed(claims map[string]any, ip string) bool {
	v, ok := claims[sg.IPAllowClaim]
	if !ok {
		return true
	}
	var allow []string
	switch x := v.(type) {
	case string:
		allow = strings.Fields(x)
	case []any:
		for _, e := range x {
			s, isStr := e.(string)
			if !isStr {
				return false
			}
			allow = append(allow, s)
		}
	}
	return len(allow) > 0 && sg.IPAllowed(allow, ip)
}

func hasScope(have []string, want string) bool {
	for _, h := range have {
		if h == want {
			return true
		}
	}
	return false
}

// Disconnect is $disconnect.
func (s *Service) Disconnect(ctx context.Context, req Request) (Response, error) {
	return Response{StatusCode: 200}, s.Store.DeleteConnection(ctx, req.RequestContext.ConnectionID)
}

// SubscribeMessage is {"action":"subscribe","wallet_id":"wal_..."}, with
// "last_event_id" to resume a stream (resume.go), or
// {"action":"subscribe","channel":"market"} (market.go).
type SubscribeMessage struct {
	Action      string          `json:"action"`
	WalletID    string          `json:"wallet_id"`
	LastEventID json.RawMessage `json:"last_event_id,omitempty"`
	Channel     string          `json:"channel,omitempty"`
}

// UnknownAction is the answer to a message whose action the API does not
// serve (or that has none, or is not JSON).
func UnknownAction() Response {
	return reply(400, ErrorMessage{Type: "error", Code: sg.ErrUnknownAction.Code, Param: sg.ErrUnknownAction.Param, Message: sg.ErrUnknownAction.Message})
}

// ErrorMessage is the error a WebSocket message is answered with.
type ErrorMessage struct {
	Type    string `json:"type"` // "error"
	Code    string `json:"code"`
	Param   string `json:"param,omitempty"`
	Message string `json:"message,omitempty"`
}

// Subscribe is the subscribe route, and the $default route: the wallet
// must be the tenant's; a message with another action (the $default route
// receives every one no route matches) answers unknown_action.
func (s *Service) Subscribe(ctx context.Context, req Request) (Response, error) {
	var m SubscribeMessage
	jsonErr := json.Unmarshal([]byte(req.Body), &m)
	if m.Action == ActionSubscribeCheckout {
		return s.SubscribeCheckout(ctx, req)
	}
	if m.Action == ActionPing {
		return s.heartbeat(), nil
	}
	if m.Action != "subscribe" {
		return UnknownAction(), nil
	}
	conn := req.RequestContext.ConnectionID
	tenant, err := s.Store.ConnectionTenant(ctx, conn)
	if err != nil {
		return reply(401, map[string]string{"type": "error", "code": "unauthenticated"}), nil
	}
	if _, _, ok := parseCheckoutConn(tenant); ok {
		return refuse(403, sg.ErrCheckoutOnly), nil
	}
	if jsonErr == nil && m.Channel != "" && m.WalletID == "" {
		return s.pusher().SubscribeMarket(ctx, conn, m.Channel, m.LastEventID)
	}
	resume, resumeOK := push.ParseEventID(m.LastEventID)
	if jsonErr != nil || !sg.ValidID("wal", m.WalletID) {
		return reply(400, map[string]string{"type": "error", "code": "validation_failed", "param": "wallet_id"}), nil
	}
	if _, err := s.Store.Wallet(ctx, tenant, m.WalletID); err != nil {
		return reply(404, map[string]string{"type": "error", "code": "wallet_not_found", "param": "wallet_id"}), nil
	}
	if !resumeOK {
		return reply(400, map[string]string{"type": "error", "code": "validation_failed", "param": "last_event_id"}), nil
	}
	if s.Events != nil {
		return s.pusher().SubscribeResuming(ctx, tenant, m.WalletID, conn, resume)
	}
	if err := s.Store.Subscribe(ctx, tenant, m.WalletID, conn); err != nil {
		return Response{}, err
	}
	return reply(200, map[string]string{"type": "subscribed", "wallet_id": m.WalletID}), nil
}

// Update is what a subscriber receives.
type Update = push.Update

// Notify consumes the table's stream (push.Service.Notify).
func (s *Service) Notify(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return s.pusher().Notify(ctx, ev)
}
