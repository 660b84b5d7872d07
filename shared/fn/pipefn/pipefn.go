// Package pipefn wires the withdrawal pipeline and the settlement service
// over the table (no policy step: payoutfn adds the one payout policy),
// and the scheduled sweep of open withdrawals (holds-expire) with its
// alarm gauges. It links no request handling, so the jobs and workers
// built on it start without it (issue 18); the routes are in package fn
// and payoutfn.
package pipefn

import (
	"context"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Env reads one configuration variable.
type Env = core.Env

// invoiceStore is the acquiring stores over the table (sg.InvoiceStore,
// sg.InvoicePolicies, sg.FxQuotes).
type invoiceStore interface {
	sg.InvoiceStore
	sg.InvoicePolicies
	sg.FxQuotes
}

// InvoiceStore is the acquiring stores over the table.
func InvoiceStore(st *dynamo.Store) invoiceStore { return &dynamo.Invoices{Table: st.Base} }

// settlementLedger is the ledger port of the settlement service over the
// table: transfers and wallets under their freezes.
type settlementLedger struct {
	*dynamo.Ledger
	*dynamo.Wallets
}

var _ settlement.Ledger = settlementLedger{}

// flatNetworkFees quotes the network fee the withdrawal pipeline holds
// (WITHDRAWAL_FEE_<CHAIN>), so a passed-through fee line equals the hold.
type flatNetworkFees map[sg.Chain]sg.Amount

func (f flatNetworkFees) NetworkFee(_ context.Context, c sg.Chain) (sg.Amount, error) {
	return f[c], nil
}

// NetworkFees are the pass-through network fees of settlements
// (WITHDRAWAL_FEE_<CHAIN>), or none when they are not configured here.
func NetworkFees(env Env) (settlement.NetworkFees, error) {
	out := flatNetworkFees{}
	for c, v := range map[sg.Chain]string{sg.Ethereum: env("WITHDRAWAL_FEE_ETHEREUM"), sg.Tron: env("WITHDRAWAL_FEE_TRON")} {
		if v == "" {
			return nil, nil // not configured here: no pass-through quotes
		}
		a, err := sg.ParseAmount(v, sg.USDTDecimals)
		if err != nil {
			return nil, errors.New("pipefn: withdrawal fee of " + string(c) + " is not a decimal amount")
		}
		out[c] = a
	}
	return out, nil
}

// SettlementService is the settlement service over the table: fee
// schedules, configs, settlements, the ledger moves into the settlement
// wallet, the pass-through network fees (WITHDRAWAL_FEE_<CHAIN>, when
// set) and, when WEBHOOK_QUEUE_URL is set, its events. It has no payer:
// payoutfn.Settlements adds the withdrawal pipeline's.
func SettlementService(env Env, st *dynamo.Store) (*settlement.Service, error) {
	nf, err := NetworkFees(env)
	if err != nil {
		return nil, err
	}
	fees := &settlement.Fees{Schedules: st.Settlements, Network: nf, Now: time.Now}
	svc := &settlement.Service{Fees: fees, Configs: st.Settlements, Store: st.Settlements, Now: time.Now,
		Ledger: settlementLedger{st.Ledger, st.Wallets}, Refunds: dynamo.RefundCaps{Table: st.Base}, Committed: st.Settlements,
		// Paid invoices a freeze kept from settling: the deposit hook parks
		// them, the settlements-close job settles them once it is lifted.
		Parked: dynamo.ParkedInvoices{Table: st.Base}, Invoices: InvoiceStore(st)}
	if p, err := publishfn.WebhookPublisher(env); err == nil {
		svc.Events = p
	}
	return svc, nil
}
