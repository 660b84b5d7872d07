// Package livefn builds the WebSocket routes, the status push (live-notify)
// and the market publisher: the functions that post through the API
// Gateway Management API, so only they link its client (issue 18: what a
// cold start links).
package livefn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/fn"

	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	mgmttypes "github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/live"
)

// WSHandler serves one WebSocket route.
type WSHandler func(ctx context.Context, req live.Request) (live.Response, error)

// WSBuilder makes a WebSocket route's handler.
type WSBuilder func(ctx context.Context, env core.Env) (WSHandler, error)

// poster posts through the API Gateway Management API. Its endpoint is the
// WebSocket stage's URL (WS_MANAGEMENT_URL), or
// AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI where that is set.
type poster struct {
	c *apigatewaymanagementapi.Client
}

func (p poster) Post(ctx context.Context, conn string, data []byte) error {
	_, err := p.c.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &conn, Data: data})
	var gone *mgmttypes.GoneException
	if errors.As(err, &gone) {
		return live.ErrGone
	}
	return err
}

// LiveService builds the WebSocket service from TABLE_NAME, JWT_ISSUER,
// JWT_AUDIENCE and WS_MANAGEMENT_URL.
func LiveService(env core.Env) (*live.Service, error) {
	if err := core.Required(env, "TABLE_NAME", "JWT_ISSUER", "JWT_AUDIENCE", "WS_MANAGEMENT_URL"); err != nil {
		return nil, err
	}
	db, err := core.DynamoClient(env)
	if err != nil {
		return nil, err
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "APIGATEWAYMANAGEMENTAPI")
	if ep == nil {
		url := env("WS_MANAGEMENT_URL")
		ep = &url
	}
	mgmt := apigatewaymanagementapi.NewFromConfig(cfg, func(o *apigatewaymanagementapi.Options) { o.BaseEndpoint = ep })
	// Invoices: a checkout token admits a connection to its invoice, and
	// the stream pushes the invoice's checkout view on every change.
	checkouts, err := fn.InvoiceHandlers(context.Background(), env, false)
	if err != nil {
		return nil, err
	}
	st := dynamo.New(db, env("TABLE_NAME"))
	return &live.Service{
		Store:          newLiveStore(st),
		Events:         st.Live, // resume: every push carries an event id
		Verifier:       &jwt.Verifier{Issuer: env("JWT_ISSUER"), Audience: env("JWT_AUDIENCE"), Now: time.Now},
		Poster:         poster{mgmt},
		Decode:         dynamo.TransferFromImage,
		Checkouts:      checkouts.Svc,
		CheckoutChange: fn.CheckoutChange(checkouts),
		// ---- plat: resume at $connect ----
		Resumes:      st.Live,
		DecodeResume: dynamo.ConnectResumeFromImage,
	}, nil
}

func liveRoute(pick func(*live.Service) WSHandler) WSBuilder {
	return func(ctx context.Context, env core.Env) (WSHandler, error) {
		s, err := LiveService(env)
		if err != nil {
			return nil, err
		}
		return pick(s), nil
	}
}

// WebSocket route and stream builders.
func WSConnect(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Connect })(ctx, env)
}

func WSDisconnect(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Disconnect })(ctx, env)
}

func WSSubscribe(ctx context.Context, env core.Env) (WSHandler, error) {
	return liveRoute(func(s *live.Service) WSHandler { return s.Subscribe })(ctx, env)
}

// LiveNotify builds the stream consumer that pushes transfer changes and
// invoices' checkout views.
func LiveNotify(ctx context.Context, env core.Env) (core.StreamHandler, error) {
	s, err := LiveService(env)
	if err != nil {
		return nil, err
	}
	return s.Notify, nil
}

// liveStore is what the live service keeps (connections and
// subscriptions) with the wallets it checks a subscription against.
type liveStore struct {
	*dynamo.Live
	*dynamo.Wallets
}

func newLiveStore(st *dynamo.Store) liveStore { return liveStore{Live: st.Live, Wallets: st.Wallets} }
