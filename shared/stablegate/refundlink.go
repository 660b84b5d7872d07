package stablegate

import (
	"context"
	"time"
)

// A RefundLink lets an invoice's payer name the address a refund goes to.
// The merchant asks for one when the address that paid is not the payer's
// own (an exchange's hot wallet, say): POST /v1/invoices/{id}/refunds with
// "payer_link": true answers a link to the hosted refund page. The payer
// opens it, gives an address, and the refund is then paid as any refund:
// a withdrawal of the same pipeline, with its policy, screening, approvals
// and freezes, requested by the merchant who made the link.
//
// The token is the payer's only credential, shaped like a checkout token
// ("rfl_" and 192 random bits), and is never logged or put in an error.
// Nothing is reserved while the link waits: the refund is checked against
// what was paid less refunded when it is made and again when the payer
// claims it, so an unclaimed link never blocks another refund.
type RefundLink struct {
	ID        string // "rfl_" id keyed by the merchant's Idempotency-Key
	TenantID  string
	InvoiceID string
	Chain     Chain
	Amount    Amount
	Reason    string
	Token     string
	State     RefundLinkState
	ToAddress string // the payer's address, once claimed
	CreatedBy string // the subject of the merchant's token
	CreatedAt time.Time
	ExpiresAt time.Time
	ClaimedAt time.Time
}

// RefundLinkState is where a refund link stands.
type RefundLinkState string

// The states of a refund link.
const (
	RefundLinkOpen    RefundLinkState = "awaiting_address"
	RefundLinkClaimed RefundLinkState = "claimed"
)

// RefundLinkTTL is how long a payer has to claim a refund link.
const RefundLinkTTL = 14 * 24 * time.Hour

// RefundLinks keeps refund links. PutRefundLink writes a new link once
// (ErrRefundLinkExists if its id exists); RefundLinkByID and RefundLinkByToken read
// one (ErrNotFound if unknown; by id only within its tenant). ClaimRefundLink
// records the payer's address on an open link; on a link already claimed
// with the same address it succeeds again (a retried claim), with another
// address it is ErrRefundLinkUsed.
type RefundLinks interface {
	PutRefundLink(ctx context.Context, l RefundLink) error
	RefundLinkByID(ctx context.Context, tenant, id string) (RefundLink, error)
	RefundLinkByToken(ctx context.Context, token string) (RefundLink, error)
	ClaimRefundLink(ctx context.Context, tenant, id, toAddress string, at time.Time) (RefundLink, error)
}

// Named refusals of a refund link.
var (
	// ErrRefundLinkExpired: the link's claim window has passed; the
	// merchant can make another.
	ErrRefundLinkExpired = &Error{Kind: KindRefused, Code: "refund_link_expired", Message: "this refund link has expired; ask the merchant for a new one", Param: "token"}
	// ErrRefundLinkExists: a link of this id (the same Idempotency-Key) exists.
	ErrRefundLinkExists = &Error{Kind: KindConflict, Code: "refund_link_exists", Message: "a refund link with this id exists"}
	// ErrRefundLinkUsed: the link was already claimed for another address.
	ErrRefundLinkUsed = &Error{Kind: KindConflict, Code: "refund_link_used", Message: "this refund link was already claimed for another address", Param: "to_address"}
)
