package fn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
)

// Store builds the DynamoDB store on TABLE_NAME.
func Store(env Env) (*dynamo.Store, error) { return core.Store(env) }

// Ledger is the ledger service over a store.
func Ledger(st *dynamo.Store) *ledger.Service {
	return &ledger.Service{Store: st.Ledger, Wallets: st.Wallets, Now: time.Now}
}

// LedgerService builds the ledger on TABLE_NAME.
func LedgerService(env Env) (*ledger.Service, error) {
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	return Ledger(st), nil
}

// TransfersGet builds GET /v1/transfers/{transfer_id}.
func TransfersGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	l, err := LedgerService(env)
	return httpapi.Wrap("transfers-get", api.Transfers{Ledger: l}.Get), err
}
