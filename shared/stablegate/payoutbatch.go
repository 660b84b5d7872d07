package stablegate

import (
	"context"
	"errors"
	"math/big"
	"time"
)

// The payout batch aggregate: many payouts asked for in one request and
// paid, per chain, in one transaction (a leg: the Multisend contract on
// Ethereum, its Tron twin on Tron). Each row is an ordinary withdrawal (its
// own transfer record, idempotency key, hold, policy decision and
// approvals) that names its batch; the batch record keeps the rows' results
// and, per leg, the steps of its one transaction, each step a conditional
// write of the whole record, so a crash at any step of any leg is resumed
// from the record and nothing is paid twice.

// PayoutBatchState is a batch's place in its steps.
type PayoutBatchState string

// Batch steps, in order. open: rows are created and decided (policy,
// approvals); built: the legs are fixed, one per chain with approved rows
// and a batch sender, each with its members (rows approved for the leg's
// transaction, each marked as committed to it); signed: a leg's one
// transaction is signed and kept; broadcast: it was sent; done: every
// member of the leg ended (paid and posted, or refused by the token and its
// hold voided). A batch's own state is its least advanced leg's (done when
// it has none). Rows that were not members (refused at creation, rejected
// by policy, still awaiting approvals when the batch was built, on a chain
// without a batch sender) follow their own course as single payouts.
const (
	BatchOpen      PayoutBatchState = "open"
	BatchBuilt     PayoutBatchState = "built"
	BatchSigned    PayoutBatchState = "signed"
	BatchBroadcast PayoutBatchState = "broadcast"
	BatchDone      PayoutBatchState = "done"
)

// batchOrder ranks the steps.
var batchOrder = map[PayoutBatchState]int{BatchOpen: 0, BatchBuilt: 1, BatchSigned: 2, BatchBroadcast: 3, BatchDone: 4}

// Before reports whether s is an earlier step than o.
func (s PayoutBatchState) Before(o PayoutBatchState) bool { return batchOrder[s] < batchOrder[o] }

// MaxBatchRows is the most payouts one batch request takes.
const MaxBatchRows = 500

// PayoutBatch is one batch request and the steps of its transactions.
type PayoutBatch struct {
	ID, TenantID string
	Wallet       string
	RequestHash  string
	// State is the least advanced leg's step (open until the legs are
	// fixed; done when every leg is, or there is none).
	State PayoutBatchState
	Rows  []BatchRow
	// Legs are the batch's transactions, one per chain (fixed at built,
	// in the order their chains first appear among the rows).
	Legs []BatchLeg
	// Version counts writes: every update is conditional on it.
	Version              int
	CreatedAt, UpdatedAt time.Time
}

// BatchLeg is a batch's one transaction on one chain and its steps.
type BatchLeg struct {
	Chain Chain
	// Job names the transaction with its chain's sender (the signed
	// transaction is kept under it); unique per batch and chain.
	Job string
	// State: built, signed, broadcast, done.
	State PayoutBatchState
	// Members are the transfer ids the transaction pays, in its order.
	Members []string
	// TxHash is the transaction's hash once signed.
	TxHash string
}

// LegJob names a batch's leg on chain c.
func LegJob(batchID string, c Chain) string { return batchID + "." + string(c) }

// Leg returns the leg paying transfer id and its index among the leg's
// members (ok false: no leg pays it).
func (b PayoutBatch) Leg(id string) (leg BatchLeg, index int, ok bool) {
	for _, l := range b.Legs {
		for i, m := range l.Members {
			if m == id {
				return l, i, true
			}
		}
	}
	return BatchLeg{}, -1, false
}

// LegState is the least advanced of the legs' steps (done when there is
// no leg).
func (b PayoutBatch) LegState() PayoutBatchState {
	s := BatchDone
	for _, l := range b.Legs {
		if l.State.Before(s) {
			s = l.State
		}
	}
	return s
}

// MemberRows are the rows leg l pays, in its transaction's order.
func (b PayoutBatch) MemberRows(l BatchLeg) []BatchRow {
	rows := make(map[string]BatchRow, len(b.Rows))
	for _, r := range b.Rows {
		if r.TransferID != "" {
			rows[r.TransferID] = r
		}
	}
	out := make([]BatchRow, 0, len(l.Members))
	for _, m := range l.Members {
		if r, ok := rows[m]; ok {
			out = append(out, r)
		}
	}
	return out
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

// BatchSender pays a batch's leg (its members) in one transaction on its
// chain (the Multisend contract). SignBatch signs once per leg (its Job): a
// second call returns the first transaction's hash. No method logs or
// returns key material.
type BatchSender interface {
	SignBatch(ctx context.Context, leg BatchLeg, members []BatchRow) (txHash string, err error)
	BroadcastBatch(ctx context.Context, leg BatchLeg) error
	BatchOutcome(ctx context.Context, leg BatchLeg, members []BatchRow) (BatchOutcome, error)
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
