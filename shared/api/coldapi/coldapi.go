// Package coldapi serves the platform's cold payouts: a platform admin
// prepares a bundle for the offline signer, hands it out as JSON and QR
// images, and takes it back signed; it is then broadcast and followed to
// its confirmations. The cold wallet is the deployment's treasury, so
// cold payouts, their records and the one open bundle per chain are the
// platform's (sg.PlatformTenant), never a tenant's: every route needs the
// platform:admin scope, as Tron sweep grants and hot key rotations do.
// It is apart from package api because the Ethereum bundle format links
// go-ethereum's transaction code, which only these functions need.
package coldapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/airgapapi"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpPrepare names cold bundle preparation in idempotency keys.
const OpPrepare = "cold-payouts.create"

// Chain is one chain's side of cold payouts (chain/ethereum.Cold,
// chain/tron.Cold).
type Chain interface {
	// Bundle builds the unsigned bundle of r's transfer (r.ID, r.Amount,
	// r.CreatedAt set) to to, filling r's Chain, Bundle, ExpiresAt and To.
	Bundle(ctx context.Context, r sg.ColdRecord, to address.Account, purpose string) (sg.ColdRecord, error)
	// Signed checks a signed file against r's bundle (exactly it, from the
	// cold address, signed by it) and returns the transaction to keep and
	// broadcast, and its hash.
	Signed(r sg.ColdRecord, file []byte) (raw []byte, hash string, err error)
	// Advance moves a signed payout on; it reports whether it has ended.
	Advance(ctx context.Context, tenant, id string) (bool, error)
}

// Store keeps cold payouts (sg.ColdPayouts).
type Store = sg.ColdPayouts

// Service keeps the platform's cold payouts over the chains configured.
type Service struct {
	Store  Store
	Chains map[sg.Chain]Chain
	Now    func() time.Time
	// Freezes, if set, stop cold payouts under a platform freeze: none is
	// prepared or imported (so none is broadcast) while it holds.
	Freezes Freezes
	// Screen, if set, screens each destination against the sanctions list
	// and the platform's blocklist when the bundle is prepared and again
	// when it comes back signed, before it is broadcast: a hit is refused
	// with its named code (destination_sanctioned, destination_blocked) and
	// opens a case; with no list loaded nothing is prepared or imported.
	// The cold wallet is the platform's treasury, not a customer's money:
	// no tier limits or travel rule apply to it.
	Screen Screen
}

// Screen screens a payout's destination (compliance.Screening).
type Screen interface {
	ScreenPayout(ctx context.Context, tenant string, c sg.Chain, to, subject string) (sg.ScreeningDecision, error)
}

// screen refuses a cold payout to a listed or blocked destination.
func (s *Service) screen(ctx context.Context, c sg.Chain, to, id string) error {
	if s.Screen == nil {
		return nil
	}
	_, err := s.Screen.ScreenPayout(ctx, platform, c, to, id)
	return err
}

// Freezes says whether a freeze is in force (sg.FreezeReader).
type Freezes = sg.FreezeReader

// frozen refuses a step of a cold payout under a platform freeze.
func (s *Service) frozen(ctx context.Context) error {
	if s.Freezes == nil {
		return nil
	}
	f, on, err := s.Freezes.FreezeOn(ctx, platform, "")
	if err != nil || !on {
		return err
	}
	return sg.ErrFrozen.WithMessage("cold payouts are frozen (%s freeze %s); they resume when enough approvers lift it", f.Scope, f.ID)
}

// platform owns every cold payout.
const platform = sg.PlatformTenant

func (s *Service) chain(c sg.Chain) (Chain, error) {
	if ch, ok := s.Chains[c]; ok {
		return ch, nil
	}
	return nil, sg.ErrChainNotConfigured.WithMessage("this deployment has no cold address on %s", c)
}

// Prepare makes the unsigned bundle of a transfer of amount to to on chain
// and takes the chain's one open bundle. The same idempotency key answers
// with the first bundle.
func (s *Service) Prepare(ctx context.Context, by, key, reqHash string, c sg.Chain, to address.Account, amount sg.Amount, purpose string) (sg.ColdRecord, bool, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	id := sg.NewKeyedID("cb", now, platform, OpPrepare, key)
	kp, _ := sg.KeyPart("cb", id)
	replay := func() (sg.ColdRecord, bool, error) {
		r, err := s.Store.ColdBundle(ctx, platform, kp, true)
		if err != nil {
			return sg.ColdRecord{}, false, err
		}
		if r.RequestHash != reqHash {
			return sg.ColdRecord{}, false, sg.ErrIdempotencyKeyReused
		}
		return r, true, nil
	}
	if r, ok, err := replay(); err == nil || !errors.Is(err, sg.ErrNotFound) {
		return r, ok, err
	}
	if err := s.frozen(ctx); err != nil {
		return sg.ColdRecord{}, false, err
	}
	ch, err := s.chain(c)
	if err != nil {
		return sg.ColdRecord{}, false, err
	}
	if err := s.screen(ctx, c, to.Format(c), id); err != nil {
		return sg.ColdRecord{}, false, err
	}
	r, err := ch.Bundle(ctx, sg.ColdRecord{ID: id, Tenant: platform, State: sg.ColdPrepared, RequestHash: reqHash,
		RequestedBy: by, CreatedAt: now, Amount: amount}, to, purpose)
	if err != nil {
		return sg.ColdRecord{}, false, err
	}
	j := sg.JournalEntry{At: now, Actor: by, Action: "cold_payout.prepared", Subject: id,
		Detail: fmt.Sprintf("%s USDT on %s to %s, valid until %s", amount, c, r.To, r.ExpiresAt.Format(time.RFC3339))}
	err = s.Store.PutColdBundle(ctx, r, j)
	if errors.Is(err, sg.ErrColdBundleOpen) {
		if freed, ferr := s.freeTenantLock(ctx, by, c); ferr != nil {
			return sg.ColdRecord{}, false, ferr
		} else if freed {
			err = s.Store.PutColdBundle(ctx, r, j)
		}
	}
	if errors.Is(err, sg.ErrTransferExists) {
		return replay()
	}
	return r, false, err
}

// freeTenantLock cancels an unsigned bundle a tenant prepared before cold
// payouts became the platform's, if it holds the chain's lock: no one could
// see or cancel it any more, and it would hold the platform back until it
// expired. One already signed is followed to its end as before (the
// tracker knows its tenant) and keeps the lock until then.
func (s *Service) freeTenantLock(ctx context.Context, by string, c sg.Chain) (bool, error) {
	tenant, id, _, err := s.Store.ColdLock(ctx, string(c))
	if err != nil || tenant == "" || tenant == platform {
		return false, err
	}
	r, err := s.Store.ColdBundle(ctx, tenant, id, false)
	if errors.Is(err, sg.ErrNotFound) {
		return false, nil
	} else if err != nil || r.State != sg.ColdPrepared {
		return false, err
	}
	err = s.Store.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdCancelled, "", sg.JournalEntry{At: s.Now().UTC(), Actor: by,
		Action: "cold_payout.cancelled", Subject: id, Detail: "a tenant's unsigned bundle from before cold payouts were the platform's"})
	if errors.Is(err, sg.ErrStateChanged) {
		return false, nil
	}
	return err == nil, err
}

// Get reads a cold payout.
func (s *Service) Get(ctx context.Context, id string) (sg.ColdRecord, error) {
	return s.Store.ColdBundle(ctx, platform, id, false)
}

// Import takes a signed bundle back: it must be exactly the prepared
// bundle, signed by the cold address, before its expiry and only once.
// Then it is broadcast and followed like any payout (if the broadcast
// fails, the tracker sends it).
func (s *Service) Import(ctx context.Context, by, id string, file []byte) (sg.ColdRecord, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return r, err
	}
	ch, err := s.chain(sg.Chain(r.Chain))
	if err != nil {
		return r, err
	}
	raw, hash, err := ch.Signed(r, file)
	if err != nil {
		return r, err
	}
	switch {
	case r.State != sg.ColdPrepared:
		return r, sg.ErrColdBundleUsed
	case !s.Now().Before(r.ExpiresAt):
		return r, sg.ErrColdBundleExpired
	}
	if err := s.frozen(ctx); err != nil {
		return r, err
	}
	// Screened again: the list may have changed while the bundle was away.
	if err := s.screen(ctx, sg.Chain(r.Chain), r.To, id); err != nil {
		return r, err
	}
	if _, err := s.Store.SaveSignedTx(ctx, id, raw, hash, s.Now()); err != nil {
		return r, err
	}
	err = s.Store.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdSigned, hash, sg.JournalEntry{At: s.Now().UTC(), Actor: by,
		Action: "cold_payout.signed", Subject: id, Detail: fmt.Sprintf("signed offline; transaction %s", hash)})
	if errors.Is(err, sg.ErrStateChanged) {
		if now, _ := s.Get(ctx, id); now.State == sg.ColdPrepared {
			return r, sg.ErrColdBundleExpired
		}
		return r, sg.ErrColdBundleUsed
	} else if err != nil {
		return r, err
	}
	if err := s.Store.TrackCold(ctx, sg.Chain(r.Chain), platform, id); err != nil {
		return r, err
	}
	ended, err := ch.Advance(ctx, platform, id)
	if err != nil {
		r.State, r.TxHash = sg.ColdSigned, hash
		return r, nil // signed and tracked: the tracker retries the broadcast
	}
	if ended { // at once (a Tron transaction the chain no longer takes): nothing to follow
		if err := s.Store.Untrack(ctx, sg.Chain(r.Chain), id); err != nil {
			return r, err
		}
	}
	return s.Get(ctx, id)
}

// Cancel withdraws a bundle not yet imported, so the chain's one open
// bundle (and on Ethereum its nonce) is free for the next. A signature made
// for it offline is then refused: the bundle is no longer prepared.
func (s *Service) Cancel(ctx context.Context, by, id string) (sg.ColdRecord, error) {
	for {
		r, err := s.Get(ctx, id)
		if err != nil {
			return r, err
		}
		if r.State == sg.ColdCancelled {
			return r, nil
		}
		if r.State != sg.ColdPrepared {
			return r, sg.ErrColdBundleUsed.WithMessage("the bundle has been signed and imported; it can no longer be cancelled")
		}
		err = s.Store.MoveCold(ctx, r, sg.ColdPrepared, sg.ColdCancelled, "",
			sg.JournalEntry{At: s.Now().UTC(), Actor: by, Action: "cold_payout.cancelled", Subject: id})
		if errors.Is(err, sg.ErrStateChanged) {
			continue // signed or cancelled meanwhile: answer as it is now
		}
		if err != nil {
			return r, err
		}
		r.State = sg.ColdCancelled
		return r, nil
	}
}

// Handlers serve the cold payout routes.
type Handlers struct {
	Cold *Service
}

// PrepareRequest is the body of POST /v1/platform/cold-payouts.
type PrepareRequest struct {
	Chain     string `json:"chain" validate:"required,oneof=ethereum tron"`
	ToAddress string `json:"to_address" validate:"required,max=64"`
	Amount    string `json:"amount" validate:"required,max=40"`
	Purpose   string `json:"purpose" validate:"required,max=200"`
}

// View is a cold payout in the API's shape.
type View struct {
	ID        string          `json:"id"`
	Object    string          `json:"object"`
	State     string          `json:"state"`
	Chain     string          `json:"chain"`
	Amount    string          `json:"amount"`
	ToAddress string          `json:"to_address"`
	TxHash    *string         `json:"tx_hash"`
	QRParts   int             `json:"qr_parts"`
	CreatedAt string          `json:"created_at"`
	ExpiresAt string          `json:"expires_at"`
	Bundle    json.RawMessage `json:"bundle"`
}

func view(r sg.ColdRecord, now time.Time) View {
	v := View{ID: r.ID, Object: "cold_payout", State: r.State, Chain: r.Chain, Amount: r.Amount.String(), ToAddress: r.To,
		QRParts: len(airgap.Frames(r.Bundle)), CreatedAt: r.CreatedAt.Format(time.RFC3339Nano), ExpiresAt: r.ExpiresAt.Format(time.RFC3339),
		Bundle: json.RawMessage(r.Bundle)}
	if r.State == sg.ColdPrepared && !now.Before(r.ExpiresAt) {
		v.State = "expired"
	}
	if r.TxHash != "" {
		v.TxHash = &r.TxHash
	}
	return v
}

// admin is the caller, who must be a platform admin. The gateway checks
// the route's scope first; this holds if a route is ever declared without.
func admin(req httpapi.Request) (httpapi.Principal, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return p, err
	}
	if !p.Has(api.ScopePlatformAdmin) {
		return p, sg.ErrColdNotPlatform
	}
	return p, nil
}

// Prepare is POST /v1/platform/cold-payouts.
func (h Handlers) Prepare(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, err := admin(req); err != nil {
		return httpapi.Response{}, err
	}
	var body PrepareRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	amount, err := api.ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	to, err := address.Parse(sg.Chain(body.Chain), body.ToAddress)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("to_address")
	}
	r, replayed, err := h.Cold.Prepare(ctx, p.Subject, key, httpapi.RequestHash(OpPrepare, body), sg.Chain(body.Chain), to, amount, body.Purpose)
	if err != nil {
		return httpapi.Response{}, err
	}
	v := view(r, r.CreatedAt) // the first answer, as it was
	v.State = sg.ColdPrepared
	v.TxHash = nil
	resp := httpapi.JSON(http.StatusCreated, v)
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// record reads the cold payout named in the path, for a platform admin.
func (h Handlers) record(ctx context.Context, req httpapi.Request) (sg.ColdRecord, error) {
	if _, err := admin(req); err != nil {
		return sg.ColdRecord{}, err
	}
	return h.Cold.Get(ctx, req.PathParameters["bundle_id"])
}

// Get is GET /v1/platform/cold-payouts/{bundle_id}.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}

// QR is GET /v1/platform/cold-payouts/{bundle_id}/qr/{part}: one QR image
// (PNG) of the bundle file, parts numbered from 1 to qr_parts.
func (h Handlers) QR(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	r, err := h.record(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return airgapapi.QRPart(req, r.Bundle)
}

// Cancel is POST /v1/platform/cold-payouts/{bundle_id}/cancel.
func (h Handlers) Cancel(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := admin(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.Cold.Cancel(ctx, p.Subject, req.PathParameters["bundle_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}

// Import is POST /v1/platform/cold-payouts/{bundle_id}/signature: the
// signed bundle file, as the offline signer wrote it.
func (h Handlers) Import(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := admin(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	body, err := airgapapi.SignedFile(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.Cold.Import(ctx, p.Subject, req.PathParameters["bundle_id"], body)
	if err != nil {
		return httpapi.Response{}, airgapapi.Refusal(err)
	}
	return httpapi.JSON(http.StatusOK, view(r, h.Cold.Now())), nil
}
