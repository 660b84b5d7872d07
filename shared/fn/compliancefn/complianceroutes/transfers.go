package complianceroutes

import (
	"context"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
)

// Transfers is the ledger of the internal transfer routes, holding each
// transfer's source wallet to its customer's tier.
func Transfers(env core.Env) (*ledger.Service, *dynamo.Store, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	k, err := compliancefn.Build(env, st, nil)
	if err != nil {
		return nil, nil, err
	}
	l := core.Ledger(st)
	l.Limits = k.Limits
	return l, st, nil
}

// TransfersCreate builds POST /v1/transfers.
func TransfersCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	l, _, err := Transfers(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("transfers-create", api.Transfers{Ledger: l}.Create), nil
}

// TransfersBatch builds POST /v1/transfers/batch.
func TransfersBatch(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	l, st, err := Transfers(env)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("transfers-batch", api.Transfers{Ledger: l, Idem: st.Base}.Batch), nil
}
