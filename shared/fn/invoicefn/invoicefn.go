// Package invoicefn builds the invoice, checkout and settlement routes
// that make no wallet: the invoice service without a wallet service, so
// they link no key derivation and no KMS client. Those that publish no
// event (reads, FX quotes, the invoice policy) build over the table alone
// (acquiretable) and link no SQS client either; cancelling an invoice
// publishes its event (invoicefn/cancelfn). Creating an invoice or a
// settlement config makes the platform's wallets and is package fn's, over
// the same handlers (HandlersOver, SettlementRoutes).
package invoicefn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/settlement"
)

// HandlersOver builds the invoice routes' handlers over an invoice
// service: the payment networks a link is written for and the fees shown.
func HandlersOver(env core.Env, svc *acquiring.Service, st *dynamo.Store) (invoiceapi.Handlers, error) {
	nets, err := acquiretable.PaymentNetworks(env)
	if err != nil {
		return invoiceapi.Handlers{}, err
	}
	nf, err := acquiretable.NetworkFees(env)
	if err != nil {
		return invoiceapi.Handlers{}, err
	}
	return invoiceapi.Handlers{Svc: svc, Idem: st.Base, Networks: nets, PortalURL: env("PORTAL_URL"),
		Fees: st.Settlements, Shown: &settlement.Fees{Schedules: st.Settlements, Network: nf, Now: time.Now}}, nil
}

// route builds one invoice route over the service without wallets or
// events.
func route(name string, pick func(invoiceapi.Handlers) httpapi.Handler) httpfn.Builder {
	return Route(name, acquiretable.Service, pick)
}

// Route builds one invoice route over the invoice service service builds.
func Route(name string, service func(core.Env) (*acquiring.Service, *dynamo.Store, error), pick func(invoiceapi.Handlers) httpapi.Handler) httpfn.Builder {
	return httpfn.Route(name, func(_ context.Context, env core.Env) (invoiceapi.Handlers, error) {
		svc, st, err := service(env)
		if err != nil {
			return invoiceapi.Handlers{}, err
		}
		return HandlersOver(env, svc, st)
	}, pick)
}

// The invoice routes (see template.yaml). The checkout routes are public:
// their answers carry Access-Control-Allow-Origin: *.

// InvoicesList builds the invoices-list function.
func InvoicesList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoices-list", func(h invoiceapi.Handlers) httpapi.Handler { return h.List })(ctx, env)
}

// InvoicesGet builds the invoices-get function.
func InvoicesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoices-get", func(h invoiceapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// InvoicesPaymentLink builds the invoices-payment-link function.
func InvoicesPaymentLink(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoices-payment-link", func(h invoiceapi.Handlers) httpapi.Handler { return h.PaymentLink })(ctx, env)
}

// InvoicesReceipt builds the invoices-receipt function.
func InvoicesReceipt(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoices-receipt", func(h invoiceapi.Handlers) httpapi.Handler { return h.Receipt })(ctx, env)
}

// FxQuotesCreate builds the fx-quotes-create function.
func FxQuotesCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("fx-quotes-create", func(h invoiceapi.Handlers) httpapi.Handler { return h.QuoteFx })(ctx, env)
}

// InvoicePolicyGet builds the invoice-policy-get function.
func InvoicePolicyGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoice-policy-get", func(h invoiceapi.Handlers) httpapi.Handler { return h.GetPolicy })(ctx, env)
}

// InvoicePolicyPut builds the invoice-policy-put function.
func InvoicePolicyPut(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("invoice-policy-put", func(h invoiceapi.Handlers) httpapi.Handler { return h.PutPolicy })(ctx, env)
}

// CheckoutGet builds the checkout-get function.
func CheckoutGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("checkout-get", func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.Checkout) })(ctx, env)
}

// CheckoutQR builds the checkout-qr function.
func CheckoutQR(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("checkout-qr", func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.CheckoutQR) })(ctx, env)
}

// CheckoutReceipt builds the checkout-receipt function.
func CheckoutReceipt(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return route("checkout-receipt", func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.CheckoutReceipt) })(ctx, env)
}

// SettlementRoutes builds a settlement function serving several routes
// over the settlement service service builds; extend, when set, adds what
// the handlers need beyond reading (package fn: the settlement wallet, the
// customers).
func SettlementRoutes(name string, service func(core.Env, *dynamo.Store) (*settlement.Service, error),
	extend func(ctx context.Context, env core.Env, st *dynamo.Store, h *settlementapi.Handlers) error,
	routes func(settlementapi.Handlers) map[string]httpapi.Handler) httpfn.Builder {
	return func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		st, err := core.Store(env)
		if err != nil {
			return nil, err
		}
		svc, err := service(env, st)
		if err != nil {
			return nil, err
		}
		h := settlementapi.Handlers{Svc: svc}
		if extend != nil {
			if err := extend(ctx, env, st, &h); err != nil {
				return nil, err
			}
		}
		return httpapi.Wrap(name, settlementapi.Routes(routes(h))), nil
	}
}

// SettlementsGet serves the settlements and their reports: it reads, so
// the settlement service has no events (acquiretable.Settlements).
func SettlementsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return SettlementRoutes("settlements-get", acquiretable.Settlements, nil, func(h settlementapi.Handlers) map[string]httpapi.Handler {
		return map[string]httpapi.Handler{
			"GET /v1/settlements":                 h.List,
			"GET /v1/settlements/{settlement_id}": h.Get,
		}
	})(ctx, env)
}
