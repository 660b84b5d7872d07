package stablegate

import (
	"context"
	"errors"
	"math/big"
	"time"
)

// The payout batch aggregate: many payouts asked for in one request and
// paid, per chain, in one transaction (Ethereum: the Multisend contract).
// Each row is an ordinary withdrawal (its own transfer record, idempotency
// key, hold, policy decision and approvals) that names its batch; the batch
// record keeps the rows' results and the steps of its one transaction, each
// step a conditional write, so a crash at any step is resumed from the
// record and nothing is paid twice.

// PayoutBatchState is a batch's place in its steps.
type PayoutBatchState string

// Batch steps, in order. open: rows are created and decided (policy,
// approvals); built: the members (rows approved for the batch's
// transaction, each marked as committed to it) are fixed; signed: the one
// transaction is signed and kept; broadcast: it was sent; done: every
// member ended (paid and posted, or refused by the token and its hold
// voided). Rows that were not members (refused at creation, rejected by
// policy, still awaiting approvals when the batch was built) follow their
// own course as single payouts.
const (
	BatchOpen      PayoutBatchState = "open"
	BatchBuilt     PayoutBatchState = "built"
	BatchSigned    PayoutBatchState = "signed"
	BatchBroadcast PayoutBatchState = "broadcast"
	BatchDone      PayoutBatchState = "done"
)

// MaxBatchRows is the most payouts one batch request takes.
const MaxBatchRows = 500

// PayoutBatch is one batch request and the steps of its transactions.
type PayoutBatch struct {
	ID, TenantID string
	Wallet       string
	RequestHash  string
	State        PayoutBatchState
	Rows         []BatchRow
	// Members are the transfer ids paid by the batch's one transaction on
	// the multisend chain, in the transaction's order (fixed at built).
	Members []string
	// Chain is the chain the members are paid on.
	Chain Chain
	// TxHash is the batch transaction's hash once signed.
	TxHash string
	// Version counts writes: every update is conditional on it.
	Version              int
	CreatedAt, UpdatedAt time.Time
}

// BatchRow is one payout of a batch as asked and what became of the ask:
// the withdrawal it created (TransferID), or the named refusal (Code) that
// created none.
type BatchRow struct {
	Index     int
	Key       string
	Chain     Chain
	ToAddress string
	Amount    Amount
	Memo      string
	// TransferID is the withdrawal created for the row ("" when refused).
	TransferID string
	// Code and Message name why a row was refused at creation.
	Code, Message, Param string
}

// PayoutBatches keeps batch records. Create writes a new batch once
// (ErrTransferExists-like ErrBatchExists when the id is taken); Update
// writes b only if the stored version is b.Version-1 (else ErrStateChanged).
type PayoutBatches interface {
	CreateBatch(ctx context.Context, b PayoutBatch) error
	PayoutBatch(ctx context.Context, tenant, id string) (PayoutBatch, error)
	UpdateBatch(ctx context.Context, b PayoutBatch) error
}

// BatchOutcome is what the chain says of a batch's transaction.
type BatchOutcome struct {
	// Confirmed: mined and at the confirmation depth; Failed: it reverted
	// (nothing was paid).
	Confirmed, Failed bool
	// TxHash is the version mined (a replacement may take the place of the
	// one signed).
	TxHash string
	// Paid says, per member in order, whether the token paid it; Fees are
	// each member's share of the network fee in the asset's base units.
	Paid []bool
	Fees []Amount
	// FeeWei is the whole transaction's network fee (wei on Ethereum, sun
	// of TRX burnt on Tron).
	FeeWei *big.Int
}

// BatchSender pays a built batch's members in one transaction on its chain
// (the Ethereum adapter: the Multisend contract). SignBatch signs once per
// batch: a second call returns the first transaction's hash. No method
// logs or returns key material.
type BatchSender interface {
	SignBatch(ctx context.Context, b PayoutBatch, members []BatchRow) (txHash string, err error)
	BroadcastBatch(ctx context.Context, b PayoutBatch) error
	BatchOutcome(ctx context.Context, b PayoutBatch, members []BatchRow) (BatchOutcome, error)
}

// Named rejections of payout batches.
var (
	// ErrBatchEmpty: the batch has no payouts.
	ErrBatchEmpty = &Error{Kind: KindInvalid, Code: "batch_empty", Message: "a payout batch needs at least one payout", Param: "payouts"}
	// ErrBatchTooLarge: more payouts than one batch takes.
	ErrBatchTooLarge = &Error{Kind: KindInvalid, Code: "batch_too_large", Message: "a payout batch takes at most 500 payouts", Param: "payouts"}
	// ErrBatchAssembling: a batch row waits for its batch to be built and
	// signed (shown on the row while it waits).
	ErrBatchAssembling = &Error{Kind: KindUnavailable, Code: "payout_batch_assembling", Message: "the payout waits for its batch's transaction to be built"}
	// ErrRecipientRefused: the token refused to pay this recipient in the
	// batch's transaction (a blacklisted address, say); the other payouts
	// went on and this one's amount went back to the wallet.
	ErrRecipientRefused = &Error{Kind: KindRefused, Code: "recipient_refused_by_token", Message: "the token contract refused this recipient; the amount went back to the wallet"}
	// ErrBatchExists: a batch with this id exists (the idempotency key's).
	ErrBatchExists = errors.New("stablegate: payout batch exists")
)
