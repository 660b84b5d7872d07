package payoutfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
)

// payoutBatches is the batch service of the create and read routes: the
// rows are created by the one pipeline (its checks at creation: wallet,
// freezes, destinations, funds) and the travel rule is applied to each
// row; the policy, approvals and payment are the worker's.
func payoutBatches(env fn.Env) (api.PayoutBatches, error) {
	w, st, k, err := Withdrawals(env)
	if err != nil {
		return api.PayoutBatches{}, err
	}
	bs := &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals}
	return api.PayoutBatches{B: bs, Travel: k.Travel}, nil
}

// PayoutBatchesCreate builds POST /v1/payout-batches.
func PayoutBatchesCreate(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	h, err := payoutBatches(env)
	return httpapi.Wrap("payout-batches-create", h.Create), err
}

// PayoutBatchesGet builds GET /v1/payout-batches/{batch_id}.
func PayoutBatchesGet(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	h, err := payoutBatches(env)
	return httpapi.Wrap("payout-batches-get", h.Get), err
}
