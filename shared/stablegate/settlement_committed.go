package stablegate

import "context"

// ---- settlefix: closed settlements not yet paid ----

// SettlementCommitted is what the closed settlements of a tenant on a
// payout chain not yet paid still have in its settlement wallet: the sum
// of their nets and how many there are (each payout's network fee, when
// passed through, comes out of the wallet too).
type SettlementCommitted struct {
	Net   Amount
	Count int64
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

// SettlementCommitments reads the committed sum of (tenant, payout chain):
// a counter the store moves in the same write as a settlement's status
// (UpdateSettlement), never computed by a scan. Zero when none.
type SettlementCommitments interface {
	SettlementCommitted(ctx context.Context, tenant string, c Chain) (SettlementCommitted, error)
}

// ErrSettlementFundsCommitted: a refund or chargeback would take the
// settlement wallet below what closed settlements not yet paid are owed
// (their payout amounts were fixed when they closed). Nothing changes; it
// can go once they are paid, or once the wallet holds more.
var ErrSettlementFundsCommitted = &Error{Kind: KindRefused, Code: "settlement_funds_committed",
	Message: "the settlement wallet's money is owed to a closed settlement not yet paid", Param: "amount"}
