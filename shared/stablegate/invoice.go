package stablegate

import (
	"context"
	"time"
)

// InvoiceStatus is where an invoice stands. Statuses follow from the
// invoice's payments, its expiry and its policy (see shared/acquiring and
// infra/acquiring.md for the transitions).
type InvoiceStatus string

// Invoice statuses.
const (
	InvoiceOpen          InvoiceStatus = "open"
	InvoicePartiallyPaid InvoiceStatus = "partially_paid"
	InvoicePaid          InvoiceStatus = "paid"
	InvoiceOverpaid      InvoiceStatus = "overpaid"
	InvoiceExpired       InvoiceStatus = "expired"
	InvoicePaidLate      InvoiceStatus = "paid_late"
	InvoiceCancelled     InvoiceStatus = "cancelled"
)

// Awaiting reports whether the invoice still waits for its payment (it is
// in the open-by-expiry index).
func (s InvoiceStatus) Awaiting() bool { return s == InvoiceOpen || s == InvoicePartiallyPaid }

// Valid reports whether s is a status.
func (s InvoiceStatus) Valid() bool {
	switch s {
	case InvoiceOpen, InvoicePartiallyPaid, InvoicePaid, InvoiceOverpaid, InvoiceExpired, InvoicePaidLate, InvoiceCancelled:
		return true
	}
	return false
}

// FiatPrice is the fiat price an invoice was created with and the rate that
// turned it into USDT, locked until RateExpiresAt.
type FiatPrice struct {
	// Currency is an ISO 4217 code of FiatCurrencies.
	Currency string
	// Amount is a decimal string in the currency's minor units ("100.00").
	Amount string
	// Rate is fiat per 1 USDT, a decimal string.
	Rate          string
	Source        string
	QuoteID       string
	RateExpiresAt time.Time
}

// Underpayment and overpayment policies.
const (
	UnderpaidAskRest         = "ask_rest"
	UnderpaidAcceptTolerance = "accept_within_tolerance"
	OverpaidCredit           = "credit"
	OverpaidRefund           = "refund"
	LateAccept               = "accept"
	LateRefund               = "refund"
)

// InvoicePolicy is a tenant's rules for payments that do not match the
// invoice. An invoice keeps a snapshot of the policy it was created under.
type InvoicePolicy struct {
	// UnderpaidTolerance and UnderpaidToleranceBPS (basis points of the
	// amount) bound what may be missing for an invoice to count as paid
	// under UnderpaidAcceptTolerance; the larger of the two applies.
	UnderpaidTolerance    Amount
	UnderpaidToleranceBPS int
	// Underpaid is UnderpaidAskRest (partially paid until the rest comes)
	// or UnderpaidAcceptTolerance.
	Underpaid string
	// Overpaid is OverpaidCredit (the surplus stays with the merchant) or
	// OverpaidRefund (RefundDue shows it).
	Overpaid string
	// LateWindow is how long after expiry a payment may still complete
	// the invoice (under LateAccept).
	LateWindow time.Duration
	// Late is LateAccept (within LateWindow the invoice becomes paid_late)
	// or LateRefund (a late payment is recorded and owed back).
	Late string
}

// DefaultInvoicePolicy is the policy of a tenant that set none: ask for the
// rest, credit overpayments, accept payments up to an hour late.
var DefaultInvoicePolicy = InvoicePolicy{Underpaid: UnderpaidAskRest, Overpaid: OverpaidCredit, LateWindow: time.Hour, Late: LateAccept}

// Tolerance is what may be missing from amount under the policy.
func (p InvoicePolicy) Tolerance(amount Amount) Amount {
	if p.Underpaid != UnderpaidAcceptTolerance {
		return 0
	}
	t := p.UnderpaidTolerance
	b := Amount(p.UnderpaidToleranceBPS)
	if bps := amount/10000*b + amount%10000*b/10000; bps > t {
		t = bps
	}
	if t > amount {
		t = amount
	}
	return t
}

// Validate checks the policy's fields.
func (p InvoicePolicy) Validate() error {
	switch {
	case p.Underpaid != UnderpaidAskRest && p.Underpaid != UnderpaidAcceptTolerance:
		return ErrValidation.WithParam("underpaid")
	case p.Overpaid != OverpaidCredit && p.Overpaid != OverpaidRefund:
		return ErrValidation.WithParam("overpaid")
	case p.Late != LateAccept && p.Late != LateRefund:
		return ErrValidation.WithParam("late")
	case p.UnderpaidTolerance < 0:
		return ErrValidation.WithParam("underpaid_tolerance")
	case p.UnderpaidToleranceBPS < 0 || p.UnderpaidToleranceBPS > 10000:
		return ErrValidation.WithParam("underpaid_tolerance_bps")
	case p.LateWindow < 0 || p.LateWindow > 30*24*time.Hour:
		return ErrValidation.WithParam("late_window")
	}
	return nil
}

// PaymentState is where a payment to an invoice stands on its chain.
type PaymentState string

// Payment states: pending (seen, not yet confirmed), confirmed, reversed
// (its block left the chain). A payment moves only forward:
// pending -> confirmed -> reversed, or pending -> reversed.
const (
	PaymentPending   PaymentState = "pending"
	PaymentConfirmed PaymentState = "confirmed"
	PaymentReversed  PaymentState = "reversed"
)

// Follows reports whether a payment may move from prev ("" for none) to s.
func (s PaymentState) Follows(prev PaymentState) bool {
	switch prev {
	case "":
		return s == PaymentPending || s == PaymentConfirmed
	case PaymentPending:
		return s == PaymentConfirmed || s == PaymentReversed
	case PaymentConfirmed:
		return s == PaymentReversed
	}
	return false
}

// InvoicePayment is one transfer into one of an invoice's addresses.
type InvoicePayment struct {
	// Ref identifies the transfer on its branch of the chain (the
	// deposit's Ref): a payment is recorded once per Ref.
	Ref           string
	Chain         Chain
	TxHash        string
	Address       string
	From          string
	Amount        Amount
	Block         uint64
	Confirmations int
	State         PaymentState
	SeenAt        time.Time
	ConfirmedAt   time.Time
	// Late is set when the payment was first seen after the invoice's
	// deadline (its expiry, or its cancellation if earlier).
	Late bool
}

// InvoiceEvent is an event waiting in an invoice's outbox: written in the
// same write as the change it reports and published after, until cleared.
type InvoiceEvent struct {
	ID      string
	Type    string
	Seq     int64 // orders an invoice's events
	Created time.Time
	Data    []byte // the invoice's view as JSON at the change
}

// Invoice asks a payer for an amount of USDT on one of the chains it
// accepts. It has a wallet of its own (WalletID, never reused) whose
// deposit addresses on the accepted chains are its Addresses, so payments
// are matched by address, never by amount.
type Invoice struct {
	ID       string
	TenantID string
	Status   InvoiceStatus
	// Amount is the USDT due.
	Amount      Amount
	Fiat        *FiatPrice
	Chains      []Chain
	Addresses   []DepositAddress
	WalletID    string
	OrderID     string
	Description string
	Metadata    map[string]string
	RedirectURL string
	ExpiresAt   time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// CancelledAt is set when the merchant cancelled it.
	CancelledAt time.Time
	// Paid is the confirmed sum counted toward the invoice; Pending what
	// awaits confirmations; RefundDue what is owed back to payers under
	// the policy (overpayment refunded, late payments refused).
	Paid      Amount
	Pending   Amount
	RefundDue Amount
	// CheckoutToken is the hosted checkout's credential: "chk_" and 192
	// random bits. It is never logged nor put in an error.
	CheckoutToken string
	Policy        InvoicePolicy
	// Version counts the invoice's writes; every update is conditioned on it.
	Version int64
	// Payments are loaded with the invoice by Invoice, InvoiceByToken and
	// InvoiceByWallet (not by Invoices), ordered by SeenAt then Ref.
	Payments []InvoicePayment
	// Outbox holds the events written and not yet published, by Seq.
	Outbox []InvoiceEvent
}

// Accepts reports whether the invoice takes payments on c.
func (inv Invoice) Accepts(c Chain) bool {
	for _, x := range inv.Chains {
		if x == c {
			return true
		}
	}
	return false
}

// AddressOn returns the invoice's address on c.
func (inv Invoice) AddressOn(c Chain) (DepositAddress, bool) {
	for _, a := range inv.Addresses {
		if a.Chain == c {
			return a, true
		}
	}
	return DepositAddress{}, false
}

// Deadline is when the invoice stopped waiting: its expiry, or its
// cancellation if that came first.
func (inv Invoice) Deadline() time.Time {
	if !inv.CancelledAt.IsZero() && inv.CancelledAt.Before(inv.ExpiresAt) {
		return inv.CancelledAt
	}
	return inv.ExpiresAt
}

// Remaining is what is still due (zero once paid).
func (inv Invoice) Remaining() Amount {
	if inv.Paid >= inv.Amount {
		return 0
	}
	return inv.Amount - inv.Paid
}

// InvoiceFilter narrows a list of a tenant's invoices.
type InvoiceFilter struct {
	Status  InvoiceStatus // "" for any
	OrderID string        // "" for any
	// CreatedFrom (inclusive) and CreatedTo (exclusive); zero for open.
	CreatedFrom time.Time
	CreatedTo   time.Time
}

// InvoiceRef names an invoice across tenants (the jobs' indexes).
type InvoiceRef struct {
	TenantID string
	ID       string
}

// InvoiceUpdate is one all-or-nothing write of an invoice: its new status
// and amounts, at most one payment recorded or moved, and events added to
// its outbox.
type InvoiceUpdate struct {
	// Invoice carries the new Status, Paid, Pending, RefundDue, UpdatedAt
	// and CancelledAt; its Version is the version it was read at.
	Invoice Invoice
	// Payment, when set, is written once (PrevState "") or moved from
	// PrevState to its State.
	Payment   *InvoicePayment
	PrevState PaymentState
	Events    []InvoiceEvent
}

// InvoiceStore keeps invoices, their payments and outboxes.
//
// Keys (see infra/acquiring.md): a tenant's invoices are listed by a query
// of the tenant's partition, never a scan; invoices awaiting payment sit in
// a sparse index by expiry; the checkout token and the invoice's wallet
// each map to the invoice.
type InvoiceStore interface {
	IdempotencyStore
	// CreateInvoice writes inv (Version 1, no payments) with its token and
	// wallet lookups, its expiry index entry, its outbox and the
	// idempotency record, all or nothing. A live record under the key is
	// ErrIdempotencyInProgress; an id, token or wallet taken is internal.
	CreateInvoice(ctx context.Context, inv Invoice, idem Idempotency) error
	// Invoice returns the tenant's invoice with its payments, or ErrNotFound.
	Invoice(ctx context.Context, tenant, id string) (Invoice, error)
	// InvoiceByToken returns the invoice of a checkout token, or ErrNotFound.
	InvoiceByToken(ctx context.Context, token string) (Invoice, error)
	// InvoiceByWallet returns the invoice whose wallet this is, or ErrNotFound.
	InvoiceByWallet(ctx context.Context, tenant, wallet string) (Invoice, error)
	// Invoices lists the tenant's invoices newest first (without payments),
	// and the cursor of the next page ("" at the end). A cursor not made
	// by this store for these filters is ErrInvalidCursor.
	Invoices(ctx context.Context, tenant string, f InvoiceFilter, page Page) ([]Invoice, string, error)
	// UpdateInvoice applies u if the invoice is still at u.Invoice.Version
	// (it becomes Version+1) and the payment is new (PrevState "") or in
	// PrevState; otherwise it writes nothing and returns ErrInvoiceChanged.
	UpdateInvoice(ctx context.Context, u InvoiceUpdate) error
	// DueInvoices lists invoices still awaiting payment whose expiry is at
	// or before t, soonest first (the sparse index).
	DueInvoices(ctx context.Context, t time.Time, limit int) ([]InvoiceRef, error)
	// OutboxInvoices lists invoices with events not yet cleared.
	OutboxInvoices(ctx context.Context, limit int) ([]InvoiceRef, error)
	// ClearOutbox removes the named events from the invoice's outbox
	// (events already gone are no fault).
	ClearOutbox(ctx context.Context, tenant, id string, eventIDs []string) error
}

// InvoicePolicies keeps each tenant's invoice policy.
type InvoicePolicies interface {
	// InvoicePolicy returns the tenant's policy or ErrNotFound if none was set.
	InvoicePolicy(ctx context.Context, tenant string) (InvoicePolicy, error)
	PutInvoicePolicy(ctx context.Context, tenant string, p InvoicePolicy) error
}

// InvoiceAddresses makes the wallet an invoice is paid into: a new wallet
// of the tenant's with a deposit address on each of chains, derived by the
// schemes every wallet uses, so watchers, confirmations and sweeps work
// unchanged. Calls with the same invoice id's key part (KeyPart("inv", id))
// must return the same wallet, so a retried create makes no second one.
type InvoiceAddresses interface {
	NewInvoiceWallet(ctx context.Context, tenant, invoiceID string, chains []Chain) (Wallet, error)
}

// Named rejections of invoices.
var (
	// ErrInvoiceChanged: the invoice was written by someone else since it
	// was read (the service reads it again and retries).
	ErrInvoiceChanged = &Error{Kind: KindConflict, Code: "invoice_changed", Message: "the invoice changed; read it again"}
	// ErrChainNotAccepted: a payment, link or QR for a chain the invoice does not take.
	ErrChainNotAccepted = &Error{Kind: KindInvalid, Code: "chain_not_accepted", Message: "the invoice does not accept payments on this chain", Param: "chain"}
	// ErrRedirectNotHTTPS: the redirect URL is not https.
	ErrRedirectNotHTTPS = &Error{Kind: KindInvalid, Code: "redirect_url_not_https", Message: "redirect_url must be an absolute https URL", Param: "redirect_url"}
	// ErrInvoiceNotCancellable: only an open or partially paid invoice with no payment pending may be cancelled.
	ErrInvoiceNotCancellable = &Error{Kind: KindConflict, Code: "invoice_not_cancellable", Message: "only an open or partially paid invoice with no payment pending can be cancelled"}
	// ErrExpiresInRange: expires_in is outside the documented range.
	ErrExpiresInRange = &Error{Kind: KindInvalid, Code: "expires_in_out_of_range", Message: "expires_in must be between 60 seconds and 30 days", Param: "expires_in"}
	// ErrMetadataInvalid: metadata has too many keys, or a key or value too long.
	ErrMetadataInvalid = &Error{Kind: KindInvalid, Code: "metadata_invalid", Message: "metadata takes at most 20 keys of 1-40 printable ASCII characters, values of at most 500 characters", Param: "metadata"}
	// ErrPriceAmbiguous: the body gives both a USDT amount and a fiat price, or neither.
	ErrPriceAmbiguous = &Error{Kind: KindInvalid, Code: "price_ambiguous", Message: "give either amount (USDT) or fiat_currency and fiat_amount", Param: "amount"}
)

// DepositState is what a chain's watcher says of a deposit.
type DepositState string

// Deposit states as the deposit sink reports them.
const (
	DepositSeen      DepositState = "seen"
	DepositConfirmed DepositState = "confirmed"
	DepositReversed  DepositState = "reversed"
)

// WalletDeposit is one deposit into a wallet's address as the deposit sink
// reports it after the ledger recorded it, for every deposit of every
// wallet (a listener ignores wallets that are not its own).
type WalletDeposit struct {
	Tenant  string
	Wallet  string
	Chain   Chain
	Address string
	From    string // "" when the watcher does not say
	Amount  Amount
	// Ref identifies the transfer on its branch of the chain (the ledger's
	// deposit ref): the same Ref is the same transfer.
	Ref           string
	TxHash        string
	Block         uint64
	State         DepositState
	Confirmations int
	// At is when the deposit was first seen (zero: the listener's now).
	At time.Time
}

// DepositListener hears of every deposit the sink records (the acquiring
// service implements it). OnDeposit is idempotent by Ref and State; it
// returns an error only for faults worth a retry.
type DepositListener interface {
	OnDeposit(ctx context.Context, d WalletDeposit) error
}
