// Package acquiring holds the rules of merchant invoices: pricing in USDT
// or in a fiat currency at a locked rate, a wallet of its own per invoice
// (so payments are matched by address, never by amount), statuses that
// follow from the payments, the expiry and the tenant's policy, the hosted
// checkout's public view, receipts, and one event per change, published
// from an outbox written with the change.
package acquiring

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"
	"unicode/utf8"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Operation names in idempotency records.
const OpCreate = "invoices.create"

// Limits of a new invoice.
const (
	MinExpiresIn     = time.Minute
	MaxExpiresIn     = 30 * 24 * time.Hour
	DefaultExpiresIn = time.Hour
	MaxOrderID       = 200
	MaxDescription   = 1000
	MaxRedirectURL   = 2048
	maxAttempts      = 8
)

// Service creates and settles invoices.
type Service struct {
	Store     sg.InvoiceStore
	Policies  sg.InvoicePolicies
	Quotes    sg.FxQuotes
	Rates     sg.RateSource
	Addresses sg.InvoiceAddresses
	Events    sg.EventPublisher
	Now       func() time.Time
	// Rand makes checkout tokens; crypto/rand when nil.
	Rand io.Reader
	// AllowHTTP lets redirect URLs be http (set by the local stack's wiring only).
	AllowHTTP bool
	// RateTTL is how long a rate fetched at creation stays locked (at most
	// the invoice's expiry); FxQuoteTTL how long QuoteFx locks one.
	// Defaults: sg.FxQuoteTTL.
	RateTTL    time.Duration
	FxQuoteTTL time.Duration
	// Log receives publish failures (the outbox keeps the events); slog's
	// default when nil. Tokens are never logged.
	Log *slog.Logger
}

// CheckoutByToken implements sg.CheckoutLookup.
var _ sg.CheckoutLookup = (*Service)(nil)

// CreateInvoice is what a merchant asks for. Exactly one of Amount (USDT)
// and FiatCurrency with FiatAmount is given; FxQuoteID names a rate locked
// by QuoteFx (without it the rate source is asked now).
type CreateInvoice struct {
	Amount       string
	FiatCurrency string
	FiatAmount   string
	FxQuoteID    string
	// Chains the payer may use; empty is every supported chain.
	Chains []sg.Chain
	// ExpiresIn is the time to pay; 0 is DefaultExpiresIn.
	ExpiresIn   time.Duration
	OrderID     string
	Description string
	Metadata    map[string]string
	RedirectURL string
}

// Idem is the idempotency key of a request and the fingerprint of its content.
type Idem struct {
	Key  string
	Hash string
}

// Rendered is the answer to a create: the status and body first given,
// whether this call replayed it, and the invoice when this call made it.
type Rendered struct {
	Status   int
	Body     []byte
	Replayed bool
	Invoice  sg.Invoice
}

// Render encodes a new invoice as the response stored and replayed. A nil
// Render stores 201 and the JSON of ViewOf(inv, true).
type Render func(sg.Invoice) (status int, body []byte, err error)

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Create makes an invoice with a wallet of its own, or replays the first
// answer given to the same key; a key reused with another request is
// ErrIdempotencyKeyReused. Bad input is refused before anything is
// written.
func (s *Service) Create(ctx context.Context, tenant string, in CreateInvoice, idem Idem, render Render) (Rendered, error) {
	if r, ok, err := s.replay(ctx, tenant, idem); ok || err != nil {
		return r, err
	}
	now := s.now()
	inv, err := s.draft(ctx, tenant, in, now)
	if err != nil {
		return Rendered{}, err
	}
	pol, err := s.policy(ctx, tenant)
	if err != nil {
		return Rendered{}, err
	}
	inv.Policy = pol
	inv.ID = sg.NewKeyedID("inv", now, tenant, OpCreate, idem.Key)
	if inv.CheckoutToken, err = s.token(); err != nil {
		return Rendered{}, err
	}
	w, err := s.Addresses.NewInvoiceWallet(ctx, tenant, inv.ID, inv.Chains)
	if err != nil {
		return Rendered{}, err
	}
	inv.WalletID = w.ID
	for _, c := range inv.Chains {
		a, ok := walletAddress(w, c)
		if !ok {
			return Rendered{}, sg.Internal("acquiring.Create", fmt.Errorf("wallet %s has no %s address", w.ID, c))
		}
		inv.Addresses = append(inv.Addresses, a)
	}
	inv.Version = 1
	inv.Outbox = []sg.InvoiceEvent{event(inv, EventCreated, 0)}
	if render == nil {
		render = defaultRender
	}
	status, body, err := render(inv)
	if err != nil {
		return Rendered{}, sg.Internal("acquiring.Create", err)
	}
	rec := sg.Idempotency{TenantID: tenant, Operation: OpCreate, Key: idem.Key, RequestHash: idem.Hash, Status: status, Response: body, CreatedAt: now}
	err = s.Store.CreateInvoice(ctx, inv, rec)
	if errors.Is(err, sg.ErrIdempotencyInProgress) {
		if r, ok, err := s.replay(ctx, tenant, idem); ok || err != nil {
			return r, err
		}
		return Rendered{}, sg.ErrIdempotencyInProgress
	}
	if err != nil {
		return Rendered{}, err
	}
	if err := s.flush(ctx, inv); err != nil {
		// Created: the outbox keeps the event for the next call or the job.
		s.log().WarnContext(ctx, "acquiring: events stay in the outbox", "invoice", inv.ID, "err", err)
	}
	inv.Outbox = nil
	return Rendered{Status: status, Body: body, Invoice: inv}, nil
}

func defaultRender(inv sg.Invoice) (int, []byte, error) {
	b, err := json.Marshal(ViewOf(inv, true))
	return 201, b, err
}

func (s *Service) replay(ctx context.Context, tenant string, idem Idem) (Rendered, bool, error) {
	rec, err := s.Store.Idempotency(ctx, tenant, OpCreate, idem.Key)
	if errors.Is(err, sg.ErrNotFound) {
		return Rendered{}, false, nil
	}
	if err != nil {
		return Rendered{}, false, err
	}
	if rec.RequestHash != idem.Hash {
		return Rendered{}, false, sg.ErrIdempotencyKeyReused
	}
	return Rendered{Status: rec.Status, Body: rec.Response, Replayed: true}, true, nil
}

func (s *Service) policy(ctx context.Context, tenant string) (sg.InvoicePolicy, error) {
	if s.Policies == nil {
		return sg.DefaultInvoicePolicy, nil
	}
	p, err := s.Policies.InvoicePolicy(ctx, tenant)
	if errors.Is(err, sg.ErrNotFound) {
		return sg.DefaultInvoicePolicy, nil
	}
	return p, err
}

// Policy returns the tenant's invoice policy (the default if none was set).
func (s *Service) Policy(ctx context.Context, tenant string) (sg.InvoicePolicy, error) {
	return s.policy(ctx, tenant)
}

// SetPolicy validates and sets the tenant's policy for invoices created
// from now on (an invoice keeps the policy it was created under).
func (s *Service) SetPolicy(ctx context.Context, tenant string, p sg.InvoicePolicy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Policies.PutInvoicePolicy(ctx, tenant, p)
}

func (s *Service) token() (string, error) {
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", sg.Internal("acquiring.token", err)
	}
	return "chk_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// draft checks the request and prices it: everything a create may refuse
// is refused here, before any write.
func (s *Service) draft(ctx context.Context, tenant string, in CreateInvoice, now time.Time) (sg.Invoice, error) {
	inv := sg.Invoice{TenantID: tenant, Status: sg.InvoiceOpen, OrderID: in.OrderID, Description: in.Description,
		RedirectURL: in.RedirectURL, CreatedAt: now, UpdatedAt: now}
	exp := in.ExpiresIn
	if exp == 0 {
		exp = DefaultExpiresIn
	}
	if exp < MinExpiresIn || exp > MaxExpiresIn {
		return inv, sg.ErrExpiresInRange
	}
	inv.ExpiresAt = now.Add(exp)
	chains, err := acceptedChains(in.Chains)
	if err != nil {
		return inv, err
	}
	inv.Chains = chains
	if len(in.OrderID) > MaxOrderID || !printable(in.OrderID) {
		return inv, sg.ErrValidation.WithParam("order_id")
	}
	if len(in.Description) > MaxDescription || !utf8.ValidString(in.Description) {
		return inv, sg.ErrValidation.WithParam("description")
	}
	if err := checkMetadata(in.Metadata); err != nil {
		return inv, err
	}
	if len(in.Metadata) > 0 {
		inv.Metadata = in.Metadata
	}
	if err := s.checkRedirect(in.RedirectURL); err != nil {
		return inv, err
	}
	fiat := in.FiatCurrency != "" || in.FiatAmount != "" || in.FxQuoteID != ""
	switch {
	case fiat == (in.Amount != ""):
		return inv, sg.ErrPriceAmbiguous
	case !fiat:
		a, err := sg.ParseAmount(in.Amount, sg.USDTDecimals)
		if err != nil {
			return inv, asParam(err, "amount")
		}
		if a <= 0 {
			return inv, sg.ErrAmountNotPositive
		}
		inv.Amount = a
		return inv, nil
	}
	price, amount, err := s.price(ctx, tenant, in, now, inv.ExpiresAt)
	if err != nil {
		return inv, err
	}
	inv.Fiat, inv.Amount = price, amount
	return inv, nil
}

// price turns a fiat amount into USDT at the quote's rate or the source's.
func (s *Service) price(ctx context.Context, tenant string, in CreateInvoice, now, expires time.Time) (*sg.FiatPrice, sg.Amount, error) {
	dec, err := sg.FiatDecimals(in.FiatCurrency)
	if err != nil {
		return nil, 0, err
	}
	if in.FiatAmount == "" {
		return nil, 0, sg.ErrValidation.WithParam("fiat_amount")
	}
	fiat, err := sg.ParseDecimal(in.FiatAmount, dec)
	if err != nil {
		return nil, 0, asParam(err, "fiat_amount")
	}
	if fiat.Sign() <= 0 {
		return nil, 0, sg.ErrAmountNotPositive.WithParam("fiat_amount")
	}
	p := &sg.FiatPrice{Currency: in.FiatCurrency, Amount: fiat.FloatString(dec)}
	if in.FxQuoteID != "" {
		if !sg.ValidID("fxq", in.FxQuoteID) {
			return nil, 0, sg.ErrFxQuoteNotFound
		}
		q, err := s.Quotes.FxQuote(ctx, tenant, in.FxQuoteID)
		if errors.Is(err, sg.ErrNotFound) {
			return nil, 0, sg.ErrFxQuoteNotFound
		}
		if err != nil {
			return nil, 0, err
		}
		if q.Currency != in.FiatCurrency {
			return nil, 0, sg.ErrFxQuoteMismatch
		}
		if !now.Before(q.ExpiresAt) {
			return nil, 0, sg.ErrRateExpired
		}
		p.Rate, p.Source, p.QuoteID, p.RateExpiresAt = q.Rate, q.Source, q.ID, minTime(expires, q.ExpiresAt)
	} else {
		r, err := s.Rates.Rate(ctx, in.FiatCurrency)
		if err != nil {
			return nil, 0, err
		}
		p.Rate, p.Source, p.RateExpiresAt = r.PerUSDT, r.Source, minTime(expires, now.Add(s.rateTTL()))
	}
	rate, err := sg.ParseRate(p.Rate)
	if err != nil {
		return nil, 0, sg.ErrRateInvalid.Because("acquiring.price", err)
	}
	amount, err := sg.USDTForFiat(fiat, rate)
	if err != nil {
		return nil, 0, asParam(err, "fiat_amount")
	}
	if amount <= 0 {
		return nil, 0, sg.ErrAmountNotPositive.WithParam("fiat_amount")
	}
	return p, amount, nil
}

func (s *Service) rateTTL() time.Duration {
	if s.RateTTL > 0 {
		return s.RateTTL
	}
	return sg.FxQuoteTTL
}

// QuoteFx locks the source's current rate of currency for the tenant for
// FxQuoteTTL: an invoice that names the quote before it expires is priced
// at that rate.
func (s *Service) QuoteFx(ctx context.Context, tenant, currency string) (sg.FxQuote, error) {
	if _, err := sg.FiatDecimals(currency); err != nil {
		return sg.FxQuote{}, err
	}
	r, err := s.Rates.Rate(ctx, currency)
	if err != nil {
		return sg.FxQuote{}, err
	}
	if _, err := sg.ParseRate(r.PerUSDT); err != nil {
		return sg.FxQuote{}, sg.ErrRateInvalid.Because("acquiring.QuoteFx", err)
	}
	ttl := s.FxQuoteTTL
	if ttl <= 0 {
		ttl = sg.FxQuoteTTL
	}
	now := s.now()
	q := sg.FxQuote{ID: sg.NewID("fxq", now), TenantID: tenant, Currency: currency, Rate: r.PerUSDT, Source: r.Source, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.Quotes.PutFxQuote(ctx, q); err != nil {
		return sg.FxQuote{}, err
	}
	return q, nil
}

func acceptedChains(in []sg.Chain) ([]sg.Chain, error) {
	if len(in) == 0 {
		return append([]sg.Chain(nil), sg.Chains...), nil
	}
	seen := map[sg.Chain]bool{}
	var out []sg.Chain
	for _, c := range in {
		if !c.Valid() {
			return nil, sg.ErrUnsupportedChain.WithParam("chains")
		}
		if seen[c] {
			return nil, sg.ErrValidation.WithParam("chains")
		}
		seen[c] = true
		out = append(out, c)
	}
	return out, nil
}

func (s *Service) checkRedirect(raw string) error {
	if raw == "" {
		return nil
	}
	if len(raw) > MaxRedirectURL {
		return sg.ErrValidation.WithParam("redirect_url")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.User != nil || !printable(raw) {
		return sg.ErrValidation.WithParam("redirect_url")
	}
	if u.Scheme == "https" || s.AllowHTTP && u.Scheme == "http" {
		return nil
	}
	return sg.ErrRedirectNotHTTPS
}

func checkMetadata(m map[string]string) error {
	if len(m) > 20 {
		return sg.ErrMetadataInvalid
	}
	for k, v := range m {
		if k == "" || len(k) > 40 || !printable(k) || len(v) > 500 || !utf8.ValidString(v) {
			return sg.ErrMetadataInvalid
		}
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func asParam(err error, param string) error {
	var e *sg.Error
	if errors.As(err, &e) {
		return e.WithParam(param)
	}
	return err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Get returns the tenant's invoice with its payments; another tenant's is not found.
func (s *Service) Get(ctx context.Context, tenant, id string) (sg.Invoice, error) {
	if !sg.ValidID("inv", id) {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("invoice_id")
	}
	return s.Store.Invoice(ctx, tenant, id)
}

// List returns a page of the tenant's invoices, newest first.
func (s *Service) List(ctx context.Context, tenant string, f sg.InvoiceFilter, page sg.Page) ([]sg.Invoice, string, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", sg.ErrValidation.WithParam("status")
	}
	if page.Limit < 0 || page.Limit > 100 {
		return nil, "", sg.ErrValidation.WithParam("limit")
	}
	return s.Store.Invoices(ctx, tenant, f, page)
}

// Cancel closes an open or partially paid invoice with no payment pending.
// A payment that arrives after is still recorded and follows the policy
// for late payments (its deadline is the cancellation).
func (s *Service) Cancel(ctx context.Context, tenant, id string) (sg.Invoice, error) {
	for range maxAttempts {
		inv, err := s.Get(ctx, tenant, id)
		if err != nil {
			return sg.Invoice{}, err
		}
		if !inv.Status.Awaiting() || inv.Pending > 0 {
			return sg.Invoice{}, sg.ErrInvoiceNotCancellable
		}
		now := s.now()
		next := inv
		next.CancelledAt = now
		next = settle(next, now)
		next.UpdatedAt = now
		if next.Status != sg.InvoiceCancelled {
			// Paid while we read it: no longer cancellable.
			return sg.Invoice{}, sg.ErrInvoiceNotCancellable
		}
		out, err := s.write(ctx, inv, next, nil, "", nil)
		if errors.Is(err, sg.ErrInvoiceChanged) {
			continue
		}
		return out, err
	}
	return sg.Invoice{}, sg.ErrInvoiceChanged
}

// CheckoutByToken resolves a checkout token (sg.CheckoutLookup).
func (s *Service) CheckoutByToken(ctx context.Context, token string) (string, string, error) {
	if !sg.ValidCheckoutToken(token) {
		return "", "", sg.ErrNotFound.WithParam("token")
	}
	inv, err := s.Store.InvoiceByToken(ctx, token)
	if err != nil {
		return "", "", err
	}
	return inv.TenantID, inv.ID, nil
}

// Checkout returns the public view of the invoice a token opens.
func (s *Service) Checkout(ctx context.Context, token string) (CheckoutView, error) {
	if !sg.ValidCheckoutToken(token) {
		return CheckoutView{}, sg.ErrNotFound.WithParam("token")
	}
	inv, err := s.Store.InvoiceByToken(ctx, token)
	if err != nil {
		return CheckoutView{}, err
	}
	return CheckoutOf(inv, s.now()), nil
}

// Option returns where and how much to pay an invoice on chain c (for a
// payment link or QR); a chain the invoice does not take is
// ErrChainNotAccepted.
func Option(inv sg.Invoice, c sg.Chain) (OptionView, error) {
	a, ok := inv.AddressOn(c)
	if !inv.Accepts(c) || !ok {
		return OptionView{}, sg.ErrChainNotAccepted
	}
	return OptionView{Chain: string(c), Network: network(c), Asset: string(sg.USDT), Address: a.Address, Amount: inv.Remaining().String()}, nil
}

func network(c sg.Chain) string {
	switch c {
	case sg.Ethereum:
		return "ERC20"
	case sg.Tron:
		return "TRC20"
	}
	return ""
}

func walletAddress(w sg.Wallet, c sg.Chain) (sg.DepositAddress, bool) {
	for _, a := range w.Addresses {
		if a.Chain == c {
			return a, true
		}
	}
	return sg.DepositAddress{}, false
}
