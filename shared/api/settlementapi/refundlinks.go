package settlementapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Operations of refund links in idempotency records.
const (
	OpRefundLink      = "invoices.refund_link"
	OpRefundLinkClaim = "refund_links.claim"
)

// RefundLinkView is the RefundLink schema: what the merchant is answered
// when it asks for a link, and what the payer's page reads. The merchant's
// answer carries the token and the hosted page's URL to send the payer;
// the payer's view has neither tenant nor wallet.
type RefundLinkView struct {
	Object    string            `json:"object"`
	ID        string            `json:"id"`
	InvoiceID string            `json:"invoice_id,omitempty"`
	Chain     string            `json:"chain"`
	Amount    string            `json:"amount"`
	Asset     string            `json:"asset"`
	Status    string            `json:"status"`
	Reason    string            `json:"reason,omitempty"`
	Token     string            `json:"token,omitempty"`
	URL       string            `json:"url,omitempty"`
	ToAddress string            `json:"to_address,omitempty"`
	ExpiresAt string            `json:"expires_at"`
	CreatedAt string            `json:"created_at"`
	Refund    *api.TransferView `json:"refund,omitempty"`
}

func viewLink(l sg.RefundLink, forMerchant bool, portal string) RefundLinkView {
	v := RefundLinkView{Object: "refund_link", ID: l.ID, Chain: string(l.Chain), Amount: l.Amount.String(), Asset: string(sg.USDT),
		Status: string(l.State), Reason: l.Reason, ToAddress: l.ToAddress,
		ExpiresAt: l.ExpiresAt.UTC().Format(time.RFC3339), CreatedAt: l.CreatedAt.UTC().Format(time.RFC3339)}
	if forMerchant {
		v.InvoiceID, v.Token = l.InvoiceID, l.Token
		if portal != "" {
			v.URL = strings.TrimRight(portal, "/") + "/refund/?t=" + l.Token
		}
	}
	return v
}

func (h Refunds) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// createLink answers POST /v1/invoices/{id}/refunds with "payer_link":
// true: a link the payer claims with an address. Nothing is reserved yet;
// the amount is checked against what was paid less refunded now and again
// at the claim.
func (h Refunds) createLink(ctx context.Context, p httpapi.Principal, key string, inv sg.Invoice, chain sg.Chain, amount sg.Amount, body RefundRequest) (httpapi.Response, error) {
	if h.Links == nil {
		return httpapi.Response{}, sg.Internal("settlementapi.createLink", errors.New("no refund links wired"))
	}
	if strings.TrimSpace(body.ToAddress) != "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("to_address").WithMessage("give to_address or payer_link, not both")
	}
	refunded, err := h.Svc.Refunds.Refunded(ctx, p.TenantID, inv.ID)
	if err != nil {
		return httpapi.Response{}, err
	}
	if amount > inv.Paid-refunded {
		return httpapi.Response{}, sg.ErrRefundExceedsPaid
	}
	hash := httpapi.RequestHash(OpRefundLink, struct {
		Invoice string
		Body    RefundRequest
	}{inv.ID, body})
	return httpapi.Once(ctx, h.Idem, p.TenantID, OpRefundLink, key, hash, time.Minute, h.now, func() (int, any, error) {
		at := h.now().UTC()
		id := sg.NewKeyedID("rfl", at, p.TenantID, OpRefundLink, key)
		tok, err := refundToken()
		if err != nil {
			return 0, nil, err
		}
		l := sg.RefundLink{ID: id, TenantID: p.TenantID, InvoiceID: inv.ID, Chain: chain, Amount: amount, Reason: body.Reason,
			Token: tok, State: sg.RefundLinkOpen, CreatedBy: p.Subject, CreatedAt: at, ExpiresAt: at.Add(sg.RefundLinkTTL)}
		switch err := h.Links.PutRefundLink(ctx, l); {
		case errors.Is(err, sg.ErrRefundLinkExists):
			// Written before a crash, under this key: answer that link.
			if l, err = h.Links.RefundLinkByID(ctx, p.TenantID, id); err != nil {
				return 0, nil, err
			}
		case err != nil:
			return 0, nil, err
		}
		return http.StatusCreated, viewLink(l, true, h.PortalURL), nil
	})
}

func refundToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", sg.Internal("settlementapi.refundToken", err)
	}
	return "rfl_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// RefundLinkClaims serves the payer's side of a refund link, public (the
// token is the credential): GET /v1/refund-links/{token} reads it, POST
// /v1/refund-links/{token} (Idempotency-Key, {"to_address"}) claims it and
// pays the refund to that address through the withdrawal pipeline, as
// requested by the merchant who made the link.
type RefundLinkClaims struct {
	Links    sg.RefundLinks
	Invoices InvoiceReader
	W        *ledger.Withdrawals
	Svc      *settlement.Service
	Idem     sg.IdempotencyClaims
	Now      func() time.Time
	// Travel, if set, refuses a claim the travel rule now covers (the
	// threshold lowered since the link was made): the link carries no
	// travel-rule data, so its payout could never be paid.
	Travel *compliance.Travel
}

// ClaimRequest is the payer's body.
type ClaimRequest struct {
	ToAddress string `json:"to_address" validate:"required,max=128"`
}

func (h RefundLinkClaims) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Serve routes the two public operations.
func (h RefundLinkClaims) Serve(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	switch req.RouteKey {
	case "GET /v1/refund-links/{token}":
		return h.Get(ctx, req)
	case "POST /v1/refund-links/{token}":
		return h.Claim(ctx, req)
	}
	return httpapi.Response{}, sg.ErrNotFound
}

func (h RefundLinkClaims) byToken(ctx context.Context, req httpapi.Request) (sg.RefundLink, error) {
	tok := req.PathParameters["token"]
	if !strings.HasPrefix(tok, "rfl_") || !sg.ValidCheckoutToken(tok) {
		return sg.RefundLink{}, sg.ErrNotFound.WithParam("token")
	}
	l, err := h.Links.RefundLinkByToken(ctx, tok)
	if errors.Is(err, sg.ErrNotFound) {
		return l, sg.ErrNotFound.WithParam("token")
	}
	return l, err
}

// Get is GET /v1/refund-links/{token}: the payer's view, with the refund's
// state once claimed.
func (h RefundLinkClaims) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	l, err := h.byToken(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	v := viewLink(l, false, "")
	if l.State == sg.RefundLinkOpen && h.now().After(l.ExpiresAt) {
		v.Status = "expired"
	}
	if l.State == sg.RefundLinkClaimed {
		if t, err := h.W.Store.TransferByKey(ctx, l.TenantID, sg.KeyHash(l.TenantID, ledger.OpWithdraw, linkKey(l))); err == nil {
			tv := api.ViewTransfer(t)
			v.Refund = &tv
		}
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// linkKey is the key of the refund's withdrawal and reservation: one link,
// one refund, whoever claims it how often.
func linkKey(l sg.RefundLink) string { return "refund-link/" + l.ID }

// Claim is POST /v1/refund-links/{token}.
func (h RefundLinkClaims) Claim(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	key, err := httpapi.IdempotencyKey(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body ClaimRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	l, err := h.byToken(ctx, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	to, err := address.Parse(l.Chain, strings.TrimSpace(body.ToAddress))
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("to_address")
	}
	dest := to.Format(l.Chain)
	hash := httpapi.RequestHash(OpRefundLinkClaim, struct{ Link, To string }{l.ID, dest})
	return httpapi.Once(ctx, h.Idem, l.TenantID, OpRefundLinkClaim, key, hash, time.Minute, h.now, func() (int, any, error) {
		if l.State == sg.RefundLinkOpen && h.now().After(l.ExpiresAt) {
			return 0, nil, sg.ErrRefundLinkExpired
		}
		if err := (Refunds{Travel: h.Travel}).linkTravel(ctx, l.TenantID, l.Chain, l.Amount); err != nil {
			return 0, nil, err
		}
		claimed, err := h.Links.ClaimRefundLink(ctx, l.TenantID, l.ID, dest, h.now())
		if err != nil {
			return 0, nil, err
		}
		inv, err := h.Invoices.Invoice(ctx, l.TenantID, l.InvoiceID)
		if err != nil {
			return 0, nil, err
		}
		r, err := payRefund(ctx, h.W, h.Svc, refund{tenant: l.TenantID, inv: inv, chain: l.Chain, key: linkKey(l),
			hash: httpapi.RequestHash(OpRefund, struct{ Link, To string }{l.ID, dest}), amount: l.Amount, to: dest, by: l.CreatedBy, link: l.ID})
		if err != nil {
			return 0, nil, err
		}
		v := viewLink(claimed, false, "")
		tv := api.ViewTransfer(r.Transfer)
		v.Refund = &tv
		return http.StatusCreated, v, nil
	})
}
