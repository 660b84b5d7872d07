// Package cancelfn builds POST /v1/invoices/{invoice_id}/cancel: the
// invoice routes' handlers (invoicefn) over the invoice service with its
// event publisher (acquirefn.Service), since cancelling publishes the
// invoice's event. The invoice routes that publish nothing link no SQS
// client (invoicefn).
package cancelfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// InvoicesCancel builds the invoices-cancel function.
func InvoicesCancel(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return invoicefn.Route("invoices-cancel", acquirefn.Service, func(h invoiceapi.Handlers) httpapi.Handler { return h.Cancel })(ctx, env)
}
