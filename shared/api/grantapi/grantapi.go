// Package grantapi serves Tron sweep grants to platform admins: prepare a
// grant of the deposit addresses waiting to be swept (each will sign one
// approve letting the hot address draw its USDT), hand it out as JSON and
// QR images for the offline signer (coldsign grant), and take it back
// signed. The sweeper (sweeps-tron) then carries it out and sweeps those
// addresses with the hot key alone (infra/chains.md, "Sweeping (Tron)").
package grantapi

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/api/airgapapi"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpPrepare names grant preparation in idempotency keys.
const OpPrepare = "tron_grant.prepare"

// Store keeps grants and reads the deposit addresses waiting for one (the
// dynamo adapter implements it).
type Store interface {
	tron.GrantStore
	PutTronGrant(ctx context.Context, r sg.GrantRecord, j sg.JournalEntry) error
}

// Grants prepares and imports grants.
type Grants struct {
	Store Store
	Grid  *tron.Grid
	Token address.Account
	Hot   func(ctx context.Context) (address.Account, error)
	// TTL is how long a grant may be away (at most 23 hours: a Tron
	// transaction expires at most a day after it is made).
	TTL time.Duration
	Now func() time.Time
}

// ErrNothingToGrant: every address waiting to be swept is granted already.
var ErrNothingToGrant = &sg.Error{Kind: sg.KindConflict, Code: "nothing_to_grant",
	Message: "no deposit address waits for a grant: every one holding confirmed deposits has approved the hot address"}

// Prepare makes a grant of up to limit addresses, once per idempotency key.
func (g *Grants) Prepare(ctx context.Context, by, key, reqHash string, limit int) (sg.GrantRecord, bool, error) {
	now := g.Now().UTC().Truncate(time.Microsecond)
	id := sg.NewKeyedID("tg", now, "platform", OpPrepare, key)
	kp, _ := sg.KeyPart("tg", id)
	replay := func() (sg.GrantRecord, bool, error) {
		r, err := g.Store.TronGrant(ctx, kp, true)
		if err != nil {
			return sg.GrantRecord{}, false, err
		}
		if r.RequestHash != reqHash {
			return sg.GrantRecord{}, false, sg.ErrIdempotencyKeyReused
		}
		return r, true, nil
	}
	if r, ok, err := replay(); err == nil || !errors.Is(err, sg.ErrNotFound) {
		return r, ok, err
	}
	hot, err := g.Hot(ctx)
	if err != nil {
		return sg.GrantRecord{}, false, err
	}
	marks, err := tron.GrantCandidates(ctx, g.Store, g.Token, hot, limit)
	if err != nil {
		return sg.GrantRecord{}, false, err
	}
	if len(marks) == 0 {
		return sg.GrantRecord{}, false, ErrNothingToGrant
	}
	head, err := g.Grid.NowBlock(ctx, false)
	if err != nil {
		return sg.GrantRecord{}, false, sg.Unavailable("grantapi.Prepare", err)
	}
	rb, rh, err := head.RefBlock()
	if err != nil {
		return sg.GrantRecord{}, false, sg.Unavailable("grantapi.Prepare", err)
	}
	expires := now.Add(g.TTL).Truncate(time.Second)
	b := airgap.TronGrant{Format: airgap.FormatTronGrant, ID: id, Chain: string(sg.Tron), Token: g.Token.Tron(), Spender: hot.Tron(),
		RefBlockBytes: hex.EncodeToString(rb[:]), RefBlockHash: hex.EncodeToString(rh[:]),
		// The approves expire a minute after the grant, so one imported
		// in time can still be sent.
		Timestamp: now.UnixMilli(), Expiration: head.Timestamp + g.TTL.Milliseconds() + 60_000, FeeLimit: 30_000_000,
		ExpiresAt: expires}
	for _, m := range marks {
		b.Items = append(b.Items, airgap.GrantItem{Index: m.Index, Address: m.Address})
	}
	r := sg.GrantRecord{ID: id, Scope: tron.SweepScope(g.Token), State: sg.GrantPrepared, Bundle: airgap.Marshal(b),
		RequestHash: reqHash, RequestedBy: by, CreatedAt: now, ExpiresAt: expires}
	err = g.Store.PutTronGrant(ctx, r, sg.JournalEntry{At: now, Actor: by, Action: "tron_grant.prepared", Subject: id,
		Detail: fmt.Sprintf("%d deposit addresses to approve %s", len(b.Items), b.Spender)})
	if errors.Is(err, sg.ErrTransferExists) {
		return replay()
	}
	return r, false, err
}

// Import takes a signed grant back: exactly the grant prepared, every
// approve signed by its own address, before the grant expires and once.
func (g *Grants) Import(ctx context.Context, by, id string, file []byte) (sg.GrantRecord, error) {
	r, err := g.Store.TronGrant(ctx, id, false)
	if err != nil {
		return r, err
	}
	signed, err := airgap.ParseTronGrantSigned(file)
	if err != nil {
		return r, err
	}
	if string(airgap.Marshal(signed.Grant)) != string(r.Bundle) {
		return r, ErrGrantMismatch
	}
	switch {
	case r.State != sg.GrantPrepared:
		return r, ErrGrantNotOpen
	case !g.Now().Before(r.ExpiresAt):
		return r, ErrGrantExpired.WithMessage("the grant expired at %s; prepare a new one", r.ExpiresAt.Format(time.RFC3339))
	}
	err = g.Store.MoveTronGrant(ctx, r, sg.GrantPrepared, sg.GrantSigned, file, nil, sg.JournalEntry{At: g.Now().UTC(), Actor: by,
		Action: "tron_grant.signed", Subject: id, Detail: fmt.Sprintf("%d approves signed offline for %s", len(signed.Signatures), signed.Grant.Spender)})
	if errors.Is(err, sg.ErrStateChanged) {
		return r, ErrGrantNotOpen
	}
	if err != nil {
		return r, err
	}
	return g.Store.TronGrant(ctx, id, false)
}

// ErrGrantMismatch: the signed file is not of the grant prepared under
// this id (another grant's, or changed).
var ErrGrantMismatch = &sg.Error{Kind: sg.KindRefused, Code: "grant_mismatch", Param: "grant",
	Message: "the signed file is not the grant prepared under this id"}

// ErrGrantExpired: the grant came back after expires_at.
var ErrGrantExpired = &sg.Error{Kind: sg.KindRefused, Code: "grant_expired", Param: "expires_at", Message: "the grant expired"}

// ErrGrantNotOpen: the grant was imported already, or has ended.
var ErrGrantNotOpen = &sg.Error{Kind: sg.KindConflict, Code: "grant_not_open",
	Message: "this grant was signed already or has ended; prepare a new one"}

// Handlers serve the grant routes.
type Handlers struct{ Grants *Grants }

// PrepareRequest is the body of POST /v1/platform/tron-grants.
type PrepareRequest struct {
	Limit int `json:"limit" validate:"omitempty,min=1,max=50"`
}

// AddressView is one address of a grant.
type AddressView struct {
	Index   uint32 `json:"index"`
	Address string `json:"address"`
	Outcome string `json:"outcome,omitempty"`
}

// View is a grant in the API's shape.
type View struct {
	ID        string          `json:"id"`
	Object    string          `json:"object"`
	State     string          `json:"state"`
	Spender   string          `json:"spender"`
	Addresses []AddressView   `json:"addresses"`
	QRParts   int             `json:"qr_parts"`
	CreatedAt string          `json:"created_at"`
	ExpiresAt string          `json:"expires_at"`
	Bundle    json.RawMessage `json:"bundle"`
}

func view(r sg.GrantRecord, now time.Time) View {
	v := View{ID: r.ID, Object: "tron_grant", State: r.State, QRParts: len(airgap.Frames(r.Bundle)), Addresses: []AddressView{},
		CreatedAt: r.CreatedAt.Format(time.RFC3339Nano), ExpiresAt: r.ExpiresAt.Format(time.RFC3339), Bundle: json.RawMessage(r.Bundle)}
	if r.State == sg.GrantPrepared && !now.Before(r.ExpiresAt) {
		v.State = "expired"
	}
	if b, err := airgap.ParseTronGrant(r.Bundle); err == nil {
		v.Spender = b.Spender
		for _, it := range b.Items {
			v.Addresses = append(v.Addresses, AddressView{Index: it.Index, Address: it.Address, Outcome: r.Outcome[it.Address]})
		}
	}
	return v
}

// Prepare is POST /v1/platform/tron-grants.
func (h Handlers) Prepare(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body PrepareRequest
	if strings.TrimSpace(req.Body) == "" && !req.IsBase64Encoded {
		// No body: the defaults (the body is optional).
		req.Body = "{}"
		headers := map[string]string{}
		for k, v := range req.Headers {
			headers[k] = v
		}
		headers["content-type"] = "application/json"
		req.Headers = headers
	}
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	limit := body.Limit
	if limit == 0 {
		limit = 20
	}
	r, replayed, err := h.Grants.Prepare(ctx, p.Subject, key, httpapi.RequestHash(OpPrepare, body), limit)
	if err != nil {
		return httpapi.Response{}, err
	}
	v := view(r, r.CreatedAt) // the first answer, as it was
	v.State = sg.GrantPrepared
	resp := httpapi.JSON(http.StatusCreated, v)
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// record reads the grant named in the path.
func (h Handlers) record(ctx context.Context, req httpapi.Request) (sg.GrantRecord, error) {
	if _, err := httpapi.PrincipalOf(req); err != nil {
		return sg.GrantRecord{}, err
	}
	return h.Grants.Store.TronGrant(ctx, req.PathParameters["grant_id"], false)
}

// Get is GET /v1/platform/tron-grants/{grant_id}.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Grants.Now())), nil
}

// QR is GET /v1/platform/tron-grants/{grant_id}/qr/{part}: one QR image
// (PNG) of the grant file, parts numbered from 1 to qr_parts.
func (h Handlers) QR(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return airgapapi.QRPart(req, r.Bundle)
}

// Import is POST /v1/platform/tron-grants/{grant_id}/signature: the
// signed grant file, as coldsign wrote it.
func (h Handlers) Import(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	body, err := airgapapi.SignedFile(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.Grants.Import(ctx, p.Subject, req.PathParameters["grant_id"], body)
	if err != nil {
		return httpapi.Response{}, airgapapi.Refusal(err)
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Grants.Now())), nil
}
