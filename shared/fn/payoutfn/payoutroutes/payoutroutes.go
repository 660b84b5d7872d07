// Package payoutroutes builds the routes over the withdrawal pipeline and
// the settlement service (package payoutfn): withdrawals, payout batches,
// refunds and refund links, and the release of a quarantined deposit.
package payoutroutes

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/api/invoiceapi"
	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/chain/sweepscope"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/sealedkit"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// WithdrawalsCreate builds POST /v1/withdrawals: the travel rule is
// checked before the hold is placed and its data recorded after
// (TRAVEL_RULE_THRESHOLD, ENVELOPE_KEY_ID: see Build).
func WithdrawalsCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	w, _, k, err := payoutfn.Withdrawals(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("withdrawals-create", api.Withdrawals{W: w, Travel: k.Travel}.Create), nil
}

// payoutBatches is the batch service of the create route (reading a
// batch is ledgerfn's, over the table alone): the rows are created by the
// one pipeline (its checks at creation: wallet, freezes, destinations,
// funds) and the travel rule is applied to each row; the policy,
// approvals and payment are the worker's.
func payoutBatches(env core.Env) (api.PayoutBatches, error) {
	w, st, k, err := payoutfn.Withdrawals(env)
	if err != nil {
		return api.PayoutBatches{}, err
	}
	bs := &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals}
	return api.PayoutBatches{B: bs, Travel: k.Travel}, nil
}

// PayoutBatchesCreate builds POST /v1/payout-batches.
func PayoutBatchesCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	h, err := payoutBatches(env)
	return httpapi.Wrap("payout-batches-create", h.Create), err
}

// refundsOver is what a refund is paid through: the withdrawal pipeline
// and the settlement service over one table, and the sealed kit whose
// travel rule a refund meets as any withdrawal does.
func refundsOver(env core.Env) (*ledger.Withdrawals, *dynamo.Store, *settlement.Service, *compliancefn.Kit, error) {
	w, st, svc, err := payoutfn.WithdrawalsAndSettlements(env)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	k, err := sealedkit.For(env, st)
	return w, st, svc, k, err
}

// InvoicesRefund builds POST /v1/invoices/{invoice_id}/refunds: a refund
// is a withdrawal of the same pipeline and policy as any payout; and
// POST /v1/invoices/{invoice_id}/chargebacks (settle: chargebacks): a
// dispute loss moved out of the merchant's settlement in the ledger.
func InvoicesRefund(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	w, st, svc, k, err := refundsOver(env)
	if err != nil {
		return nil, err
	}
	// ---- settlebugs: a refund's travel-rule data, as any withdrawal's ----
	refunds := settlementapi.Refunds{Invoices: acquiretable.InvoiceStore(st), W: w, Svc: svc,
		Links: dynamo.RefundLinks{Table: st.Base}, Idem: st.Base, PortalURL: env("PORTAL_URL"), Travel: k.Travel}
	chargebacks := settlementapi.Chargebacks{Invoices: acquiretable.InvoiceStore(st), Svc: svc, Idem: st.Base}
	return httpapi.Wrap("invoices-refund", settlementapi.Serve(refunds, chargebacks)), nil
}

// RefundLinks builds the payer's side of a refund link, public (the token
// is the credential): GET and POST /v1/refund-links/{token}. A claim pays
// the refund through the same withdrawal pipeline and policy as any payout.
func RefundLinks(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	w, st, svc, k, err := refundsOver(env)
	if err != nil {
		return nil, err
	}
	h := settlementapi.RefundLinkClaims{Links: dynamo.RefundLinks{Table: st.Base}, Invoices: acquiretable.InvoiceStore(st), W: w, Svc: svc, Idem: st.Base,
		Travel: k.Travel}
	return httpapi.Wrap("refund-links", invoiceapi.Public(h.Serve)), nil
}

// DepositsRelease builds POST /v1/deposits/{transfer_id}/release: an
// officer releases a quarantined deposit on its case's closed_no_action
// decision, and its address is marked for the chain's sweeper under the
// same scope the deposit watchers mark (FORWARDER_FACTORY_ETHEREUM for
// Ethereum's forwarders; the Tron network's token, NETWORK_TRON,
// TRON_GRID_URL and USDT_CONTRACT_TRON, for Tron).
func DepositsRelease(_ context.Context, env core.Env) (httpapi.Handler, error) {
	st, kit, err := sealedkit.StoreAnd(env)
	if err != nil {
		return nil, err
	}
	scopes := map[sg.Chain]string{}
	if f := env("FORWARDER_FACTORY_ETHEREUM"); f != "" {
		a, err := address.Parse(sg.Ethereum, f)
		if err != nil {
			return nil, errors.New("compliancefn: FORWARDER_FACTORY_ETHEREUM is not an address")
		}
		scopes[sg.Ethereum] = sweepscope.Ethereum(a)
	}
	if _, _, token, ok, err := hotkeyfn.TronConfig(env); err != nil {
		return nil, err
	} else if ok {
		scopes[sg.Tron] = tron.SweepScope(token)
	}
	rel := ledger.Releaser{Deposits: &ledger.Deposits{Service: core.Ledger(st), Mover: st.Ledger}, Marks: st.Sweeps, Scopes: scopes}
	h := complianceapi.Release{Cases: kit.Cases, Transfers: st.Ledger, Releaser: rel, Idem: st.Base, Now: time.Now}
	return httpapi.Wrap("deposits-release", h.Deposit), nil
}
