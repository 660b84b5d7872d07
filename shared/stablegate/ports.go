package stablegate

import (
	"context"
	"time"
)

// The stores the services need, per aggregate, and the records they carry.
// The domain owns them: the services take the narrow ports they use, the
// adapters (dynamo, memstore) implement them and check so at compile time.

// TransferLedger is the ledger's store: transfers applied with their
// postings, read by id or by the idempotency key that made them.
type TransferLedger interface {
	LedgerStore
	// TransferByKey reads the transfer recorded for an idempotency key hash.
	TransferByKey(ctx context.Context, tenantID, keyHash string) (Transfer, error)
}

// WalletReader reads wallets.
type WalletReader interface {
	Wallet(ctx context.Context, tenantID, walletID string) (Wallet, error)
	// WalletsByID reads several wallets of the tenant in one round trip;
	// ids with no wallet are absent from the map.
	WalletsByID(ctx context.Context, tenantID string, ids ...string) (map[string]Wallet, error)
	// WalletsUnderFreeze is WalletsByID that also reads, in the same round
	// trip, the freeze in force over each wallet (the platform's, the
	// tenant's or the wallet's own); wallets no freeze covers are absent
	// from the second map.
	WalletsUnderFreeze(ctx context.Context, tenantID string, ids ...string) (map[string]Wallet, map[string]Freeze, error)
}

// FreezeReader says whether a freeze is in force over a wallet (or, with
// empty tenant and wallet, over the platform).
type FreezeReader interface {
	FreezeOn(ctx context.Context, tenant, wallet string) (Freeze, bool, error)
}

// PayoutFreezes say whether a freeze stops a payout, and keep the list of
// payouts a freeze stopped, so lifting it queues them again.
type PayoutFreezes interface {
	FreezeReader
	Park(ctx context.Context, tenant, id, wallet string) error
	Unpark(ctx context.Context, tenant, id string) error
}

// FreezesOver tells which wallets a freeze in force covers.
type FreezesOver interface {
	// FreezesOver returns, for each of the tenant's wallets ids that a
	// freeze in force covers, that freeze, in one round trip.
	FreezesOver(ctx context.Context, tenant string, ids ...string) (map[string]Freeze, error)
}

// WaitMarker records why a payout waits.
type WaitMarker interface {
	MarkWaiting(ctx context.Context, tenant, id string, state TransferState, why *Reason) error
}

// OwnAddresses knows the deployment's own addresses: every wallet's
// deposit address and the platform's hot, cold and token addresses.
type OwnAddresses interface {
	OwnAddress(ctx context.Context, c Chain, addr string) (bool, error)
}

// QuoteStore keeps fee quotes.
type QuoteStore interface {
	PutQuote(ctx context.Context, q FeeQuote) error
	Quote(ctx context.Context, tenant, id string) (FeeQuote, error)
}

// SweepMarker records confirmed deposits for a sweeper.
type SweepMarker interface {
	MarkForSweep(ctx context.Context, scope, addr string, index uint32, version string) error
}

// CustodyStore is what custody keeps: policies, allowlists, approvals,
// freezes, the payouts they parked, and the journal of every decision.
type CustodyStore interface {
	Policy(ctx context.Context, tenant string) (Policy, error)
	PutPolicy(ctx context.Context, tenant string, p Policy, j JournalEntry) error
	AddAllowEntry(ctx context.Context, tenant string, e AllowEntry, j JournalEntry) error
	AllowEntry(ctx context.Context, tenant string, c Chain, addr string) (AllowEntry, bool, error)
	AllowEntries(ctx context.Context, tenant string) ([]AllowEntry, error)
	AddApproval(ctx context.Context, tenant, id string, a Approval, j JournalEntry) error
	PutFreeze(ctx context.Context, f Freeze, journalTenant string, j JournalEntry) error
	VoteUnfreeze(ctx context.Context, f Freeze, v Approval, journalTenant string, j JournalEntry) (Freeze, error)
	Freezes(ctx context.Context, tenant string) ([]Freeze, error)
	Parked(ctx context.Context, f Freeze) ([]ParkedPayout, error)
	Unpark(ctx context.Context, tenant, id string) error
	Journal(ctx context.Context, tenant string, limit int, before int64) ([]JournalEntry, error)
}

// VelocityCounter counts a tenant's payouts in the 24 hours before at,
// counting t once.
type VelocityCounter interface {
	CountVelocity(ctx context.Context, t Transfer, at time.Time) (Amount, error)
}

// TransferReader reads one transfer of the tenant.
type TransferReader interface {
	Transfer(ctx context.Context, tenant, id string) (Transfer, error)
}

// LedgerReads are the ledger's reads reconciliation checks.
type LedgerReads interface {
	TenantTransfers(ctx context.Context, tenant string) ([]Transfer, error)
	AccountBalance(ctx context.Context, a Account, shards int) (Balance, error)
	BalanceTotals(ctx context.Context) (system, wallets map[[2]string]Balance, tenants []string, err error)
	Transfer(ctx context.Context, tenant, id string) (Transfer, error)
}

// TenantWalletLister lists all of a tenant's wallets.
type TenantWalletLister interface {
	TenantWallets(ctx context.Context, tenant string) ([]Wallet, error)
}

// TrackedReader lists the payouts broadcast on a chain and not yet ended.
type TrackedReader interface {
	Tracked(ctx context.Context, c Chain) ([]TrackedPayout, error)
}

// NonceHolders counts open withdrawals holding a nonce and not yet
// broadcast.
type NonceHolders interface {
	NonceHolders(ctx context.Context) (int, error)
}

// ReconStore is everything reconciliation reads (a store that keeps all
// aggregates, as the in-memory twin, has it in one).
type ReconStore interface {
	LedgerReads
	TenantWalletLister
	TrackedReader
}

// HistoryReader reads a wallet's transfer history, newest first.
type HistoryReader interface {
	History(ctx context.Context, tenant, wallet string, f HistoryFilter, page Page) ([]Transfer, string, error)
}

// HistoryStore reads wallets and their transfer history.
type HistoryStore interface {
	Wallet(ctx context.Context, tenantID, walletID string) (Wallet, error)
	HistoryReader
}

// IdempotencyClaims claims and completes idempotency records of requests
// that do their work in many writes.
type IdempotencyClaims interface {
	// ClaimIdempotency claims the key for a request before any work; when
	// another holds it, it returns that record (Status 0: still running).
	ClaimIdempotency(ctx context.Context, tenantID, operation, key, reqHash string, lease time.Duration) (Idempotency, bool, error)
	// CompleteIdempotency records the claimed request's answer.
	CompleteIdempotency(ctx context.Context, r Idempotency) error
	// ReleaseIdempotency gives up a claim with no answer yet.
	ReleaseIdempotency(ctx context.Context, tenantID, operation, key, reqHash string) error
	// Idempotency reads the key's record.
	Idempotency(ctx context.Context, tenantID, operation, key string) (Idempotency, error)
}

// ColdPayouts keeps the platform's cold payouts.
type ColdPayouts interface {
	PutColdBundle(ctx context.Context, r ColdRecord, j JournalEntry) error
	ColdLock(ctx context.Context, chain string) (tenant, id string, until time.Time, err error)
	ColdBundle(ctx context.Context, tenant, id string, byKey bool) (ColdRecord, error)
	MoveCold(ctx context.Context, r ColdRecord, from, to, txHash string, j ...JournalEntry) error
	TrackCold(ctx context.Context, c Chain, tenant, id string) error
	Untrack(ctx context.Context, c Chain, id string) error
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (SignedTx, error)
}

// LiveStore keeps WebSocket connections and their wallet subscriptions.
type LiveStore interface {
	PutConnection(ctx context.Context, id, tenant string) error
	ConnectionTenant(ctx context.Context, id string) (string, error)
	DeleteConnection(ctx context.Context, id string) error
	Subscribe(ctx context.Context, tenant, wallet, conn string) error
	Subscribers(ctx context.Context, tenant, wallet string) ([]string, error)
	Unsubscribe(ctx context.Context, tenant, wallet, conn string) error
}

// PolicyFacts are what evaluating a tenant's policy reads: the policy, the
// allowlist and the payouts' velocity.
type PolicyFacts interface {
	Policy(ctx context.Context, tenant string) (Policy, error)
	AllowEntry(ctx context.Context, tenant string, c Chain, addr string) (AllowEntry, bool, error)
	VelocityCounter
}

// CourseStore keeps course attempts, progress and certificates.
type CourseStore interface {
	Progress(ctx context.Context, tenant, learner string) (map[string]CourseProgress, error)
	// StartProgress writes a learner's progress in a course (an attempt
	// drawn) over the one read (ErrStateChanged if it moved: its Rev
	// differs); the stored Rev becomes before.Rev+1.
	StartProgress(ctx context.Context, tenant, learner string, before, after CourseProgress) error
	// SaveAttempt records a graded attempt and the progress after it over
	// the progress it was graded against, its certificate if any and its
	// idempotency record, all or nothing (ErrIdempotencyInProgress if the
	// key is taken, ErrStateChanged if the progress moved); the stored Rev
	// becomes before.Rev+1.
	SaveAttempt(ctx context.Context, a CourseAttempt, before, after CourseProgress, idem Idempotency) error
	// Certificate reads one of the tenant's certificates
	// (ErrCertificateNotFound).
	Certificate(ctx context.Context, tenant, id string) (Certificate, error)
	Idempotency(ctx context.Context, tenant, op, key string) (Idempotency, error)
}
