package stablegate

import (
	"context"
	"time"
)

// The withdrawal aggregate's records and ports: a recorded state change of
// a transfer, what the chain says of a payout, and the payout port every
// chain adapter implements. The ledger service runs the pipeline over
// them; the dynamo adapter stores them; chain adapters sign and follow.

// Move is one recorded state change of a transfer.
type Move struct {
	From, To TransferState
	Event    Event
	// Entry, if it has postings, is applied in the same transaction (a
	// hold posted or voided).
	Entry Entry
	// Fee, if set, records the network fee actually paid.
	Fee    *Amount
	TxHash string
	// Approvals, if set, records what a move to awaiting_approval waits for.
	Approvals *ApprovalWait
	// Journal, if set, is written with the move (a decision).
	Journal *JournalEntry
	// Due, if set, is when the record next has something that can lapse
	// (its hold, or its wait for approvals): the index the expiry job reads
	// is ordered by it. Unset on a move to a state where nothing lapses.
	Due time.Time
}

// ApprovalWait is how many approvals a payout waits for, and until when.
type ApprovalWait struct {
	Required int
	Deadline time.Time
}

// Mover applies recorded state changes atomically: the state changes only
// if it is still m.From, the event is appended and the entry's postings
// applied, all or nothing; a second attempt of the same move returns
// ErrStateChanged.
type Mover interface {
	Transition(ctx context.Context, tenant, id string, m Move) error
}

// Receipt is what the chain says of a broadcast payout.
type Receipt struct {
	Confirmed bool
	Failed    bool
	// Fee is the network fee actually paid, in the asset's base units.
	Fee Amount
	// TxHash is the transaction mined, when a replacement (same nonce,
	// higher fee) took the place of the one first signed.
	TxHash string
	// Reason, if set, names why a failed payout failed (recorded as the
	// event's note instead of "reverted on chain").
	Reason string
}

// Payout signs, broadcasts and tracks a withdrawal on its chain (each chain
// adapter implements it). Until a chain signer is configured, withdrawals
// wait in awaiting_signer. No method logs or returns key material.
type Payout interface {
	Sign(ctx context.Context, t Transfer) (txHash string, err error)
	Broadcast(ctx context.Context, t Transfer) error
	Receipt(ctx context.Context, t Transfer) (Receipt, error)
}

// ParkedPayout is a payout a freeze stopped.
type ParkedPayout struct{ Tenant, ID, Wallet string }

// TrackedCold is the Kind of a tracked cold payout.
const TrackedCold = "cold"

// TrackedPayout names a payout (or a cold payout, by Kind) being followed
// on its chain to its end.
type TrackedPayout struct {
	// Kind is "" for a withdrawal (ID is its transfer), TrackedCold for a
	// cold payout (ID is its bundle's record, under the platform).
	Tenant, ID, Kind string
	// Trace is the X-Amzn-Trace-Id of the step that handed the payout to
	// the tracker ("" none), so its end joins the payout's trace.
	Trace string
}
