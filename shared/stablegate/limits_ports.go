package stablegate

import (
	"context"
	"time"
)

// PayoutSettler hears of each payout that reaches an end of its money
// (confirmed, or a final state): the tier limits commit the amount a
// payout reserved when it is confirmed and give it back when it ends
// without moving money (rejected, cancelled, expired, failed). It must be
// idempotent: the ledger calls it again whenever it finds the payout ended
// (a redelivered message, a cancel repeated), so a call lost to a crash is
// made up by the next.
type PayoutSettler interface {
	Settle(ctx context.Context, t Transfer) error
}

// TransferLimits holds an internal transfer's source wallet to its
// customer's tier (compliance.Limits implements it): Reserve checks and
// claims amount under id before the transfer posts (the same id again
// changes nothing), Commit keeps it once posted, Release gives it back
// when the post is refused. Refusals are KindRefused errors with the
// tier's named code.
type TransferLimits interface {
	Reserve(ctx context.Context, tenant, subject, id string, chain Chain, amount Amount, op LimitOp, at time.Time) error
	Commit(ctx context.Context, tenant, subject, id string) error
	Release(ctx context.Context, tenant, subject, id string) error
}

// LimitClaim is what an internal transfer takes of its subject's limits,
// written in the transfer's own transaction (ClaimingLedger): the usage
// with the amount added, over the version read, and the transfer's
// reservation, new and already committed (it is written only with the
// transfer, so there is nothing to give back if the transfer is refused).
type LimitClaim struct {
	Usage       LimitUsage
	Reservation LimitReservation
}

// LimitClaimer is TransferLimits for a ledger that writes the claim with
// the transfer: Claim checks amount against subject's tier and returns the
// claim to write, or nil when id already holds a reservation (a retry of
// the same request: nothing more is taken). Refusals are as Reserve's.
type LimitClaimer interface {
	Claim(ctx context.Context, tenant, subject, id string, chain Chain, amount Amount, op LimitOp, at time.Time) (*LimitClaim, error)
}

// ClaimingLedger applies a transfer together with its limit claim, all or
// nothing. The transfer's own refusals come first (ErrTransferExists), then
// the claim's: usage that moved on since it was read, or a reservation
// already written under the id, is ErrLimitsChanged; then the funds
// (ErrInsufficientFunds).
type ClaimingLedger interface {
	ApplyTransferClaiming(ctx context.Context, t Transfer, c LimitClaim) error
}

// LimitSnapshots is implemented by a customer store that is also the
// subject's limit counters and can read, in one round trip, what a limit
// claim needs: the tenant's tier table (the default when none is stored),
// the subject's usage, and the reservation under id (nil if none).
type LimitSnapshots interface {
	LimitSnapshot(ctx context.Context, tenant, subject, id string) (TierTable, LimitUsage, *LimitReservation, error)
}

// LimitSnapshot is what a limit claim reads: the tenant's tier table, the
// subject's usage and the reservation under the claim's id (nil if none).
type LimitSnapshot struct {
	Tiers       TierTable
	Usage       LimitUsage
	Reservation *LimitReservation
}

// WalletsAndLimits reads an internal transfer's wallets under freeze
// (WalletReader.WalletsUnderFreeze) and the limit snapshot of subject
// under reservation id in one round trip, for a store that keeps both.
type WalletsAndLimits interface {
	WalletsUnderFreezeAndLimits(ctx context.Context, tenant, subject, id string, ids ...string) (map[string]Wallet, map[string]Freeze, LimitSnapshot, error)
}

// SnapshotClaimer is a LimitClaimer that can claim from a snapshot already
// read (WalletsAndLimits), reading nothing more for a subject that is not
// a customer.
type SnapshotClaimer interface {
	ClaimFrom(ctx context.Context, snap LimitSnapshot, tenant, subject, id string, chain Chain, amount Amount, op LimitOp, at time.Time) (*LimitClaim, error)
}
