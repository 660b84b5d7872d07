package fn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/settlement"
)

// AcquiringService builds the invoice service (acquirefn.Service).
// withWallets adds the wallet service that makes each invoice's wallet
// (XPUB_ETHEREUM, XPUB_TRON and the forwarder settings: creation only).
func AcquiringService(ctx context.Context, env Env, withWallets bool) (*acquiring.Service, *dynamo.Store, error) {
	svc, st, err := acquirefn.Service(env)
	if err != nil {
		return nil, nil, err
	}
	if withWallets {
		w, err := walletAPI(ctx, env, true)
		if err != nil {
			return nil, nil, err
		}
		svc.Addresses = invoiceapi.InvoiceWallets{Wallets: w.Svc}
	}
	return svc, st, nil
}

// InvoiceHandlers builds the invoice routes' handlers.
func InvoiceHandlers(ctx context.Context, env Env, withWallets bool) (invoiceapi.Handlers, error) {
	svc, st, err := AcquiringService(ctx, env, withWallets)
	if err != nil {
		return invoiceapi.Handlers{}, err
	}
	nets, err := acquirefn.PaymentNetworks(env)
	if err != nil {
		return invoiceapi.Handlers{}, err
	}
	nf, err := pipefn.NetworkFees(env)
	if err != nil {
		return invoiceapi.Handlers{}, err
	}
	return invoiceapi.Handlers{Svc: svc, Idem: st.Base, Networks: nets, PortalURL: env("PORTAL_URL"),
		Fees: st.Settlements, Shown: &settlement.Fees{Schedules: st.Settlements, Network: nf, Now: time.Now}}, nil
}

func invoiceRoute(name string, withWallets bool, pick func(invoiceapi.Handlers) httpapi.Handler) Builder {
	return func(ctx context.Context, env Env) (httpapi.Handler, error) {
		h, err := InvoiceHandlers(ctx, env, withWallets)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(h)), nil
	}
}

// The invoice routes (see template.yaml). The checkout routes are public:
// their answers carry Access-Control-Allow-Origin: *.
func InvoicesCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-create", true, func(h invoiceapi.Handlers) httpapi.Handler { return h.Create })(ctx, env)
}

func InvoicesList(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-list", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.List })(ctx, env)
}

func InvoicesGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-get", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

func InvoicesCancel(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-cancel", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.Cancel })(ctx, env)
}

func InvoicesPaymentLink(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-payment-link", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.PaymentLink })(ctx, env)
}

func InvoicesReceipt(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoices-receipt", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.Receipt })(ctx, env)
}

func FxQuotesCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("fx-quotes-create", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.QuoteFx })(ctx, env)
}

func InvoicePolicyGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoice-policy-get", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.GetPolicy })(ctx, env)
}

func InvoicePolicyPut(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("invoice-policy-put", false, func(h invoiceapi.Handlers) httpapi.Handler { return h.PutPolicy })(ctx, env)
}

func CheckoutGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("checkout-get", false, func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.Checkout) })(ctx, env)
}

func CheckoutQR(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("checkout-qr", false, func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.CheckoutQR) })(ctx, env)
}

func CheckoutReceipt(ctx context.Context, env Env) (httpapi.Handler, error) {
	return invoiceRoute("checkout-receipt", false, func(h invoiceapi.Handlers) httpapi.Handler { return invoiceapi.Public(h.CheckoutReceipt) })(ctx, env)
}
