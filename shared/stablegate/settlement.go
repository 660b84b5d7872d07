package stablegate

import (
	"context"
	"time"
)

// Settlement: how a merchant is paid what its invoices brought in. Each
// tenant chooses per chain it is paid on (SettlementConfig) whether each
// paid invoice pays out at once (instant) or its lines accumulate in the
// open settlement of the payout chain until a daily cut-off or a threshold
// (scheduled). A settlement nets invoices, refunds, chargebacks and fees,
// and is paid in one payout to the merchant's destination, which may be
// on another chain than the payments (cross-chain clearing, 1:1 USDT).
// The rules live in shared/settlement.

// SettlementMode is how a chain's payments are settled.
type SettlementMode string

// Settlement modes.
const (
	SettleInstant   SettlementMode = "instant"
	SettleScheduled SettlementMode = "scheduled"
)

// SettlementSchedule is when a scheduled settlement closes.
type SettlementSchedule string

// Schedules: daily at a cut-off hour (UTC), or as soon as the net reaches
// a threshold.
const (
	ScheduleDaily     SettlementSchedule = "daily"
	ScheduleThreshold SettlementSchedule = "threshold"
)

// SettlementDestination is where a settlement is paid.
type SettlementDestination struct {
	Chain   Chain
	Address string
}

// SettlementConfig is how a tenant's payments on Chain are settled.
type SettlementConfig struct {
	TenantID string
	// Chain is the chain the payments arrive on.
	Chain    Chain
	Mode     SettlementMode
	Schedule SettlementSchedule // scheduled mode only
	// CutoffHour is the daily cut-off, an hour of the day in UTC (0-23).
	CutoffHour int
	// Threshold closes a threshold-scheduled settlement when its net reaches it.
	Threshold Amount
	// Destination may be on another chain than Chain (cross-chain clearing).
	Destination SettlementDestination
	// MinPayout: a settlement whose net is below it is not closed; its
	// lines carry over until it is reached.
	MinPayout Amount
	// WalletID is the tenant's settlement wallet: the ledger credits each
	// paid invoice's net to it (on the payout chain) and the settlement's
	// payout is a withdrawal from it. Set by the service, never by a body.
	WalletID string
	// Version counts the config's writes; a put is conditioned on it.
	Version   int64
	UpdatedAt time.Time
}

// Validate checks the config's fields (the destination address's format is
// checked by the service, which knows the chains' address rules).
func (c SettlementConfig) Validate() error {
	switch {
	case !c.Chain.Valid():
		return ErrValidation.WithParam("chain")
	case c.Mode != SettleInstant && c.Mode != SettleScheduled:
		return ErrValidation.WithParam("mode")
	case c.Mode == SettleScheduled && c.Schedule != ScheduleDaily && c.Schedule != ScheduleThreshold:
		return ErrValidation.WithParam("schedule")
	case c.Mode == SettleInstant && c.Schedule != "":
		return ErrValidation.WithParam("schedule")
	case c.CutoffHour < 0 || c.CutoffHour > 23 || (c.Schedule != ScheduleDaily && c.CutoffHour != 0):
		return ErrValidation.WithParam("cutoff_hour")
	case c.Threshold < 0 || (c.Schedule == ScheduleThreshold) != (c.Threshold > 0):
		return ErrValidation.WithParam("threshold")
	case !c.Destination.Chain.Valid():
		return ErrValidation.WithParam("destination.chain")
	case c.Destination.Address == "":
		return ErrValidation.WithParam("destination.address")
	case c.MinPayout < 0:
		return ErrValidation.WithParam("min_payout")
	}
	return nil
}

// NextCutoff is the first daily cut-off strictly after t.
func (c SettlementConfig) NextCutoff(t time.Time) time.Time {
	t = t.UTC()
	cut := time.Date(t.Year(), t.Month(), t.Day(), c.CutoffHour, 0, 0, 0, time.UTC)
	if !cut.After(t) {
		cut = cut.AddDate(0, 0, 1)
	}
	return cut
}

// SettlementStatus is where a settlement stands.
type SettlementStatus string

// Settlement statuses: open (taking lines), closed (lines final, payout to
// be requested), paying (the payout transfer exists), paid, failed (the
// payout was refused or failed; a retry closes it again).
const (
	SettlementOpen   SettlementStatus = "open"
	SettlementClosed SettlementStatus = "closed"
	SettlementPaying SettlementStatus = "paying"
	SettlementPaid   SettlementStatus = "paid"
	SettlementFailed SettlementStatus = "failed"
)

// Follows reports whether a settlement may move from prev to s (an open
// settlement may be rewritten open, to move its due time).
func (s SettlementStatus) Follows(prev SettlementStatus) bool {
	switch prev {
	case SettlementOpen:
		return s == SettlementOpen || s == SettlementClosed
	case SettlementClosed:
		// closed -> closed: its payout waits (Waiting set or cleared, or a
		// held payout's Held and DueAt move on).
		return s == SettlementClosed || s == SettlementPaying || s == SettlementFailed
	case SettlementPaying:
		return s == SettlementPaid || s == SettlementFailed
	case SettlementFailed:
		return s == SettlementClosed
	}
	return false
}

// SettlementLineKind names a line of a settlement.
type SettlementLineKind string

// Line kinds. Every line has Net = Gross - Fee. Invoices and adjustments
// add to the gross; refunds and chargebacks are negative (Gross = Net =
// -amount); fee and network_fee lines carry only a fee; a clearing line
// names a conversion between two chains' books and moves no net (Gross,
// Fee and Net zero, Cleared the amount converted).
const (
	LineInvoice    SettlementLineKind = "invoice"
	LineRefund     SettlementLineKind = "refund"
	LineChargeback SettlementLineKind = "chargeback"
	LineFee        SettlementLineKind = "fee"
	LineNetworkFee SettlementLineKind = "network_fee"
	LineAdjustment SettlementLineKind = "adjustment"
	LineFX         SettlementLineKind = "fx"
	LineClearing   SettlementLineKind = "clearing"
)

// Valid reports whether k is a line kind.
func (k SettlementLineKind) Valid() bool {
	switch k {
	case LineInvoice, LineRefund, LineChargeback, LineFee, LineNetworkFee, LineAdjustment, LineFX, LineClearing:
		return true
	}
	return false
}

// SettlementLine is one line of a settlement. A line is recorded once per
// (Kind, Ref, Chain) across all of a tenant's settlements.
type SettlementLine struct {
	// Seq orders the settlement's lines from 1 (set by the store).
	Seq  int
	Kind SettlementLineKind
	// Ref is what the line is for: an invoice id, a refund's or
	// chargeback's transfer id, the settlement id (network fee).
	Ref string
	// Chain is the chain the money came in (or went out) on; To is the
	// payout chain of a clearing line.
	Chain Chain
	To    Chain
	Gross Amount
	Fee   Amount
	Net   Amount
	// Cleared is what a clearing line converts from Chain's books to To's.
	Cleared Amount
	// FeeShown is the fee the merchant was shown for an invoice (the cap
	// of Fee); ScheduleVersion the fee schedule version Fee was computed with.
	FeeShown        Amount
	ScheduleVersion int64
	// FiatCurrency and Rate are the fiat price's currency and the rate
	// (fiat per USDT) an invoice priced in fiat was converted at.
	FiatCurrency string
	Rate         string
	At           time.Time
}

// Check reports whether the line is well formed.
func (l SettlementLine) Check() error {
	switch {
	case !l.Kind.Valid():
		return ErrValidation.WithParam("kind")
	case l.Ref == "":
		return ErrValidation.WithParam("ref")
	case !l.Chain.Valid():
		return ErrValidation.WithParam("chain")
	case l.Net != l.Gross-l.Fee:
		return ErrValidation.WithParam("net")
	case l.Kind == LineClearing && (l.Gross != 0 || l.Fee != 0 || !l.To.Valid()):
		return ErrValidation.WithParam("cleared")
	case l.Kind != LineClearing && l.Cleared != 0:
		return ErrValidation.WithParam("cleared")
	}
	return nil
}

// SettlementTotals are a settlement's sums: Gross over invoice,
// adjustment and fx lines, Refunds the (negative) net of refunds and
// chargebacks, Fees every line's fee, Net every line's net. They equal
// the sums of the lines to the base unit.
type SettlementTotals struct {
	Gross   Amount
	Fees    Amount
	Refunds Amount
	Net     Amount
	// Cleared sums the clearing lines: value the settlement brings from
	// another chain's books (its payout is cross-chain when not zero).
	Cleared Amount
}

// Add returns t with line l counted.
func (t SettlementTotals) Add(l SettlementLine) SettlementTotals {
	switch l.Kind {
	case LineInvoice, LineAdjustment, LineFX:
		t.Gross += l.Gross
	case LineRefund, LineChargeback:
		t.Refunds += l.Net
	case LineClearing:
		t.Cleared += l.Cleared
	}
	t.Fees += l.Fee
	t.Net += l.Net
	return t
}

// TotalsOf sums lines.
func TotalsOf(lines []SettlementLine) SettlementTotals {
	var t SettlementTotals
	for _, l := range lines {
		t = t.Add(l)
	}
	return t
}

// SettlementPeriod is the time a settlement covers: from its opening to
// its closing (To zero while open).
type SettlementPeriod struct {
	From time.Time
	To   time.Time
}

// Settlement is one payout's worth of a tenant's lines on one payout chain.
type Settlement struct {
	ID       string // "stl_..."
	TenantID string
	// Chain is the payout chain.
	Chain    Chain
	Currency Asset
	Period   SettlementPeriod
	// Lines are loaded by SettlementLines, not with the settlement.
	Lines     []SettlementLine
	LineCount int
	Totals    SettlementTotals
	Status    SettlementStatus
	// Destination is where it is paid (the config's, taken when it closes).
	Destination SettlementDestination
	// PayoutTransferID is the payout's transfer once requested; Attempt
	// counts payout requests (a retry after a failure is the next one).
	PayoutTransferID string
	Attempt          int
	FailReason       string
	// PayoutBatchID is the payout batch whose row pays it, when the
	// scheduler paid it in a batch (its transfer is the row's).
	PayoutBatchID string
	// Waiting, on a closed settlement, names why its payout is not yet
	// requested (WaitLiquidity: the chain's hot wallet cannot cover what
	// is owed on it); the job requests it when that clears.
	Waiting string
	// Held, on a closed settlement, is why its payout waits: the merchant's
	// tier does not allow it yet (a tier limit or capability code, or
	// kyc_required). The job asks again at DueAt; it is cleared once the
	// payout is requested.
	Held *Reason
	// DueAt, when set, puts the settlement in the due index: the job acts
	// on it at or after DueAt (close an open one, request the payout of a
	// closed one).
	DueAt     time.Time
	CreatedAt time.Time
	ClosedAt  time.Time
	PaidAt    time.Time
	// Version counts its writes; every write is conditioned on it.
	Version int64
}

// WaitLiquidity is Settlement.Waiting while the payout chain's hot wallet
// holds less than what is owed on it: the payout waits, it does not fail.
const WaitLiquidity = "hot_wallet_liquidity"

// SettlementRef names a settlement across tenants (the due index).
type SettlementRef struct {
	TenantID string
	ID       string
}

// SettlementStore keeps settlements, their lines, the open settlement of
// each (tenant, payout chain), the due index and the per-chain liabilities.
//
// Liabilities are what is owed on each payout chain: the net of every
// settlement not yet paid, kept as a counter moved in the same write as
// the lines and the paid status, never computed by a scan.
type SettlementStore interface {
	// CreateSettlement writes s (status open, Version 1) as the open
	// settlement of (tenant, chain) with lines, all or nothing: the
	// store numbers the lines, computes the totals and moves the chain's
	// liabilities. If a settlement is already open there it returns
	// ErrSettlementChanged; if a line's (kind, ref, chain) is recorded
	// it returns ErrSettlementLineExists; either way nothing is written.
	CreateSettlement(ctx context.Context, s Settlement, lines []SettlementLine) (Settlement, error)
	// OpenSettlement is the open settlement of (tenant, chain), or ErrNotFound.
	OpenSettlement(ctx context.Context, tenant string, c Chain) (Settlement, error)
	// AddSettlementLines appends lines to s, open and still at s.Version
	// (with its LineCount and Totals as read), sets its DueAt to s.DueAt,
	// and moves the liabilities, all in one write; the settlement comes
	// back at Version+1. ErrSettlementChanged if it moved on,
	// ErrSettlementLineExists if a line's (kind, ref, chain) is recorded.
	AddSettlementLines(ctx context.Context, s Settlement, lines []SettlementLine) (Settlement, error)
	// UpdateSettlement writes s's Status, Period.To, Destination, payout
	// fields, DueAt, ClosedAt and PaidAt over s.Version if its status
	// may follow the stored one: leaving open frees the (tenant, chain)
	// for a new open settlement, reaching paid takes its net off the
	// liabilities. ErrSettlementChanged otherwise.
	UpdateSettlement(ctx context.Context, s Settlement) (Settlement, error)
	// Settlement is the tenant's settlement without its lines, or ErrNotFound.
	Settlement(ctx context.Context, tenant, id string) (Settlement, error)
	// SettlementLines are a settlement's lines by Seq, a page at a time.
	SettlementLines(ctx context.Context, tenant, id string, page Page) ([]SettlementLine, string, error)
	// Settlements lists the tenant's settlements newest first (no lines).
	Settlements(ctx context.Context, tenant string, page Page) ([]Settlement, string, error)
	// DueSettlements lists settlements whose DueAt is at or before t,
	// soonest first (a sparse index, never a scan).
	DueSettlements(ctx context.Context, t time.Time, limit int) ([]SettlementRef, error)
	// SettlementLiabilities is the net owed per payout chain.
	SettlementLiabilities(ctx context.Context) (map[Chain]Amount, error)
}

// SettlementConfigs keeps each tenant's settlement config per chain.
type SettlementConfigs interface {
	// SettlementConfig is the tenant's config for payments on c, or ErrNotFound.
	SettlementConfig(ctx context.Context, tenant string, c Chain) (SettlementConfig, error)
	// PutSettlementConfig writes cfg over cfg.Version (0: none yet) and
	// returns it at Version+1, or ErrSettlementConfigChanged.
	PutSettlementConfig(ctx context.Context, cfg SettlementConfig) (SettlementConfig, error)
}

// SettlementPayer requests the payout of a closed settlement: its net to
// its destination, through the withdrawal pipeline (or a batch payout)
// with the same policy checks and approvals as any payout. Pay is
// idempotent by (settlement id, attempt): a retried call returns the same
// transfer. A refusal (a business rule) is an *Error of kind Refused or
// Invalid; any other error is retried later.
type SettlementPayer interface {
	Pay(ctx context.Context, s Settlement) (transferID string, err error)
}

// Named rejections of settlements.
var (
	// ErrSettlementChanged: the settlement was written since it was read, or is no longer open.
	ErrSettlementChanged = &Error{Kind: KindConflict, Code: "settlement_changed", Message: "the settlement changed; read it again"}
	// ErrSettlementLineExists: a line for this kind, ref and chain is already recorded.
	ErrSettlementLineExists = &Error{Kind: KindConflict, Code: "settlement_line_exists", Message: "this line is already recorded in a settlement"}
	// ErrSettlementConfigChanged: the config was written since it was read.
	ErrSettlementConfigChanged = &Error{Kind: KindConflict, Code: "settlement_config_changed", Message: "the settlement config changed; read it again", Param: "version"}
	// ErrSettlementNotConfigured: the tenant has no settlement config for the chain.
	ErrSettlementNotConfigured = &Error{Kind: KindNotFound, Code: "settlement_not_configured", Message: "no settlement config for this chain", Param: "chain"}
	// ErrSettlementNotRetryable: only a failed settlement can be retried.
	ErrSettlementNotRetryable = &Error{Kind: KindConflict, Code: "settlement_not_retryable", Message: "only a failed settlement can be paid again"}
	// ErrInvoiceNotPaid: an invoice that is not paid has nothing to settle.
	ErrInvoiceNotPaid = &Error{Kind: KindConflict, Code: "invoice_not_paid", Message: "the invoice is not paid"}
	// ErrReportFormat: a report was asked in a format other than json or csv.
	ErrReportFormat = &Error{Kind: KindInvalid, Code: "report_format_invalid", Message: "format must be json or csv", Param: "format"}
)

// ---- settle: refunds ----

// RefundCaps keeps what has been refunded of each invoice, so refunds
// never exceed what was paid: Reserve adds amount to the invoice's
// refunded sum under key (once per key: the same key again changes nothing
// and returns nil) if the sum stays at or below limit, else
// ErrRefundExceedsPaid; Release takes a key's reservation back (a refund
// its payout refused), once. Refunded is the sum.
type RefundCaps interface {
	ReserveRefund(ctx context.Context, tenant, invoiceID, key string, amount, limit Amount) error
	ReleaseRefund(ctx context.Context, tenant, invoiceID, key string) error
	Refunded(ctx context.Context, tenant, invoiceID string) (Amount, error)
}

// Named refusals of refunds.
var (
	// ErrRefundExceedsPaid: the refund would take the invoice's refunds above what was paid.
	ErrRefundExceedsPaid = &Error{Kind: KindRefused, Code: "refund_exceeds_paid", Message: "the refund is more than was paid less what was refunded", Param: "amount"}
	// ErrRefundAddressUnknown: the payment names no sender to refund; give to_address.
	ErrRefundAddressUnknown = &Error{Kind: KindInvalid, Code: "refund_address_required", Message: "the payer's address is not known; give to_address", Param: "to_address"}
)

// SettlementLineFinder finds the line a settlement recorded for a ref:
// the invoice line of an invoice (its fee and the schedule version shown),
// a refund's line. ErrNotFound when no settlement recorded one.
type SettlementLineFinder interface {
	SettlementLineByRef(ctx context.Context, tenant string, kind SettlementLineKind, c Chain, ref string) (SettlementLine, error)
}

// ---- settle: chargebacks ----

// SysChargebacks is the platform's account of chargebacks on a chain: what
// merchants lost in disputes, owed (or already returned) by the platform to
// the disputing payers. A chargeback moves its amount there from the
// merchant's settlement wallet (or the invoice's wallet where the chain is
// not settled).
const SysChargebacks = "chargebacks"

// Named refusals of chargebacks.
var (
	// ErrChargebackExceedsPaid: the chargeback would take the invoice's refunds and chargebacks above what was paid.
	ErrChargebackExceedsPaid = &Error{Kind: KindRefused, Code: "chargeback_exceeds_paid", Message: "the chargeback is more than was paid less what was refunded and charged back", Param: "amount"}
	// ErrChargebackChain: the invoice has no confirmed payment on the chain named.
	ErrChargebackChain = &Error{Kind: KindInvalid, Code: "chargeback_chain_not_paid", Message: "the invoice was not paid on this chain", Param: "chain"}
)

// ---- settle: cross-chain configs ----

// ErrSettlementCrossChainNotAllowed: the config pays out on another chain
// than the payments', and the settlement wallet's customer (or, without
// one, the tenant's default tier) lacks the cross_chain capability: its
// payouts would only be held. Verify the customer into a tier with it first.
var ErrSettlementCrossChainNotAllowed = &Error{Kind: KindRefused, Code: "settlement_cross_chain_not_allowed",
	Message: "the settlement's customer may not be paid on another chain than it is paid on (its tier lacks cross_chain)", Param: "destination.chain"}
