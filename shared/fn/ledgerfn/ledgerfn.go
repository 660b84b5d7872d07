// Package ledgerfn builds the read routes of the ledger and its history
// (a transfer, a payout batch, a wallet's transfers and statement, the
// tenant's reconciliation) over core alone: they link no package fn, no KMS or SQS
// client (issue 18: what a cold start links).
package ledgerfn

import (
	"context"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/reconfn/reconstore"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/recon"
)

// TransfersGet builds GET /v1/transfers/{transfer_id}.
func TransfersGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	l, err := core.LedgerService(env)
	return httpapi.Wrap("transfers-get", api.Transfers{Ledger: l}.Get), err
}

// WalletsTransfers builds GET /v1/wallets/{wallet_id}/transfers.
func WalletsTransfers(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("wallets-transfers", api.History{Store: st.History, Wallets: st.Wallets}.List), nil
}

// WalletsStatement builds GET /v1/wallets/{wallet_id}/statement.
func WalletsStatement(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("wallets-statement", api.History{Store: st.History, Wallets: st.Wallets}.Statement), nil
}

// ReconciliationGet builds GET /v1/reconciliation: the caller's tenant's books.
func ReconciliationGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("reconciliation-get", func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
		p, err := httpapi.PrincipalOf(req)
		if err != nil {
			return httpapi.Fail(ctx, req, err), nil
		}
		r, err := recon.Tenant(ctx, reconstore.For(st), p.TenantID, time.Now())
		if err != nil {
			return httpapi.Fail(ctx, req, err), nil
		}
		return httpapi.JSON(http.StatusOK, r), nil
	}), nil
}

// PayoutBatchesGet builds GET /v1/payout-batches/{batch_id}: the batch
// and its rows' transfers, read from the table. Reading needs none of the
// pipeline that creates a batch's payouts (its policy, queue and travel
// rule: payoutroutes.PayoutBatchesCreate), so the batches read their
// transfers through the ledger service alone.
func PayoutBatchesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	bs := &ledger.Batches{W: &ledger.Withdrawals{Service: core.Ledger(st)}, Store: st.Batches}
	return httpapi.Wrap("payout-batches-get", api.PayoutBatches{B: bs}.Get), nil
}
