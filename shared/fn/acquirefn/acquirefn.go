// Package acquirefn builds the acquiring service for what is not a route:
// the invoice expiry job and the deposit watchers' invoice listener. It
// links no request handling (the invoice routes, which also make each
// invoice's wallet, are package fn's), so those functions start without it.
package acquirefn

import (
	"context"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Service builds the invoice service over the table (acquiretable.Service)
// with its events, which go to the webhooks when WEBHOOK_QUEUE_URL is set;
// until then (or while it fails) they wait in the invoices' outboxes. It
// has no wallet service: it cannot create invoices, only read, cancel,
// expire and settle them.
func Service(env core.Env) (*acquiring.Service, *dynamo.Store, error) {
	svc, st, err := acquiretable.Service(env)
	if err != nil {
		return nil, nil, err
	}
	svc.Events = publishfn.Publisher(env)
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
