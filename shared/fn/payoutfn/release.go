package payoutfn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/fn/core"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/chain/sweepscope"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DepositsRelease builds POST /v1/deposits/{transfer_id}/release: an
// officer releases a quarantined deposit on its case's closed_no_action
// decision, and its address is marked for the chain's sweeper under the
// same scope the deposit watchers mark (FORWARDER_FACTORY_ETHEREUM for
// Ethereum's forwarders; the Tron network's token, NETWORK_TRON,
// TRON_GRID_URL and USDT_CONTRACT_TRON, for Tron).
func DepositsRelease(_ context.Context, env fn.Env) (httpapi.Handler, error) {
	st, kit, err := customerfn.StoreAndSealedKit(env)
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
	if _, _, token, ok, err := fn.TronConfig(env); err != nil {
		return nil, err
	} else if ok {
		scopes[sg.Tron] = tron.SweepScope(token)
	}
	rel := ledger.Releaser{Deposits: &ledger.Deposits{Service: core.Ledger(st), Mover: st.Ledger}, Marks: st.Sweeps, Scopes: scopes}
	h := complianceapi.Release{Cases: kit.Cases, Transfers: st.Ledger, Releaser: rel, Idem: st.Base, Now: time.Now}
	return httpapi.Wrap("deposits-release", h.Deposit), nil
}
