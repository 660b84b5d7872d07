package fn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// InvoicesCreate builds POST /v1/invoices: the invoice service with the
// wallet service that makes each invoice's wallet (XPUB_ETHEREUM,
// XPUB_TRON and the forwarder settings). The routes that make no wallet
// are package invoicefn's.
func InvoicesCreate(ctx context.Context, env Env) (httpapi.Handler, error) {
	svc, st, err := acquirefn.Service(env)
	if err != nil {
		return nil, err
	}
	w, err := walletAPI(ctx, env, true)
	if err != nil {
		return nil, err
	}
	svc.Addresses = invoiceapi.InvoiceWallets{Wallets: w.Svc}
	h, err := invoicefn.HandlersOver(env, svc, st)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("invoices-create", h.Create), nil
}
