package settlement

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// maxAttempts bounds the retries of a write that lost a race.
const maxAttempts = 8

// Service keeps settlements. Every entry point is idempotent: a line is
// recorded once per (kind, ref, chain), a close and a payout request are
// written over the version read, and the payer is asked to pay a
// settlement attempt once (it dedupes by settlement id and attempt).
type Service struct {
	Fees    *Fees
	Configs sg.SettlementConfigs
	Store   sg.SettlementStore
	// Payer requests the payout of a closed settlement (nil: left closed
	// and due for the job, which has one).
	Payer sg.SettlementPayer
	// Batch, if set, pays instead of Payer: the job pays every due
	// settlement of a tenant on a chain as rows of one payout batch, and a
	// retry is a batch of one.
	Batch BatchPayer
	// Liquidity, if set, holds the job's batch payouts to what each
	// chain's hot wallet holds: the rest wait (Waiting) and Alerts is
	// raised with the rebalancing instructions.
	Liquidity Liquidity
	Alerts    Alerts
	// Owed, if set, is what payouts already in flight or queued owe each
	// chain's hot wallet: the liquidity check counts it before the run's
	// payouts (settle: liquidity).
	Owed Owed
	// Ledger, if set, moves each paid invoice's money into the tenant's
	// settlement wallet as its lines are recorded (collect.go).
	Ledger Ledger
	// Refunds keeps each invoice's refunded sum (RefundSource).
	Refunds sg.RefundCaps
	// Committed, if set, is what closed settlements not yet paid are owed
	// from each settlement wallet: a refund or chargeback never takes the
	// wallet below it (committed.go, settlefix).
	Committed sg.SettlementCommitments
	// Events, if set, takes settlement.closed, settlement.payout_requested,
	// settlement.paid and settlement.failed (ordered by settlement id).
	Events sg.EventPublisher
	// Parked, if set, keeps the paid invoices a freeze kept from settling
	// (the deposit hook parks them); the job settles them through Invoices
	// once the freeze is lifted (parked.go).
	Parked   sg.ParkedInvoices
	Invoices InvoiceReader
	// Now is the clock; nil is the wall clock.
	Now func() time.Time
	// Log, if set, records what the job did (ids and codes only).
	Log *slog.Logger
	// BatchSize is how many due settlements CloseDue takes per call (100
	// when zero).
	BatchSize int
	// HoldRecheck is the least time a settlement held by the merchant's
	// tier waits before the job asks again (DefaultHoldRecheck when zero).
	HoldRecheck time.Duration
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// ---- configs ----

// Config is the tenant's settlement config for payments on c
// (ErrSettlementNotConfigured if none).
func (s *Service) Config(ctx context.Context, tenant string, c sg.Chain) (sg.SettlementConfig, error) {
	if !c.Valid() {
		return sg.SettlementConfig{}, sg.ErrValidation.WithParam("chain")
	}
	cfg, err := s.Configs.SettlementConfig(ctx, tenant, c)
	if errors.Is(err, sg.ErrNotFound) {
		return sg.SettlementConfig{}, sg.ErrSettlementNotConfigured
	}
	return cfg, err
}

// PutConfig validates cfg (its destination address on its chain too) and
// writes it over cfg.Version (0: the first). It applies to lines recorded
// after it and to settlements closed after it (their destination).
func (s *Service) PutConfig(ctx context.Context, cfg sg.SettlementConfig) (sg.SettlementConfig, error) {
	if err := cfg.Validate(); err != nil {
		return sg.SettlementConfig{}, err
	}
	if _, err := address.Parse(cfg.Destination.Chain, cfg.Destination.Address); err != nil {
		return sg.SettlementConfig{}, sg.ErrValidation.WithParam("destination.address")
	}
	cfg.UpdatedAt = s.now()
	return s.Configs.PutSettlementConfig(ctx, cfg)
}

// ---- lines ----

// received is what each chain's accepted, confirmed payments brought to
// inv, as acquiring counts them (shared/acquiring settle).
func received(inv sg.Invoice) map[sg.Chain]sg.Amount {
	out := map[sg.Chain]sg.Amount{}
	lateUntil := inv.Deadline().Add(inv.Policy.LateWindow)
	for _, p := range inv.Payments {
		if p.State != sg.PaymentConfirmed || !inv.Accepts(p.Chain) {
			continue
		}
		if p.Late && (inv.Policy.Late != sg.LateAccept || p.SeenAt.After(lateUntil)) {
			continue
		}
		out[p.Chain] += p.Amount
	}
	return out
}

// invoiceLines are the lines of a paid invoice: one per chain it was paid
// on, gross the amount kept (what was paid, less an overpayment owed back
// under the refund policy), fee charged capped at the fee shown.
func (s *Service) invoiceLines(ctx context.Context, inv sg.Invoice, now time.Time) ([]sg.SettlementLine, error) {
	switch inv.Status {
	case sg.InvoicePaid, sg.InvoiceOverpaid, sg.InvoicePaidLate:
	default:
		return nil, sg.ErrInvoiceNotPaid
	}
	gross := inv.Paid
	if inv.Policy.Overpaid == sg.OverpaidRefund && gross > inv.Amount {
		gross = inv.Amount
	}
	by := received(inv)
	var chains []sg.Chain
	for _, c := range sg.Chains {
		if by[c] > 0 {
			chains = append(chains, c)
		}
	}
	if len(chains) == 0 {
		return nil, sg.Internal("settlement.invoiceLines", fmt.Errorf("invoice %s is %s with no confirmed payment loaded", inv.ID, inv.Status))
	}
	// The cap of the whole invoice: the least fee shown on a chain it
	// was paid on.
	shown := map[sg.Chain]sg.Fee{}
	var capFee sg.Amount = -1
	for _, c := range chains {
		f, err := s.Fees.Shown(ctx, inv, c)
		if err != nil {
			return nil, err
		}
		shown[c] = f
		if capFee < 0 || f.Amount < capFee {
			capFee = f.Amount
		}
	}
	var lines []sg.SettlementLine
	left, charged := gross, sg.Amount(0)
	for i, c := range chains {
		g := min(by[c], left)
		if i == len(chains)-1 {
			g = left // what the chains' sums do not explain goes on the last
		}
		left -= g
		fee, err := s.Fees.Charge(ctx, inv.TenantID, c, g, capFee-charged)
		if err != nil {
			return nil, err
		}
		charged += fee.Amount
		l := sg.SettlementLine{Kind: sg.LineInvoice, Ref: inv.ID, Chain: c, Gross: g, Fee: fee.Amount, Net: g - fee.Amount,
			FeeShown: shown[c].Amount, ScheduleVersion: fee.ScheduleVersion, At: now}
		if inv.Fiat != nil {
			l.FiatCurrency, l.Rate = inv.Fiat.Currency, inv.Fiat.Rate
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// AddPaidInvoice records a paid invoice (paid, overpaid or paid_late,
// with its payments loaded) in the open settlement of each chain it was
// paid on, as configured for that chain: gross what it brought, fee the
// schedule's on it capped at the fee shown for the invoice, net the rest.
// It is idempotent by invoice id and chain: a redelivered invoice changes
// nothing. A tenant with no config for the chain is not settled (its
// funds stay in its wallets): nil. An invoice refunded or charged back
// before any of its money was collected (paid before its chain had a
// config, say) is collected for what is left of it (leftToCollect). It
// returns the settlements written.
func (s *Service) AddPaidInvoice(ctx context.Context, tenant string, inv sg.Invoice) ([]sg.Settlement, error) {
	if inv.TenantID != tenant {
		return nil, sg.ErrNotFound
	}
	now := s.now()
	lines, err := s.invoiceLines(ctx, inv, now)
	if err != nil {
		return nil, err
	}
	if lines, err = s.leftToCollect(ctx, inv, lines); err != nil {
		return nil, err
	}
	// The money moves first: a line is recorded only once its money is in
	// the settlement wallet, and a redelivery after a crash in between
	// moves nothing twice (fixed transfer ids) and records the lines.
	if err := s.collectInvoice(ctx, inv, lines); err != nil {
		return nil, err
	}
	return s.record(ctx, tenant, lines, now)
}

// Reversal is a refund or chargeback of an invoice's payment: money out
// of the merchant's settlement on the chain it is paid back on.
type Reversal struct {
	// ID is the transfer that pays it back (the line's ref).
	ID        string
	InvoiceID string
	Chain     sg.Chain
	Amount    sg.Amount
	// Key is the request's idempotency key: the reservation the reversal
	// was admitted under (RefundSource, RecordChargeback) is released once
	// its line is recorded, before the settlement is closed.
	Key string
}

// AddRefund records a refund as a negative line (gross and net -amount;
// the fee of the invoice is not returned). Idempotent by the refund's id.
func (s *Service) AddRefund(ctx context.Context, tenant string, r Reversal) ([]sg.Settlement, error) {
	return s.reversal(ctx, tenant, sg.LineRefund, r)
}

// AddChargeback records a chargeback as a negative line, as AddRefund.
func (s *Service) AddChargeback(ctx context.Context, tenant string, r Reversal) ([]sg.Settlement, error) {
	return s.reversal(ctx, tenant, sg.LineChargeback, r)
}

func (s *Service) reversal(ctx context.Context, tenant string, kind sg.SettlementLineKind, r Reversal) ([]sg.Settlement, error) {
	switch {
	case r.ID == "":
		return nil, sg.ErrValidation.WithParam("id")
	case !r.Chain.Valid():
		return nil, sg.ErrValidation.WithParam("chain")
	case r.Amount <= 0:
		return nil, sg.ErrAmountNotPositive
	}
	now := s.now()
	l := sg.SettlementLine{Kind: kind, Ref: r.ID, Chain: r.Chain, Gross: -r.Amount, Net: -r.Amount, At: now}
	stls, err := s.file(ctx, tenant, []sg.SettlementLine{l}, now)
	if err != nil {
		return stls, err
	}
	if r.Key != "" {
		hold := refundHold(r.InvoiceID, r.Key)
		if kind == sg.LineChargeback {
			hold = chargebackHold(r.InvoiceID, r.Key)
		}
		if err := s.release(ctx, tenant, r.Chain, hold); err != nil {
			return stls, err
		}
	}
	return s.settleNow(ctx, tenant, stls, now), nil
}

// record files lines and closes what became due at once.
func (s *Service) record(ctx context.Context, tenant string, lines []sg.SettlementLine, now time.Time) ([]sg.Settlement, error) {
	stls, err := s.file(ctx, tenant, lines, now)
	if err != nil {
		return stls, err
	}
	return s.settleNow(ctx, tenant, stls, now), nil
}

// file files lines by their chain's config into the open settlement of
// the payout chain, with a clearing line for each line paid out on
// another chain. It answers the settlements written.
func (s *Service) file(ctx context.Context, tenant string, lines []sg.SettlementLine, now time.Time) ([]sg.Settlement, error) {
	type group struct {
		cfg   sg.SettlementConfig
		lines []sg.SettlementLine
	}
	var order []sg.Chain
	groups := map[sg.Chain]*group{}
	for _, l := range lines {
		cfg, err := s.Config(ctx, tenant, l.Chain)
		if errors.Is(err, sg.ErrSettlementNotConfigured) {
			s.log().InfoContext(ctx, "settlement.not_configured", "tenant", tenant, "chain", l.Chain, "kind", l.Kind, "ref", l.Ref)
			continue
		}
		if err != nil {
			return nil, err
		}
		d := cfg.Destination.Chain
		g, ok := groups[d]
		if !ok {
			g = &group{cfg: cfg}
			groups[d] = g
			order = append(order, d)
		} else if cfg.Mode == sg.SettleInstant {
			g.cfg = cfg // the most pressing rule decides when it is due
		}
		g.lines = append(g.lines, l)
		if l.Chain != d {
			g.lines = append(g.lines, sg.SettlementLine{Kind: sg.LineClearing, Ref: clearingRef(l), Chain: l.Chain, To: d, Cleared: l.Net, At: now})
		}
	}
	var out []sg.Settlement
	for _, d := range order {
		g := groups[d]
		stl, err := s.append(ctx, tenant, g.cfg, g.lines, now)
		if errors.Is(err, sg.ErrSettlementLineExists) {
			continue // recorded before: a redelivery
		}
		if err != nil {
			return out, err
		}
		out = append(out, stl)
	}
	return out, nil
}

// settleNow closes (and pays) those of stls that are due at once, and
// answers them as they stand: one that cannot close now is left due for
// the job.
func (s *Service) settleNow(ctx context.Context, tenant string, stls []sg.Settlement, now time.Time) []sg.Settlement {
	out := make([]sg.Settlement, 0, len(stls))
	for _, stl := range stls {
		// Without a payer (the deposit hook) lines are only recorded: the
		// job, which has one, closes and pays what is due.
		if s.Payer != nil && !stl.DueAt.IsZero() && !stl.DueAt.After(now) {
			done, err := s.settle(ctx, stl, now)
			if err != nil {
				// Left due: the job takes it up. Answer it as it stands.
				s.log().WarnContext(ctx, "settlement.close_deferred", "tenant", tenant, "settlement", stl.ID, "code", code(err))
				done, err = s.Store.Settlement(ctx, tenant, stl.ID)
			}
			if err == nil {
				stl = done
			}
		}
		out = append(out, stl)
	}
	return out
}

// clearingRef is the ref of the clearing line that goes with l: l's own
// for an invoice, refund or chargeback; for another kind its kind and ref
// (an adjustment reversing a refund shares the refund's transfer id, and a
// clearing line is recorded once per ref and chain).
func clearingRef(l sg.SettlementLine) string {
	switch l.Kind {
	case sg.LineInvoice, sg.LineRefund, sg.LineChargeback:
		return l.Ref
	}
	return string(l.Kind) + "/" + l.Ref
}

// dueFor is when the settlement becomes due under cfg after lines added
// up to totals: at once (instant, a threshold reached), at the next
// cut-off (daily), or no sooner than it already was.
func dueFor(cfg sg.SettlementConfig, cur time.Time, totals sg.SettlementTotals, now time.Time) time.Time {
	var t time.Time
	switch {
	case cfg.Mode == sg.SettleInstant:
		t = now
	case cfg.Schedule == sg.ScheduleDaily:
		t = cfg.NextCutoff(now)
	case cfg.Schedule == sg.ScheduleThreshold && totals.Net >= cfg.Threshold:
		t = now
	}
	switch {
	case t.IsZero():
		return cur
	case cur.IsZero() || t.Before(cur):
		return t
	}
	return cur
}

// append adds lines to the open settlement of (tenant, payout chain),
// opening one if there is none.
func (s *Service) append(ctx context.Context, tenant string, cfg sg.SettlementConfig, lines []sg.SettlementLine, now time.Time) (sg.Settlement, error) {
	d := cfg.Destination.Chain
	for range maxAttempts {
		open, err := s.Store.OpenSettlement(ctx, tenant, d)
		switch {
		case errors.Is(err, sg.ErrNotFound):
			stl := sg.Settlement{ID: sg.NewID("stl", now), TenantID: tenant, Chain: d, Currency: sg.USDT, Status: sg.SettlementOpen,
				Period: sg.SettlementPeriod{From: now}, CreatedAt: now, Destination: cfg.Destination}
			stl.DueAt = dueFor(cfg, time.Time{}, sg.TotalsOf(lines), now)
			created, err := s.Store.CreateSettlement(ctx, stl, lines)
			if errors.Is(err, sg.ErrSettlementChanged) {
				continue // another call opened one first
			}
			return created, err
		case err != nil:
			return sg.Settlement{}, err
		}
		totals := open.Totals
		for _, l := range lines {
			totals = totals.Add(l)
		}
		open.DueAt = dueFor(cfg, open.DueAt, totals, now)
		added, err := s.Store.AddSettlementLines(ctx, open, lines)
		if errors.Is(err, sg.ErrSettlementChanged) {
			continue
		}
		return added, err
	}
	return sg.Settlement{}, sg.Unavailable("settlement.append", errors.New("the open settlement kept changing"))
}

func code(err error) string {
	var e *sg.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return sg.ErrInternal.Code
}
