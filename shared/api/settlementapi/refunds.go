package settlementapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/refundends"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpRefund names refunds in idempotency records.
const OpRefund = "invoices.refund"

// InvoiceReader reads a tenant's invoice (package refundends).
type InvoiceReader = refundends.InvoiceReader

// RefundEnds gives back what a refund took when its payout ended unpaid
// (package refundends).
type RefundEnds = refundends.RefundEnds

// TransfersByKey finds a withdrawal by the hash of its idempotency key.
type TransfersByKey = refundends.TransfersByKey

// Refunds serves POST /v1/invoices/{invoice_id}/refunds: a full or
// partial refund, paid back through the withdrawal pipeline (its policy,
// approvals and freezes), never more than paid less refunded.
type Refunds struct {
	Invoices InvoiceReader
	W        *ledger.Withdrawals
	Svc      *settlement.Service
	// Links and Idem serve "payer_link": true (nil: such requests fail).
	Links     sg.RefundLinks
	Idem      sg.IdempotencyClaims
	PortalURL string
	Now       func() time.Time
	// Travel checks and records a refund's travel-rule data, as for any
	// withdrawal (nil: a request carrying travel_rule is refused, and the
	// pipeline's travel step decides alone).
	Travel *compliance.Travel
}

// RefundRequest is the refund's body. Chain defaults to the chain of the
// invoice's first confirmed payment; ToAddress to the address that paid
// from there. PayerLink asks the payer for the address instead: the answer
// is a refund link (see sg.RefundLink), and the refund is paid when the
// payer gives it.
type RefundRequest struct {
	Amount    string `json:"amount" validate:"required"`
	Chain     string `json:"chain,omitempty"`
	ToAddress string `json:"to_address,omitempty"`
	PayerLink bool   `json:"payer_link,omitempty"`
	Reason    string `json:"reason,omitempty" validate:"max=200"`
	// TravelRule is the refund's travel-rule data (IVMS 101): the merchant
	// as originator, the payer as beneficiary; required above the
	// deployment's threshold, as on POST /v1/withdrawals.
	TravelRule json.RawMessage `json:"travel_rule,omitempty"`
}

// payerOf is the chain and sender of the invoice's first confirmed
// payment on chain c ("" for any chain).
func payerOf(inv sg.Invoice, c sg.Chain) (sg.Chain, string) {
	for _, p := range inv.Payments {
		if p.State == sg.PaymentConfirmed && (c == "" || p.Chain == c) {
			return p.Chain, p.From
		}
	}
	return c, ""
}

// Create is POST /v1/invoices/{invoice_id}/refunds (Idempotency-Key).
func (h Refunds) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body RefundRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	amount, err := api.ParsePositiveAmount(body.Amount, "amount")
	if err != nil {
		return httpapi.Response{}, err
	}
	inv, err := h.Invoices.Invoice(ctx, p.TenantID, req.PathParameters["invoice_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
	default:
		return httpapi.Response{}, sg.ErrInvoiceNotPaid
	}
	if body.Chain != "" && !sg.Chain(body.Chain).Valid() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("chain")
	}
	chain, from := payerOf(inv, sg.Chain(body.Chain))
	if chain == "" || !inv.Accepts(chain) {
		return httpapi.Response{}, sg.ErrChainNotAccepted.WithParam("chain")
	}
	if body.PayerLink {
		if len(body.TravelRule) > 0 {
			return httpapi.Response{}, sg.ErrValidation.WithParam(compliance.TravelParam).WithMessage("a payer link carries no travel_rule: give to_address with it")
		}
		if err := h.linkTravel(ctx, p.TenantID, chain, amount); err != nil {
			return httpapi.Response{}, err
		}
		return h.createLink(ctx, p, key, inv, chain, amount, body)
	}
	dest := strings.TrimSpace(body.ToAddress)
	if dest == "" {
		dest = from
	}
	if dest == "" {
		return httpapi.Response{}, sg.ErrRefundAddressUnknown
	}
	to, err := address.Parse(chain, dest)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("to_address")
	}
	// The travel rule is checked before anything is reserved or held: a
	// refund over the threshold without its data is refused now, not
	// rejected by the pipeline once its grace has run out.
	var travel *sg.TravelPayload
	if h.Travel != nil {
		if travel, err = h.Travel.PayoutRequest(ctx, p.TenantID, chain, to.Format(chain), amount, body.TravelRule); err != nil {
			return httpapi.Response{}, err
		}
		if travel != nil && h.Travel.Sealer == nil {
			return httpapi.Response{}, sg.Unavailable("settlementapi.refund", errors.New("travel-rule data cannot be stored: no envelope key is configured"))
		}
	} else if len(body.TravelRule) > 0 {
		return httpapi.Response{}, sg.ErrUnknownField.WithParam(compliance.TravelParam)
	}
	hash := httpapi.RequestHash(OpRefund, struct {
		Invoice string
		Body    RefundRequest
	}{inv.ID, body})
	r, err := payRefund(ctx, h.W, h.Svc, refund{tenant: p.TenantID, inv: inv, chain: chain, key: key, hash: hash, amount: amount,
		to: to.Format(chain), by: p.Subject})
	if err != nil {
		return httpapi.Response{}, err
	}
	if h.Travel != nil && !settlement.EndedUnpaid(r.Transfer.State) {
		// Recorded once per payout (a retry finds the same data); if this
		// fails, the payout waits for it within the travel step's grace
		// and a retry of the request records it.
		if _, err := h.Travel.RequireForPayout(ctx, p.TenantID, r.Transfer, travel); err != nil {
			return httpapi.Response{}, err
		}
	}
	resp := httpapi.JSON(http.StatusCreated, api.ViewTransfer(r.Transfer))
	if r.Replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// linkTravel refuses a payer link for a refund the travel rule covers:
// the link carries no travel-rule data, so its payout could never be paid
// (travel_rule_data_required; send to_address and travel_rule instead).
func (h Refunds) linkTravel(ctx context.Context, tenant string, c sg.Chain, amount sg.Amount) error {
	if h.Travel == nil {
		return nil
	}
	if _, err := h.Travel.CheckPayout(ctx, tenant, c, "", amount, nil); err != nil {
		if errors.Is(err, sg.ErrTravelRuleDataRequired) {
			return sg.ErrTravelRuleDataRequired.WithMessage("a refund over the travel-rule threshold needs travel_rule: give to_address and travel_rule, not payer_link")
		}
		return err
	}
	return nil
}

// refund is one refund to pay: to an address, under a key.
type refund struct {
	tenant, key, hash, to, by, link string
	inv                             sg.Invoice
	chain                           sg.Chain
	amount                          sg.Amount
}

// payRefund pays a refund through the withdrawal pipeline: the amount is
// reserved against what was paid less refunded, the withdrawal is
// requested (its policy, screening, approvals and freezes), and the refund
// becomes a line of the merchant's settlement. Every step is keyed, so a
// retry after a crash at any step finishes the same refund once.
func payRefund(ctx context.Context, w *ledger.Withdrawals, svc *settlement.Service, rf refund) (ledger.Result, error) {
	fee := w.Fee(rf.chain)
	// A payout already requested under the key (a retry) is answered as
	// it was: the checks of a fresh refund are not asked again. The key
	// used by another request (another invoice, amount or address, or a
	// withdrawal) is refused before anything is reserved or cleared: the
	// pipeline would refuse it too, and a reservation made for it would
	// never be given back (a conflict is no refusal to undo).
	prior, err := w.Store.TransferByKey(ctx, rf.tenant, sg.KeyHash(rf.tenant, ledger.OpWithdraw, rf.key))
	fresh := errors.Is(err, sg.ErrNotFound)
	switch {
	case err != nil && !fresh:
		return ledger.Result{}, err
	case !fresh && prior.RequestHash != rf.hash:
		return ledger.Result{}, sg.ErrIdempotencyKeyReused
	case !fresh && settlement.EndedUnpaid(prior.State):
		// Its payout ended without paying: answered as it was, nothing is
		// reserved again, and what it took is given back (once; the
		// pipeline's Settler normally did so already).
		return ledger.Result{Transfer: prior, Replayed: true}, svc.RefundUnpaid(ctx, rf.inv, prior, rf.key)
	}
	from, err := svc.RefundSource(ctx, rf.inv, rf.chain, rf.key, rf.amount, fee, fresh)
	if err != nil {
		return ledger.Result{}, err
	}
	meta := map[string]string{settlement.MetaInvoiceID: rf.inv.ID, settlement.MetaRefund: "true", settlement.MetaRefundKey: rf.key}
	if rf.link != "" {
		meta["refund_link"] = rf.link
	}
	r, err := w.Create(ctx, rf.tenant, rf.key, rf.hash, ledger.Withdraw{Wallet: from.Wallet, Chain: rf.chain, Asset: sg.USDT,
		ToAddress: rf.to, Amount: rf.amount, Memo: "refund of invoice " + rf.inv.ID, Metadata: meta, RequestedBy: rf.by})
	if err != nil {
		switch sg.KindOf(err) {
		case sg.KindRefused, sg.KindInvalid, sg.KindForbidden, sg.KindNotFound:
			// Nothing was held: the reservation and any clearing go back.
			if uerr := svc.RefundRefused(ctx, rf.inv, rf.chain, rf.key, rf.amount, fee); uerr != nil {
				return ledger.Result{}, uerr
			}
		}
		return ledger.Result{}, err
	}
	if settlement.EndedUnpaid(r.Transfer.State) {
		// A retry that raced the payout's end (its reservation was made
		// again after the Settler released it): given back once more.
		return r, svc.RefundUnpaid(ctx, rf.inv, r.Transfer, rf.key)
	}
	// The refund is a line of the merchant's settlement: the amount and
	// the network fee held for it come off the net. Money the settlement
	// never collected (paid before the chain was settled) left the
	// invoice's wallet: no settlement nets it.
	if !from.Settled {
		return r, nil
	}
	if _, err := svc.AddRefund(ctx, rf.tenant, settlement.Reversal{ID: r.Transfer.ID, InvoiceID: rf.inv.ID, Chain: rf.chain, Amount: rf.amount + r.Transfer.Fee, Key: rf.key}); err != nil {
		return ledger.Result{}, err
	}
	return r, nil
}
