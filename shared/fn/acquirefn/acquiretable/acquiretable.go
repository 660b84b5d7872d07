// Package acquiretable builds the acquiring and settlement services over
// the table, with no event publisher and no payer: what the invoice,
// checkout and settlement routes that publish nothing need (reads, FX
// quotes, the invoice policy), so they link no SQS client. acquirefn adds
// the webhook publisher for those that change an invoice's state, pipefn
// the settlement service's events, payoutfn its payer.
package acquiretable

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fxrate"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Rates reads FX_RATES ("EUR=0.92,GBP=0.79"; the template's FxRates, which
// the local stack sets to fixed rates tests can price in).
func Rates(env core.Env) (*fxrate.Static, error) {
	r, err := fxrate.ParseStatic(env("FX_RATES"))
	if err != nil {
		return nil, fmt.Errorf("acquiretable: FX_RATES: %w", err)
	}
	return r, nil
}

// PaymentNetworks are the networks payment links are written for: each
// chain's preset (NETWORK_<CHAIN>) with its token (USDT_CONTRACT_<CHAIN>).
// No endpoint is needed: a link names the token and the address only.
// The invoice routes write them into invoices and the checkout, the
// stream consumer into the checkout views it pushes.
func PaymentNetworks(env core.Env) (map[sg.Chain]sg.Network, error) {
	out := map[sg.Chain]sg.Network{}
	for _, c := range sg.Chains {
		net, ok, err := core.Network(env, c)
		if err != nil {
			return nil, err
		}
		if !ok { // no endpoint here: the preset alone
			name := env("NETWORK_" + upper(c))
			if name == "" {
				name = "mainnet"
			}
			net, ok = sg.NetworkFor(c, name, env("USDT_CONTRACT_"+upper(c)), "", 0)
			if !ok {
				return nil, fmt.Errorf("acquiretable: NETWORK_%s %q is not mainnet or dev", upper(c), name)
			}
		}
		if net.Token != "" {
			out[c] = net
		}
	}
	return out, nil
}

func upper(c sg.Chain) string {
	b := []byte(c)
	for i, x := range b {
		if x >= 'a' && x <= 'z' {
			b[i] = x - 'a' + 'A'
		}
	}
	return string(b)
}

// Service builds the invoice service from TABLE_NAME and FX_RATES, with
// no wallet service and no event publisher: it reads invoices, quotes
// rates and keeps the invoice policy. acquirefn.Service adds the
// publisher for the routes and jobs that change an invoice's state.
func Service(env core.Env) (*acquiring.Service, *dynamo.Store, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	r, err := Rates(env)
	if err != nil {
		return nil, nil, err
	}
	inv := InvoiceStore(st)
	return &acquiring.Service{Store: inv, Policies: inv, Quotes: inv, Rates: r, Now: time.Now}, st, nil
}

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

// WithdrawalFees reads the network fee the withdrawal pipeline holds on
// each payout (WITHDRAWAL_FEE_ETHEREUM, WITHDRAWAL_FEE_TRON: decimal
// USDT); set is false when either is unset here.
func WithdrawalFees(env core.Env) (fees map[sg.Chain]sg.Amount, set bool, err error) {
	raw := map[sg.Chain]string{sg.Ethereum: env("WITHDRAWAL_FEE_ETHEREUM"), sg.Tron: env("WITHDRAWAL_FEE_TRON")}
	for _, v := range raw {
		if v == "" {
			return nil, false, nil
		}
	}
	fees = map[sg.Chain]sg.Amount{}
	for c, v := range raw {
		if fees[c], err = sg.ParseAmount(v, sg.USDTDecimals); err != nil {
			return nil, true, errors.New("fn: withdrawal fee of " + string(c) + " is not a decimal amount")
		}
	}
	return fees, true, nil
}

// NetworkFees are the pass-through network fees of settlements
// (WithdrawalFees), or none when they are not configured here.
func NetworkFees(env core.Env) (settlement.NetworkFees, error) {
	fees, set, err := WithdrawalFees(env)
	if err != nil || !set {
		return nil, err
	}
	return flatNetworkFees(fees), nil
}

// Settlements is the settlement service over the table: fee schedules,
// configs, settlements, the ledger moves into the settlement wallet and
// the pass-through network fees (WITHDRAWAL_FEE_<CHAIN>, when set). It has
// no events (pipefn.SettlementService adds them) and no payer
// (payoutfn.Settlements adds the withdrawal pipeline's).
func Settlements(env core.Env, st *dynamo.Store) (*settlement.Service, error) {
	nf, err := NetworkFees(env)
	if err != nil {
		return nil, err
	}
	fees := &settlement.Fees{Schedules: st.Settlements, Network: nf, Now: time.Now}
	return &settlement.Service{Fees: fees, Configs: st.Settlements, Store: st.Settlements, Now: time.Now,
		Ledger: settlementLedger{st.Ledger, st.Wallets}, Refunds: dynamo.RefundCaps{Table: st.Base}, Committed: st.Settlements,
		// Paid invoices a freeze kept from settling: the deposit hook parks
		// them, the settlements-close job settles them once it is lifted.
		Parked: dynamo.ParkedInvoices{Table: st.Base}, Invoices: InvoiceStore(st)}, nil
}
