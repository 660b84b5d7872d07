package payoutfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/sealedkit"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/watchfn"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DepositControls (watchfn.DepositControls) wires screening and monitoring into
// every chain's deposit sink:
//   - the screen (compliance.Screening) is asked before the ledger credits a
//     deposit: a sender on the sanctions list or the tenant's blocklist (or
//     none reported) quarantines it and opens a case, with the list
//     version;
//   - the listener fans out to the screening listener, which screens again
//     and passes clear deposits on to the acquiring service (so no
//     quarantined deposit ever settles an invoice, even if the list changed
//     in between), and to the monitor, which records confirmed deposits for
//     its rules. The sink tells neither of a quarantined deposit.
func DepositControls(ctx context.Context, env core.Env, st *dynamo.Store) (sg.DepositScreen, sg.DepositListener, error) {
	kit, err := sealedkit.For(env, st)
	if err != nil {
		return nil, nil, err
	}
	acquiring, err := acquirefn.InvoiceListener(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	return kit.Screening, ledger.Listeners{compliance.ScreeningListener{Screening: kit.Screening, Next: acquiring}, kit.Monitor}, nil
}

var _ watchfn.DepositControls = DepositControls

// TronDepositsWatch builds the scheduled Tron deposit watcher with the
// deposit controls.
func TronDepositsWatch(ctx context.Context, env core.Env) (core.Job, error) {
	return watchfn.TronDepositsWatch(DepositControls)(ctx, env)
}
