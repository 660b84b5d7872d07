// Package pushfn builds the live functions that answer no request: the
// status push (live-notify, the table's stream consumer) over package push,
// and the wiring the market publisher (marketfn) and the WebSocket routes
// (livefn) build on. It posts through the API Gateway Management API but
// links no request handling, no token verification and no KMS client
// (issue 18: what a cold start links).
package pushfn

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	mgmttypes "github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/api/checkoutview"
	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/live/push"
)

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
		return push.ErrGone
	}
	return err
}

// Wiring is what the push service is built over, which the WebSocket
// routes also use: the table and the invoices (a checkout token admits a
// connection to its invoice).
type Wiring struct {
	Store    *dynamo.Store
	Invoices *acquiring.Service
}

// Service builds the push service from TABLE_NAME, WS_MANAGEMENT_URL,
// FX_RATES and the payment networks (NETWORK_<CHAIN>,
// USDT_CONTRACT_<CHAIN>): transfer changes go to their wallets'
// subscribers, every push carries an event id (resume), a resume asked for
// at $connect runs when its connection record reaches the stream, and an
// invoice's change pushes its checkout view.
func Service(env core.Env) (*push.Service, Wiring, error) {
	if err := core.Required(env, "TABLE_NAME", "WS_MANAGEMENT_URL"); err != nil {
		return nil, Wiring{}, err
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, Wiring{}, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "APIGATEWAYMANAGEMENTAPI")
	if ep == nil {
		url := env("WS_MANAGEMENT_URL")
		ep = &url
	}
	mgmt := apigatewaymanagementapi.NewFromConfig(cfg, func(o *apigatewaymanagementapi.Options) { o.BaseEndpoint = ep })
	// The invoice service without wallets, routes or publisher: it reads invoices,
	// which is all a checkout's view and its token need.
	inv, st, err := acquiretable.Service(env)
	if err != nil {
		return nil, Wiring{}, err
	}
	nets, err := acquiretable.PaymentNetworks(env)
	if err != nil {
		return nil, Wiring{}, err
	}
	return &push.Service{
		Store:          st.Live,
		Events:         st.Live, // resume: every push carries an event id
		Poster:         poster{mgmt},
		Decode:         dynamo.TransferFromImage,
		CheckoutChange: CheckoutChange(inv, nets),
		DecodeResume:   dynamo.ConnectResumeFromImage,
	}, Wiring{Store: st, Invoices: inv}, nil
}

// CheckoutChange renders the checkout view of the invoice a stream record
// belongs to (the invoice's item or a payment's), for
// push.Service.CheckoutChange: the view the checkout route answers.
func CheckoutChange(svc *acquiring.Service, nets checkoutview.Networks) func(ctx context.Context, img map[string]types.AttributeValue) (string, string, any, bool, error) {
	return func(ctx context.Context, img map[string]types.AttributeValue) (string, string, any, bool, error) {
		tenant, id, ok := dynamo.InvoiceFromImage(img)
		if !ok {
			return "", "", nil, false, nil
		}
		inv, err := svc.Get(ctx, tenant, id)
		if err != nil {
			return "", "", nil, false, err
		}
		return tenant, id, nets.Of(inv, svc.Now()), true, nil
	}
}

// LiveNotify builds the stream consumer that pushes transfer changes and
// invoices' checkout views.
func LiveNotify(ctx context.Context, env core.Env) (core.StreamHandler, error) {
	s, _, err := Service(env)
	if err != nil {
		return nil, err
	}
	return s.Notify, nil
}
