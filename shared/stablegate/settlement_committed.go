package stablegate

import (
	"context"
	"time"
)

// ---- settlefix: closed settlements not yet paid ----

// SettlementCommitted is what the closed settlements of a tenant on a
// payout chain not yet paid still have in its settlement wallet: the sum
// of their nets and how many there are (each payout's network fee, when
// passed through, comes out of the wallet too), with the reversals
// admitted against it and not yet recorded.
type SettlementCommitted struct {
	Net   Amount
	Count int64
	// Reserved are the refunds and chargebacks admitted against the
	// counter (ReserveCommitted) whose lines are not yet recorded, by key:
	// their money may already have left the wallet or be about to.
	Reserved map[string]CommittedReservation
	// Version counts the counter's writes (a status that moves it, a
	// reservation made or released); ReserveCommitted is conditioned on it.
	Version int64
}

// CommittedReservation is one reversal admitted against the counter.
type CommittedReservation struct {
	Amount Amount
	At     time.Time
}

// CommittedReservationTTL is how long a reservation counts: longer than
// any request that makes one can run (a Lambda stops at 15 minutes). A
// reversal that crashed between its reservation and its line stops
// counting after it (its money, if it left, is in the balance by then).
const CommittedReservationTTL = 15 * time.Minute

// Live sums c's reservations that still count at now, but except's (a
// reversal retried under its key does not count itself twice).
func (c SettlementCommitted) Live(now time.Time, except string) Amount {
	var sum Amount
	for k, r := range c.Reserved {
		if k != except && now.Before(r.At.Add(CommittedReservationTTL)) {
			sum += r.Amount
		}
	}
	return sum
}

// Committed reports whether a settlement in status s has its payout's
// money still in the settlement wallet, owed to it: closed (its payout not
// yet requested: waiting for liquidity, held by the merchant's tier, or
// not yet taken up by the job) or failed (its payout refused or ended
// without paying, the money back in the wallet, a retry pays it again).
// Once paying, the payout's hold has taken the money out of what is
// available.
func (s SettlementStatus) Committed() bool {
	return s == SettlementClosed || s == SettlementFailed
}

// SettlementCommitments keeps the committed counter of (tenant, payout
// chain): a counter the store moves in the same write as a settlement's
// status (UpdateSettlement), never computed by a scan after it is
// initialised.
//
// A refund or chargeback is admitted against it atomically: read the
// counter, read the wallet's balance, check, then ReserveCommitted over
// the Version read. Every write of the counter moves Version, so a
// settlement closing (or failing) or another reversal admitted in between
// makes the reservation fail and the reversal check again. A settlement
// is not closed (UpdateSettlement open -> closed answers
// ErrSettlementReversing) while a live reservation of its tenant and
// chain stands: a reversal admitted while it was open records its line in
// it, so its closed net never counts money that has left.
type SettlementCommitments interface {
	// SettlementCommitted reads the counter (zero when none). A counter
	// not yet initialised (written before settlements were counted) is
	// first initialised from the tenant's settlements, a bounded number
	// of pages a call; until that is done it answers a retryable error.
	SettlementCommitted(ctx context.Context, tenant string, c Chain) (SettlementCommitted, error)
	// ReserveCommitted records a reservation of amount under key at at,
	// if the counter is still at version (ErrSettlementChanged otherwise).
	// The same key again changes nothing and answers nil.
	ReserveCommitted(ctx context.Context, tenant string, c Chain, key string, amount Amount, at time.Time, version int64) error
	// ReleaseCommitted takes key's reservation off (nil when there is none).
	ReleaseCommitted(ctx context.Context, tenant string, c Chain, key string) error
}

// ErrSettlementFundsCommitted: a refund or chargeback would take the
// settlement wallet below what closed settlements not yet paid are owed
// (their payout amounts were fixed when they closed). Nothing changes; it
// can go once they are paid, or once the wallet holds more.
var ErrSettlementFundsCommitted = &Error{Kind: KindRefused, Code: "settlement_funds_committed",
	Message: "the settlement wallet's money is owed to a closed settlement not yet paid", Param: "amount"}

// ErrSettlementReversing: a settlement cannot close while a refund or
// chargeback admitted against its tenant's settlement wallet has not yet
// recorded its line; the job closes it on a later run. Never sent to a
// client. Its code is its own: errors match by code, and any other
// unavailable error (a payer's fault, say) is not this one.
var ErrSettlementReversing = &Error{Kind: KindUnavailable, Code: "settlement_reversing",
	Message: "a refund or chargeback of the settlement wallet is being recorded; retry"}
