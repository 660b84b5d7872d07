package payoutfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DepositControls (fn.DepositControls) wires screening and monitoring into
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
func DepositControls(ctx context.Context, env fn.Env, st *dynamo.Store) (sg.DepositScreen, sg.DepositListener, error) {
	kit, err := customerfn.SealedKit(env, st)
	if err != nil {
		return nil, nil, err
	}
	acquiring, err := acquirefn.InvoiceListener(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	return kit.Screening, ledger.Listeners{compliance.ScreeningListener{Screening: kit.Screening, Next: acquiring}, kit.Monitor}, nil
}

var _ fn.DepositControls = DepositControls

// TronDepositsWatch builds the scheduled Tron deposit watcher with the
// deposit controls.
func TronDepositsWatch(ctx context.Context, env fn.Env) (fn.Job, error) {
	return fn.TronDepositsWatch(DepositControls)(ctx, env)
}
