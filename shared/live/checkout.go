package live

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/live/push"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The hosted checkout page follows one invoice without a JWT: it connects
// with ?checkout=<token> (the token of the page's URL), then sends
// {"action":"subscribe_checkout","token":"<token>"}, and is pushed
// {"type":"checkout","checkout":{...}} on every change of that invoice.
// Such a connection is recorded under a marker that is no tenant name
// ("checkout#<tenant>#<invoice>"), so no tenant route accepts it: it can
// subscribe to its own invoice and to nothing else.

// ActionSubscribeCheckout is the action of a checkout subscription.
const ActionSubscribeCheckout = "subscribe_checkout"

const checkoutConnPrefix = "checkout#"

// checkoutConn is what a checkout connection is recorded under.
func checkoutConn(tenant, invoiceID string) string {
	return checkoutConnPrefix + tenant + "#" + invoiceID
}

// parseCheckoutConn reads a connection record made by checkoutConn; ok is
// false for a tenant connection.
func parseCheckoutConn(rec string) (tenant, invoiceID string, ok bool) {
	rest, ok := strings.CutPrefix(rec, checkoutConnPrefix)
	if !ok {
		return "", "", false
	}
	tenant, invoiceID, ok = strings.Cut(rest, "#")
	if !ok || !httpapi.ValidTenant(tenant) || !sg.ValidID("inv", invoiceID) {
		return "", "", false
	}
	return tenant, invoiceID, true
}

func refuse(status int, e *sg.Error) Response {
	return reply(status, ErrorMessage{Type: "error", Code: e.Code, Param: e.Param, Message: e.Message})
}

// unauthorized is reply(401, {"message": "Unauthorized"}), written out: a
// json.Marshal at package init would run at every cold start.
var unauthorized = Response{StatusCode: 401, Body: `{"message":"Unauthorized"}`}

// connectCheckout is $connect for a connection that carries ?checkout= and
// no JWT: the token must name an invoice's checkout.
func (s *Service) connectCheckout(ctx context.Context, req Request, token string) (Response, error) {
	if s.Checkouts == nil || !sg.ValidCheckoutToken(token) {
		return unauthorized, nil
	}
	tenant, inv, err := s.Checkouts.CheckoutByToken(ctx, token)
	var se *sg.Error
	if errors.As(err, &se) && se.Kind == sg.KindNotFound {
		return unauthorized, nil
	}
	if err != nil {
		return Response{}, err
	}
	if !httpapi.ValidTenant(tenant) || !sg.ValidID("inv", inv) {
		return unauthorized, nil
	}
	if err := s.Store.PutConnection(ctx, req.RequestContext.ConnectionID, checkoutConn(tenant, inv)); err != nil {
		return Response{}, err
	}
	return Response{StatusCode: 200}, nil
}

// CheckoutSubscribeMessage is {"action":"subscribe_checkout","token":"..."}.
type CheckoutSubscribeMessage struct {
	Action string `json:"action"`
	Token  string `json:"token"`
}

// SubscribeCheckout serves subscribe_checkout: only a connection opened
// with a checkout token may send it, with that same token (checked again,
// so a token revoked since $connect is refused).
func (s *Service) SubscribeCheckout(ctx context.Context, req Request) (Response, error) {
	var m CheckoutSubscribeMessage
	jsonErr := json.Unmarshal([]byte(req.Body), &m)
	if m.Action != ActionSubscribeCheckout {
		return UnknownAction(), nil
	}
	conn := req.RequestContext.ConnectionID
	rec, err := s.Store.ConnectionTenant(ctx, conn)
	if err != nil {
		return reply(401, map[string]string{"type": "error", "code": "unauthenticated"}), nil
	}
	tenant, inv, ok := parseCheckoutConn(rec)
	if !ok {
		// A tenant's connection follows wallets, not checkouts.
		return refuse(404, sg.ErrCheckoutNotFound), nil
	}
	if jsonErr != nil || !sg.ValidCheckoutToken(m.Token) {
		return reply(400, map[string]string{"type": "error", "code": "validation_failed", "param": "token"}), nil
	}
	if s.Checkouts == nil {
		return refuse(404, sg.ErrCheckoutNotFound), nil
	}
	t2, inv2, err := s.Checkouts.CheckoutByToken(ctx, m.Token)
	var se *sg.Error
	if errors.As(err, &se) && se.Kind == sg.KindNotFound || err == nil && (t2 != tenant || inv2 != inv) {
		return refuse(404, sg.ErrCheckoutNotFound), nil
	}
	if err != nil {
		return Response{}, err
	}
	if err := s.Store.Subscribe(ctx, tenant, inv, conn); err != nil {
		return Response{}, err
	}
	return reply(200, map[string]string{"type": "subscribed", "invoice": inv}), nil
}

// CheckoutUpdate is what a checkout subscriber receives.
type CheckoutUpdate = push.CheckoutUpdate

// NotifyCheckout pushes an invoice's checkout view to the connections
// following it (push.Service.NotifyCheckout).
func (s *Service) NotifyCheckout(ctx context.Context, tenant, invoiceID string, view any) error {
	return s.pusher().NotifyCheckout(ctx, tenant, invoiceID, view)
}
