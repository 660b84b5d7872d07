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
