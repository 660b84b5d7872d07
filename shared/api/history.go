package api

import (
	"context"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// History serves a wallet's transfer history.
type History struct {
	Store   sg.HistoryReader
	Wallets sg.WalletReader
}

// The filters' values, built at first use (package api is linked by every
// function; a map built at init costs each cold start).
var (
	transferTypes = &lazy.Value[map[string]bool]{New: func() map[string]bool {
		return map[string]bool{"internal": true, "deposit": true, "withdrawal": true}
	}}
	transferStates = &lazy.Value[map[string]bool]{New: func() map[string]bool {
		m := map[string]bool{}
		for _, s := range []sg.TransferState{sg.StatePosted, sg.StatePending, sg.StateApproved, sg.StateRejected, sg.StateAwaitingSigner,
			sg.StateSigned, sg.StateBroadcast, sg.StateConfirmed, sg.StateCancelled, sg.StateFailed, sg.StateReversed, sg.StateQuarantined} {
			m[string(s)] = true
		}
		return m
	}}
)

// HistoryFilterOf reads ?type=&state=&chain=&from=&to=.
func HistoryFilterOf(q map[string]string) (sg.HistoryFilter, error) {
	var f sg.HistoryFilter
	if v, ok := q["type"]; ok {
		if !transferTypes.Get()[v] {
			return f, sg.ErrValidation.WithParam("type").WithMessage("type must be internal, deposit or withdrawal")
		}
		f.Type = sg.TransferType(v)
	}
	if v, ok := q["state"]; ok {
		if !transferStates.Get()[v] {
			return f, sg.ErrValidation.WithParam("state").WithMessage("state is not a transfer state")
		}
		f.State = sg.TransferState(v)
	}
	if v, ok := q["chain"]; ok {
		if !sg.Chain(v).Valid() {
			return f, sg.ErrUnsupportedChain
		}
		f.Chain = sg.Chain(v)
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v, ok := q[p.name]; ok {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, sg.ErrValidation.WithParam(p.name).WithMessage("%s must be an RFC 3339 time such as 2026-11-01T00:00:00Z", p.name)
			}
			*p.dst = t
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, sg.ErrValidation.WithParam("to").WithMessage("to must be after from")
	}
	return f, nil
}

// List is GET /v1/wallets/{wallet_id}/transfers.
func (h History) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	f, err := HistoryFilterOf(req.QueryStringParameters)
	if err != nil {
		return httpapi.Response{}, err
	}
	page, err := PageOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := h.ownWallet(ctx, p, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	ts, next, err := h.Store.History(ctx, p.TenantID, id, f, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, listOf(ts, next, ViewTransfer)), nil
}

// ownWallet returns the path's wallet id if the wallet is the caller's.
func (h History) ownWallet(ctx context.Context, p httpapi.Principal, req httpapi.Request) (string, error) {
	id := req.PathParameters["wallet_id"]
	if !sg.ValidID("wal", id) {
		return "", sg.ErrNotFound.WithParam("wallet_id")
	}
	_, err := h.Wallets.Wallet(ctx, p.TenantID, id)
	return id, err
}
