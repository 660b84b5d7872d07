// Package tronfn wires the Tron sweeper and the sweep grant routes. It is
// apart from chainfn so these functions link no go-ethereum.
package tronfn

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/api/grantapi"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/obs"
)

// TronSweeps builds the scheduled Tron sweeper: it carries out the signed
// grant, if any, then sweeps granted deposit addresses into the hot
// address with the hot key (tron.Sweeper). It stops under a platform
// freeze, as the Ethereum sweeper does.
func TronSweeps(ctx context.Context, env fn.Env) (fn.Job, error) {
	return hotkeyfn.JobOnHotKey(tronSweeps)(ctx, env)
}

// tronHot is what the Tron sweeper and the grant routes start from: the
// TronGrid client, the token, the table and the hot key.
func tronHot(ctx context.Context, env fn.Env) (*tron.Grid, address.Account, *dynamo.Store, *kmssign.Signer, error) {
	_, grid, token, ok, err := fn.TronConfig(env)
	if err == nil && !ok {
		err = errors.New("tronfn: TRON_GRID_URL is not set")
	}
	if err != nil {
		return nil, token, nil, nil, err
	}
	st, err := fn.Store(env)
	if err != nil {
		return nil, token, nil, nil, err
	}
	signer, err := hotkeyfn.KMSSigner(ctx, env)
	return grid, token, st, signer, err
}

func tronSweeps(ctx context.Context, env fn.Env) (fn.Job, error) {
	grid, token, st, signer, err := tronHot(ctx, env)
	if err != nil {
		return nil, err
	}
	s := &tron.Sweeper{Send: &tron.Sender{Grid: grid, Signer: signer, Store: st.Withdrawals}, Token: token, Store: dynamo.TronSweeps{Sweeps: st.Sweeps, Grants: st.Grants, Withdrawals: st.Withdrawals}, Signed: airgap.SignedApproves}
	log := obs.NewLogger(os.Stdout, "sweeps-tron")
	return fn.UnlessPlatformFrozen(st.Custody, log, tron.SweepResult{}, func(ctx context.Context) (any, error) {
		r, err := s.Run(ctx)
		if err != nil {
			return nil, err
		}
		log.Info("swept", "grant", r.Grant, "grant_pending", r.GrantPending, "started", r.Started, "sent", r.Sent,
			"ended", r.Ended, "swept", r.Swept, "waiting_for_grant", r.Waiting)
		return r, nil
	}), nil
}

// grantHandler builds one grant route over the Tron network and the hot
// key (TRON_GRANT_TTL: how long a grant may be away, default 6h, at most
// 23h).
func grantHandler(name string, pick func(grantapi.Handlers) httpapi.Handler) fn.Builder {
	return fn.OnHotKey(func(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
		grid, token, st, signer, err := tronHot(ctx, env)
		if err != nil {
			return nil, err
		}
		ttl := 6 * time.Hour
		if v := env("TRON_GRANT_TTL"); v != "" {
			if ttl, err = time.ParseDuration(v); err != nil || ttl < time.Minute || ttl > 23*time.Hour {
				return nil, errors.New("tronfn: TRON_GRANT_TTL must be a duration from 1m to 23h")
			}
		}
		g := &grantapi.Grants{Store: dynamo.TronSweeps{Sweeps: st.Sweeps, Grants: st.Grants, Withdrawals: st.Withdrawals}, Grid: grid, Token: token, TTL: ttl, Now: time.Now,
			Hot: func(ctx context.Context) (address.Account, error) { return signer.Address(ctx) }}
		return httpapi.Wrap(name, pick(grantapi.Handlers{Grants: g})), nil
	})
}

// The Tron sweep grant endpoints, one function each (see template.yaml).

// TronGrantsCreate builds the tron-grants-create function.
func TronGrantsCreate(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-create", func(h grantapi.Handlers) httpapi.Handler { return h.Prepare })(ctx, env)
}

// TronGrantsGet builds the tron-grants-get function.
func TronGrantsGet(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-get", func(h grantapi.Handlers) httpapi.Handler { return h.Get })(ctx, env)
}

// TronGrantsQR builds the tron-grants-qr function.
func TronGrantsQR(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-qr", func(h grantapi.Handlers) httpapi.Handler { return h.QR })(ctx, env)
}

// TronGrantsSign builds the tron-grants-sign function.
func TronGrantsSign(ctx context.Context, env fn.Env) (httpapi.Handler, error) {
	return grantHandler("tron-grants-sign", func(h grantapi.Handlers) httpapi.Handler { return h.Import })(ctx, env)
}
