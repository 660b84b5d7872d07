// Package acquirefn builds the acquiring service for what is not a route:
// the invoice expiry job and the deposit watchers' invoice listener. It
// links no request handling (the invoice routes, which also make each
// invoice's wallet, are package fn's), so those functions start without it.
package acquirefn

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/fxrate"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Rates reads FX_RATES ("EUR=0.92,GBP=0.79"; the template's FxRates, which
// the local stack sets to fixed rates tests can price in).
func Rates(env core.Env) (*fxrate.Static, error) {
	r, err := fxrate.ParseStatic(env("FX_RATES"))
	if err != nil {
		return nil, fmt.Errorf("acquirefn: FX_RATES: %w", err)
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
				return nil, fmt.Errorf("acquirefn: NETWORK_%s %q is not mainnet or dev", upper(c), name)
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

// Service builds the invoice service from TABLE_NAME, FX_RATES and (for
// its events) WEBHOOK_QUEUE_URL, with no wallet service: it cannot create
// invoices, only read, expire and settle them.
func Service(env core.Env) (*acquiring.Service, *dynamo.Store, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	r, err := Rates(env)
	if err != nil {
		return nil, nil, err
	}
	inv := pipefn.InvoiceStore(st)
	// Events go to the webhooks when WEBHOOK_QUEUE_URL is set; until then
	// (or while it fails) they wait in the invoices' outboxes.
	svc := &acquiring.Service{Store: inv, Policies: inv, Quotes: inv, Rates: r, Events: publishfn.Publisher(env), Now: time.Now}
	return svc, st, nil
}

// Expiry job limits per run (the rest waits for the next minute).
const (
	expireBatch = 500
	outboxBatch = 200
)

// InvoicesExpireJob builds the scheduled job that expires invoices past
// their time (the sparse expiry index) and publishes events a crash left
// in outboxes.
func InvoicesExpireJob(ctx context.Context, env core.Env) (core.Job, error) {
	svc, _, err := Service(env)
	if err != nil {
		return nil, err
	}
	log := obs.NewLogger(os.Stdout, "invoices-expire")
	return func(ctx context.Context) (any, error) {
		n, err := svc.Expire(ctx, time.Now(), expireBatch)
		log.Info("invoices expired", "count", n)
		if err != nil {
			return map[string]int{"expired": n}, err
		}
		return map[string]int{"expired": n}, svc.FlushOutbox(ctx, outboxBatch)
	}, nil
}

// InvoiceListener is the acquiring service as the deposit sink's listener
// (sg.DepositListener): every deposit the ledger records is offered to it,
// and it settles the invoice whose wallet took it.
//
// Behind it, the settlement hook (settlement.InvoiceHook) credits the
// merchant for each invoice the deposit leaves paid, as its settlement
// config says: the net into its settlement wallet and the lines into its
// open settlement (the settlements-close job closes and pays them).
func InvoiceListener(ctx context.Context, env core.Env) (sg.DepositListener, error) {
	svc, st, err := Service(env)
	if err != nil {
		return nil, err
	}
	stl, err := pipefn.SettlementService(env, st)
	if err != nil {
		return nil, err
	}
	return settlement.InvoiceHook{Next: svc, Invoices: svc.Store, Settle: stl}, nil
}
