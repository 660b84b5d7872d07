// Package settlementapi is the HTTP edge of settlements: the merchant's fee
// schedule (read; the platform writes it) and settlement configs, the
// settlements and their reports, and the adapters that pay a settlement
// through the one withdrawal pipeline.
package settlementapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SettlementWallets gives a tenant's settlement wallet, making it the
// first time (Wallets implements it over the wallet service).
type SettlementWallets interface {
	SettlementWallet(ctx context.Context, tenant string) (sg.Wallet, error)
}

// Handlers serve the settlement routes.
type Handlers struct {
	Svc *settlement.Service
	// Wallets makes the settlement wallet on the first config put (nil:
	// the config routes are not served by this function).
	Wallets SettlementWallets
	// ---- cust: the merchant as a customer (issue 15) ----
	// Customers finds the customer a config names (the tenant's only);
	// Owners moves the settlement wallet to it; WalletReader reads the
	// wallet's customer for the config's answer. Nil: a config naming a
	// customer is refused.
	Customers    CustomerFinder
	Owners       sg.WalletOwners
	WalletReader WalletReader
	// ---- settle: cross-chain configs ---- Tiers, if set, refuses early
	// a config paid out on another chain whose customer's tier lacks
	// cross_chain (its payouts would only be held).
	Tiers CapabilityChecker
	Now   func() time.Time
}

// CapabilityChecker says whether a subject's tier has the capabilities an
// operation needs (compliance.Limits.Capable).
type CapabilityChecker interface {
	Capable(ctx context.Context, tenant, subject string, op sg.LimitOp, at time.Time) error
}

// crossChainAllowed refuses a cross-chain config early when the customer
// it names (or, without one, the settlement wallet's customer or the
// wallet itself) may not be paid across chains: nothing is written.
func (h Handlers) crossChainAllowed(ctx context.Context, cfg sg.SettlementConfig, customerID string, w sg.Wallet) error {
	if h.Tiers == nil || cfg.Destination.Chain == cfg.Chain {
		return nil
	}
	subject := sg.LimitSubject(w)
	if customerID != "" {
		if !sg.ValidID(sg.CustomerIDPrefix, customerID) {
			return sg.ErrSettlementCustomerNotFound
		}
		subject = customerID
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	err := h.Tiers.Capable(ctx, cfg.TenantID, subject, sg.LimitOp{CrossChain: true}, now().UTC())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sg.ErrNotFound):
		return sg.ErrSettlementCustomerNotFound
	case sg.KindOf(err) == sg.KindRefused:
		var e *sg.Error
		errors.As(err, &e)
		return sg.ErrSettlementCrossChainNotAllowed.WithMessage("%s (%s)", sg.ErrSettlementCrossChainNotAllowed.Message, e.Code)
	}
	return err
}

// CustomerFinder reads a tenant's customer (sg.CustomerStore has it).
type CustomerFinder interface {
	Customer(ctx context.Context, tenant, id string) (sg.Customer, error)
}

// WalletReader reads a tenant's wallet.
type WalletReader interface {
	Wallet(ctx context.Context, tenantID, walletID string) (sg.Wallet, error)
}

// settlementCustomer makes the customer body names (if any) the owner of
// the tenant's settlement wallet w: a customer of another tenant, or none,
// is settlement_customer_not_found and changes nothing.
func (h Handlers) settlementCustomer(ctx context.Context, tenant, id string, w sg.Wallet) (sg.Wallet, error) {
	if id == "" || sg.WalletCustomerID(w) == id {
		return w, nil
	}
	if !sg.ValidID(sg.CustomerIDPrefix, id) || h.Customers == nil || h.Owners == nil {
		return sg.Wallet{}, sg.ErrSettlementCustomerNotFound
	}
	if _, err := h.Customers.Customer(ctx, tenant, id); errors.Is(err, sg.ErrNotFound) {
		return sg.Wallet{}, sg.ErrSettlementCustomerNotFound
	} else if err != nil {
		return sg.Wallet{}, err
	}
	return h.Owners.SetWalletCustomer(ctx, tenant, w.ID, id)
}

// configCustomer is the customer of a config's settlement wallet ("" for none).
func (h Handlers) configCustomer(ctx context.Context, cfg sg.SettlementConfig) (string, error) {
	if h.WalletReader == nil || cfg.WalletID == "" {
		return "", nil
	}
	w, err := h.WalletReader.Wallet(ctx, cfg.TenantID, cfg.WalletID)
	if err != nil {
		return "", err
	}
	return sg.WalletCustomerID(w), nil
}

// Routes serves several routes of one resource from one function: the
// handler of the request's route key ("GET /v1/settlements"); another
// route is not found.
func Routes(rs map[string]httpapi.Handler) httpapi.Handler {
	return func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
		h, ok := rs[req.RouteKey]
		if !ok {
			return httpapi.Response{}, sg.ErrNotFound
		}
		return h(ctx, req)
	}
}

func chainParam(req httpapi.Request) (sg.Chain, error) {
	c := sg.Chain(req.QueryStringParameters["chain"])
	if !c.Valid() {
		return "", sg.ErrValidation.WithParam("chain").WithMessage("chain must be ethereum or tron")
	}
	return c, nil
}

// FeeQuoteView is the fee of an amount under the schedule: what a merchant
// is shown before anything is confirmed.
type FeeQuoteView struct {
	Amount string        `json:"amount"`
	Fee    string        `json:"fee"`
	Net    string        `json:"net"`
	Lines  []FeeLineView `json:"lines"`
}

// FeeLineView is one part of a fee.
type FeeLineView struct {
	Kind   string `json:"kind"`
	Amount string `json:"amount"`
}

// FeeScheduleView is GET /v1/fee-schedule's answer.
type FeeScheduleView struct {
	settlement.FeeScheduleBody
	Object string        `json:"object"`
	Quote  *FeeQuoteView `json:"quote,omitempty"`
}

// QuoteView renders a fee of amount.
func QuoteView(amount sg.Amount, f sg.Fee) FeeQuoteView {
	v := FeeQuoteView{Amount: amount.String(), Fee: f.Amount.String(), Net: (amount - f.Amount).String(), Lines: []FeeLineView{}}
	for _, l := range f.Lines {
		v.Lines = append(v.Lines, FeeLineView{Kind: string(l.Kind), Amount: l.Amount.String()})
	}
	return v
}

// GetFeeSchedule is GET /v1/fee-schedule?chain=&amount=: the tenant's fee
// schedule on the chain (the deployment's default, version 0, if the
// platform set none) and, with amount, the fee of that amount itemised.
func (h Handlers) GetFeeSchedule(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := chainParam(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	sch, err := h.Svc.Fees.Schedule(ctx, p.TenantID, c)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := FeeScheduleView{FeeScheduleBody: settlement.EncodeFeeSchedule(sch), Object: "fee_schedule"}
	if s, ok := req.QueryStringParameters["amount"]; ok {
		a, err := sg.ParseAmount(s, sg.USDTDecimals)
		if err != nil {
			return httpapi.Response{}, sg.ErrValidation.WithParam("amount").WithMessage("amount must be a USDT decimal string")
		}
		f, err := h.Svc.Fees.Quote(ctx, p.TenantID, c, a)
		if err != nil {
			return httpapi.Response{}, err
		}
		q := QuoteView(a, f)
		out.Quote = &q
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// PutFeeSchedule is PUT /v1/platform/fee-schedules/{tenant_id}: the
// platform sets a merchant's schedule on one chain (a new version over
// the one read; invoices keep the fee they were shown).
func (h Handlers) PutFeeSchedule(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, err := httpapi.PrincipalOf(req); err != nil {
		return httpapi.Response{}, err
	}
	tenant := req.PathParameters["tenant_id"]
	if !httpapi.ValidTenant(tenant) {
		return httpapi.Response{}, sg.ErrValidation.WithParam("tenant_id")
	}
	var body settlement.FeeScheduleBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	if body.EffectiveAt != "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("effective_at").WithMessage("effective_at is set by the server")
	}
	raw, _ := json.Marshal(body)
	sch, err := settlement.DecodeFeeSchedule(tenant, raw)
	if err != nil {
		return httpapi.Response{}, err
	}
	out, err := h.Svc.Fees.PutSchedule(ctx, sch)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, FeeScheduleView{FeeScheduleBody: settlement.EncodeFeeSchedule(out), Object: "fee_schedule"}), nil
}

// ConfigView is a settlement config's answer.
type ConfigView struct {
	settlement.ConfigBody
	Object   string `json:"object"`
	WalletID string `json:"wallet_id"`
}

func configView(c sg.SettlementConfig, customer string) ConfigView {
	v := ConfigView{ConfigBody: settlement.EncodeConfig(c), Object: "settlement_config", WalletID: c.WalletID}
	v.CustomerID = customer
	return v
}

// GetConfig is GET /v1/settlement-config?chain=: how the tenant's
// payments on the chain are settled (settlement_not_configured if not).
func (h Handlers) GetConfig(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := chainParam(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	cfg, err := h.Svc.Config(ctx, p.TenantID, c)
	if err != nil {
		return httpapi.Response{}, err
	}
	cus, err := h.configCustomer(ctx, cfg)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, configView(cfg, cus)), nil
}

// PutConfig is PUT /v1/settlement-config: instant or scheduled (daily at a
// cut-off hour, or at a threshold) for payments on a chain, paid to a
// destination on that chain or the other (cross-chain). The first put
// makes the tenant's settlement wallet, which every chain's config shares.
func (h Handlers) PutConfig(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body settlement.ConfigBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	if body.UpdatedAt != "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("updated_at").WithMessage("updated_at is set by the server")
	}
	raw, _ := json.Marshal(body)
	cfg, err := settlement.DecodeConfig(p.TenantID, raw)
	if err != nil {
		return httpapi.Response{}, err
	}
	w, err := h.Wallets.SettlementWallet(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.crossChainAllowed(ctx, cfg, body.CustomerID, w); err != nil {
		return httpapi.Response{}, err
	}
	// The merchant's customer owns the settlement wallet: its payouts are
	// held to that customer's tier by the one payout policy.
	if w, err = h.settlementCustomer(ctx, p.TenantID, body.CustomerID, w); err != nil {
		return httpapi.Response{}, err
	}
	cfg.WalletID = w.ID
	out, err := h.Svc.PutConfig(ctx, cfg)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, configView(out, sg.WalletCustomerID(w))), nil
}

// SummaryView is a settlement in a list.
type SummaryView struct {
	settlement.Summary
	Object string `json:"object"`
}

// List is GET /v1/settlements: the tenant's settlements, newest first.
func (h Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, page, err := api.ListRequest(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	stls, next, err := h.Svc.List(ctx, p.TenantID, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[SummaryView]{Object: "list", Data: make([]SummaryView, 0, len(stls)), HasMore: next != ""}
	for _, s := range stls {
		out.Data = append(out.Data, SummaryView{Summary: settlement.SummaryOf(s), Object: "settlement"})
	}
	if next != "" {
		out.NextCursor = &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Get is GET /v1/settlements/{settlement_id}?format=json|csv: the
// settlement's report, every line with its fee, the totals and the fiat
// rates used (JSON by default; CSV for a spreadsheet).
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	format := req.QueryStringParameters["format"]
	if format == "" {
		format = settlement.FormatJSON
	}
	id := req.PathParameters["settlement_id"]
	body, mt, err := h.Svc.Report(ctx, p.TenantID, id, strings.ToLower(format))
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.Raw(http.StatusOK, body)
	resp.Headers = map[string]string{"content-type": mt, "cache-control": "no-store"}
	if format == settlement.FormatCSV {
		resp.Headers["content-disposition"] = `attachment; filename="settlement-` + id + `.csv"`
	}
	return resp, nil
}
