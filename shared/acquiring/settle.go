package acquiring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Event types. Each write of an invoice raises the events of what it
// changed, written to the invoice's outbox in the same write.
const (
	EventCreated          = "invoice.created"
	EventPaymentDetected  = "invoice.payment_detected"
	EventPaymentConfirmed = "invoice.payment_confirmed" // confirmed without changing the status
	EventPaymentReversed  = "invoice.payment_reversed"
	EventPartiallyPaid    = "invoice.partially_paid"
	EventPaid             = "invoice.paid"
	EventOverpaid         = "invoice.overpaid"
	EventPaidLate         = "invoice.paid_late"
	EventExpired          = "invoice.expired"
	EventCancelled        = "invoice.cancelled"
)

// DepositState is what a chain's watcher says of a deposit (sg.DepositState).
type DepositState = sg.DepositState

// Deposit states as the deposit sink reports them.
const (
	DepositSeen      = sg.DepositSeen
	DepositConfirmed = sg.DepositConfirmed
	DepositReversed  = sg.DepositReversed
)

// InvoiceDeposit is one deposit into a wallet as the deposit sink reports
// it (sg.WalletDeposit), for every deposit of every wallet: OnDeposit
// ignores wallets that are no invoice's.
type InvoiceDeposit = sg.WalletDeposit

// The service hears of every deposit.
var _ sg.DepositListener = (*Service)(nil)

func paymentState(d DepositState) (sg.PaymentState, bool) {
	switch d {
	case DepositSeen:
		return sg.PaymentPending, true
	case DepositConfirmed:
		return sg.PaymentConfirmed, true
	case DepositReversed:
		return sg.PaymentReversed, true
	}
	return "", false
}

// OnDeposit records a deposit into an invoice's wallet as a payment of the
// invoice and settles it. The invoice is found by the wallet the deposit
// went to, never by its amount. A redelivered deposit changes nothing and
// raises nothing; a deposit to a wallet that is no invoice's is ignored.
// It returns an error only for faults worth a retry.
func (s *Service) OnDeposit(ctx context.Context, d InvoiceDeposit) error {
	if d.Amount <= 0 {
		return nil // a zero-value transfer (address poisoning) pays nothing
	}
	target, ok := paymentState(d.State)
	if !ok || d.Ref == "" {
		return sg.Internal("acquiring.OnDeposit", fmt.Errorf("deposit %q in state %q of %d", d.Ref, d.State, d.Amount))
	}
	for range maxAttempts {
		inv, err := s.Store.InvoiceByWallet(ctx, d.Tenant, d.Wallet)
		if errors.Is(err, sg.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var prev *sg.InvoicePayment
		for i := range inv.Payments {
			if inv.Payments[i].Ref == d.Ref {
				prev = &inv.Payments[i]
			}
		}
		var prevState sg.PaymentState
		if prev != nil {
			prevState = prev.State
		}
		if !target.Follows(prevState) {
			// Redelivered, or a reversal of what was never seen: nothing
			// new. Events a crash left behind go now.
			return s.flush(ctx, inv)
		}
		now := s.now()
		var p sg.InvoicePayment
		if prev != nil {
			p = *prev
		} else {
			seen := d.At.UTC()
			if seen.IsZero() {
				seen = now
			}
			p = sg.InvoicePayment{Ref: d.Ref, Chain: d.Chain, TxHash: d.TxHash, Address: d.Address, From: d.From,
				Amount: d.Amount, Block: d.Block, SeenAt: seen, Late: seen.After(inv.Deadline())}
		}
		p.State = target
		if d.Confirmations > p.Confirmations {
			p.Confirmations = d.Confirmations
		}
		if target == sg.PaymentConfirmed {
			p.ConfirmedAt = now
		}
		next := inv
		next.Payments = withPayment(inv.Payments, p)
		next = settle(next, now)
		next.UpdatedAt = now
		_, err = s.write(ctx, inv, next, &p, prevState, prev)
		if errors.Is(err, sg.ErrInvoiceChanged) {
			continue
		}
		return err
	}
	return sg.Unavailable("acquiring.OnDeposit", sg.ErrInvoiceChanged)
}

func withPayment(ps []sg.InvoicePayment, p sg.InvoicePayment) []sg.InvoicePayment {
	out := make([]sg.InvoicePayment, 0, len(ps)+1)
	found := false
	for _, q := range ps {
		if q.Ref == p.Ref {
			q, found = p, true
		}
		out = append(out, q)
	}
	if !found {
		out = append(out, p)
	}
	return out
}

// Expire closes invoices whose time to pay is over (the open-by-expiry
// index), at most limit of them, and publishes their events. It returns
// how many it expired.
func (s *Service) Expire(ctx context.Context, now time.Time, limit int) (int, error) {
	due, err := s.Store.DueInvoices(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range due {
		for attempt := 0; attempt < maxAttempts; attempt++ {
			inv, err := s.Store.Invoice(ctx, r.TenantID, r.ID)
			if err != nil {
				return n, err
			}
			next := settle(inv, now)
			if next.Status == inv.Status {
				break
			}
			next.UpdatedAt = s.now()
			_, err = s.write(ctx, inv, next, nil, "", nil)
			if errors.Is(err, sg.ErrInvoiceChanged) {
				continue
			}
			if err != nil {
				return n, err
			}
			if next.Status == sg.InvoiceExpired {
				n++
			}
			break
		}
	}
	return n, nil
}

// FlushOutbox publishes the events a crash left in outboxes (a job, after
// Expire), at most limit invoices' worth.
func (s *Service) FlushOutbox(ctx context.Context, limit int) error {
	refs, err := s.Store.OutboxInvoices(ctx, limit)
	if err != nil {
		return err
	}
	for _, r := range refs {
		inv, err := s.Store.Invoice(ctx, r.TenantID, r.ID)
		if err != nil {
			return err
		}
		if err := s.flush(ctx, inv); err != nil {
			return err
		}
	}
	return nil
}

// write stores next over inv (the version read) with the payment change
// and the events the change raises, then publishes the outbox.
func (s *Service) write(ctx context.Context, inv, next sg.Invoice, p *sg.InvoicePayment, prevState sg.PaymentState, prev *sg.InvoicePayment) (sg.Invoice, error) {
	next.Version = inv.Version
	evs := changes(inv, next, p, prev)
	u := sg.InvoiceUpdate{Invoice: next, Payment: p, PrevState: prevState, Events: evs}
	if err := s.Store.UpdateInvoice(ctx, u); err != nil {
		return sg.Invoice{}, err
	}
	next.Version = inv.Version + 1
	next.Outbox = append(append([]sg.InvoiceEvent(nil), inv.Outbox...), evs...)
	if err := s.flush(ctx, next); err != nil {
		// Written: the outbox keeps the events for the next call or the job.
		s.log().WarnContext(ctx, "acquiring: events stay in the outbox", "invoice", next.ID, "err", err)
	}
	next.Outbox = nil
	return next, nil
}

// changes lists the events of the change from inv to next.
func changes(inv, next sg.Invoice, p, prev *sg.InvoicePayment) []sg.InvoiceEvent {
	var types []string
	if p != nil {
		switch {
		case prev == nil:
			types = append(types, EventPaymentDetected)
		case p.State == sg.PaymentReversed:
			types = append(types, EventPaymentReversed)
		}
	}
	if next.Status != inv.Status {
		if t := statusEvent(next.Status); t != "" {
			types = append(types, t)
		}
	} else if p != nil && p.State == sg.PaymentConfirmed {
		types = append(types, EventPaymentConfirmed)
	}
	next.Version = inv.Version + 1
	var out []sg.InvoiceEvent
	for i, t := range types {
		out = append(out, event(next, t, i))
	}
	return out
}

func statusEvent(st sg.InvoiceStatus) string {
	switch st {
	case sg.InvoicePartiallyPaid:
		return EventPartiallyPaid
	case sg.InvoicePaid:
		return EventPaid
	case sg.InvoiceOverpaid:
		return EventOverpaid
	case sg.InvoicePaidLate:
		return EventPaidLate
	case sg.InvoiceExpired:
		return EventExpired
	case sg.InvoiceCancelled:
		return EventCancelled
	}
	return "" // back to open: the reversal's event says it
}

// event is the i-th event of the write that makes inv's Version. Its id is
// fixed by the invoice, the version and the type, so the same change never
// makes two events.
func event(inv sg.Invoice, typ string, i int) sg.InvoiceEvent {
	data, err := json.Marshal(ViewOf(inv, false))
	if err != nil {
		panic("acquiring: view does not marshal: " + err.Error())
	}
	return sg.InvoiceEvent{ID: "evt_" + sg.KeyHash(inv.ID, typ, strconv.FormatInt(inv.Version, 10)), Type: typ,
		Seq: inv.Version*16 + int64(i), Created: inv.UpdatedAt, Data: data}
}

// flush publishes the invoice's outbox in order and clears what went out.
// Publishing is idempotent by event id, so a crash between the two sends
// nothing twice to a receiver that dedupes by id.
func (s *Service) flush(ctx context.Context, inv sg.Invoice) error {
	if len(inv.Outbox) == 0 || s.Events == nil {
		return nil
	}
	evs := append([]sg.InvoiceEvent(nil), inv.Outbox...)
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	var done []string
	var perr error
	for _, e := range evs {
		err := s.Events.Publish(ctx, sg.WebhookEvent{ID: e.ID, TenantID: inv.TenantID, Type: e.Type, Created: e.Created,
			APIVersion: sg.WebhookAPIVersion, OrderingKey: inv.ID, Data: e.Data})
		if err != nil {
			perr = err // keep order: the rest wait for this one
			break
		}
		done = append(done, e.ID)
	}
	if len(done) > 0 {
		if err := s.Store.ClearOutbox(ctx, inv.TenantID, inv.ID, done); err != nil && perr == nil {
			perr = err
		}
	}
	return perr
}

// settle sets the invoice's status and amounts from its payments, its
// policy and the time (see infra/acquiring.md for the table).
func settle(inv sg.Invoice, now time.Time) sg.Invoice {
	pol := inv.Policy
	due := inv.Amount
	threshold := due - pol.Tolerance(due)
	lateUntil := inv.Deadline().Add(pol.LateWindow)
	var onTime, lateOK, refused, pending sg.Amount
	for _, p := range inv.Payments {
		counts := inv.Accepts(p.Chain)
		switch {
		case p.State == sg.PaymentReversed:
		case p.State == sg.PaymentPending:
			pending += p.Amount
		case !counts:
			refused += p.Amount
		case !p.Late:
			onTime += p.Amount
		case pol.Late == sg.LateAccept && !p.SeenAt.After(lateUntil):
			lateOK += p.Amount
		default:
			refused += p.Amount
		}
	}
	accepted := onTime + lateOK
	var over sg.Amount
	switch {
	case onTime > 0 && onTime >= threshold:
		inv.Status = sg.InvoicePaid
		if accepted > due {
			inv.Status, over = sg.InvoiceOverpaid, accepted-due
		}
	case accepted > 0 && accepted >= threshold:
		inv.Status = sg.InvoicePaidLate
		if accepted > due {
			over = accepted - due
		}
	case !now.Before(inv.Deadline()):
		inv.Status = sg.InvoiceExpired
		if !inv.CancelledAt.IsZero() && !inv.CancelledAt.After(inv.ExpiresAt) {
			inv.Status = sg.InvoiceCancelled
		}
		refused += accepted // nothing was sold: all of it is owed back
	case accepted > 0:
		inv.Status = sg.InvoicePartiallyPaid
	default:
		inv.Status = sg.InvoiceOpen
	}
	if pol.Overpaid == sg.OverpaidRefund {
		refused += over
	}
	inv.Paid, inv.Pending, inv.RefundDue = accepted, pending, refused
	return inv
}
