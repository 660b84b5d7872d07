// Package tronfn wires the Tron sweeper and what the sweep grant routes
// (package grantroutes) start from. It is apart from chainfn so these
// functions link no go-ethereum, and from the routes so the sweeper links
// no request handling.
package tronfn

import (
	"context"
	"errors"
	"os"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/obs"
)

// TronSweeps builds the scheduled Tron sweeper: it carries out the signed
// grant, if any, then sweeps granted deposit addresses into the hot
// address with the hot key (tron.Sweeper). It stops under a platform
// freeze, as the Ethereum sweeper does.
func TronSweeps(ctx context.Context, env core.Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(tronSweeps)(ctx, env)
}

// TronHot is what the Tron sweeper and the grant routes start from: the
// TronGrid client, the token, the table and the hot key.
func TronHot(ctx context.Context, env core.Env) (*tron.Grid, address.Account, *dynamo.Store, *kmssign.Signer, error) {
	_, grid, token, ok, err := hotkeyfn.TronConfig(env)
	if err == nil && !ok {
		err = errors.New("tronfn: TRON_GRID_URL is not set")
	}
	if err != nil {
		return nil, token, nil, nil, err
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, token, nil, nil, err
	}
	signer, err := hotkeyfn.KMSSigner(ctx, env)
	return grid, token, st, signer, err
}

func tronSweeps(ctx context.Context, env core.Env) (core.Job, error) {
	grid, token, st, signer, err := TronHot(ctx, env)
	if err != nil {
		return nil, err
	}
	s := &tron.Sweeper{Send: &tron.Sender{Grid: grid, Signer: signer, Store: st.Withdrawals}, Token: token, Store: dynamo.TronSweeps{Sweeps: st.Sweeps, Grants: st.Grants, Withdrawals: st.Withdrawals}, Signed: airgap.SignedApproves}
	log := obs.NewLogger(os.Stdout, "sweeps-tron")
	return core.UnlessPlatformFrozen(st.Custody, log, tron.SweepResult{}, func(ctx context.Context) (any, error) {
		r, err := s.Run(ctx)
		if err != nil {
			return nil, err
		}
		log.Info("swept", "grant", r.Grant, "grant_pending", r.GrantPending, "started", r.Started, "sent", r.Sent,
			"ended", r.Ended, "swept", r.Swept, "waiting_for_grant", r.Waiting)
		return r, nil
	}), nil
}
