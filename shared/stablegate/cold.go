package stablegate

import (
	"context"
	"time"
)

// Cold payouts and Tron sweep grants cross the air gap: a bundle is
// prepared online, signed offline and imported. The chain adapters build,
// check and follow them; the dynamo adapter keeps the records.

// Cold payout states.
const (
	ColdPrepared = "prepared"
	ColdSigned   = "signed"
	ColdSent     = "broadcast"
	ColdDone     = "confirmed"
	ColdFailed   = "failed"
	// ColdCancelled: withdrawn unsigned; its nonce is free again.
	ColdCancelled = "cancelled"
)

// ColdRecord is one cold payout as stored.
type ColdRecord struct {
	ID, Tenant, Chain, State string
	Bundle                   []byte // the unsigned bundle file, as issued
	RequestHash              string
	RequestedBy              string
	CreatedAt, ExpiresAt     time.Time
	TxHash                   string
	Amount                   Amount
	To                       string
}

// ErrColdBundleOpen: another cold bundle of the chain is open.
var ErrColdBundleOpen = &Error{Kind: KindConflict, Code: "cold_bundle_open",
	Message: "another cold bundle of this chain is open; import it, cancel it or let it expire first"}

// Tron sweep grant states.
const (
	GrantPrepared  = "prepared"
	GrantSigned    = "signed"
	GrantDone      = "done"
	GrantCancelled = "cancelled"
)

// GrantRecord is one Tron sweep grant bundle as stored.
type GrantRecord struct {
	ID, Scope, State     string
	Bundle, Signed       []byte // the files, as issued and as imported
	RequestHash          string
	RequestedBy          string
	CreatedAt, ExpiresAt time.Time
	// Outcome per address once the grant is done: "approved" or "failed".
	Outcome map[string]string
}

// ErrGrantOpen: another grant of the scope is open.
var ErrGrantOpen = &Error{Kind: KindConflict, Code: "grant_open",
	Message: "another Tron sweep grant is open; import it, cancel it or let it expire first"}

// ColdStore is what a chain's side of cold payouts reads and moves of a
// cold payout's record (both chains follow their payouts through it).
type ColdStore interface {
	ColdBundle(ctx context.Context, tenant, id string, byKey bool) (ColdRecord, error)
	MoveCold(ctx context.Context, r ColdRecord, from, to, txHash string, j ...JournalEntry) error
}
