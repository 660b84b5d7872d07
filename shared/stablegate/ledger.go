package stablegate

import (
	"context"
	"fmt"
	"time"
)

// Bucket is a part of an account's balance.
type Bucket string

// Balance buckets: Available can be spent, Pending awaits confirmations,
// Held is reserved by a payout in flight.
const (
	Available Bucket = "available"
	Pending   Bucket = "pending"
	Held      Bucket = "held"
)

// System account names. They belong to the platform, not to a tenant, and
// may go below zero (Inbound, for instance, mirrors what the chain owes in).
const (
	SysHotWallet  = "hot_wallet"
	SysColdWallet = "cold_wallet"
	SysFees       = "fees"
	SysInFlight   = "deposits_in_flight"
	SysSettlement = "settlement_clearing"
	SysBurnSink   = "burn_sink"
	SysOutbound   = "outbound"
	SysInbound    = "inbound"
	// SysFloat mirrors the platform's own tokens put into (negative) or
	// taken out of a hot wallet; SysHotWallet holds their counterpart.
	SysFloat = "float"
	// SysDevFaucet mirrors credits made with no chain behind them (the dev
	// faucet): never used by a deployment's own code paths.
	SysDevFaucet   = "dev_faucet"
	systemPrefix   = "sys:"
	maxAccountPart = 64
)

// Account identifies one ledger account: a wallet's balance of one asset on
// one chain, or a system account (Wallet = "sys:<name>", TenantID empty).
type Account struct {
	TenantID string
	Wallet   string
	Chain    Chain
	Asset    Asset
}

// WalletAccount is a tenant wallet's account.
func WalletAccount(tenant, wallet string, c Chain, a Asset) Account {
	return Account{TenantID: tenant, Wallet: wallet, Chain: c, Asset: a}
}

// SystemAccount is one of the platform's accounts.
func SystemAccount(name string, c Chain, a Asset) Account {
	return Account{Wallet: systemPrefix + name, Chain: c, Asset: a}
}

// IsSystem reports whether a is a platform account (no floor).
func (a Account) IsSystem() bool { return len(a.Wallet) > 4 && a.Wallet[:4] == systemPrefix }

func (a Account) String() string {
	if a.IsSystem() {
		return fmt.Sprintf("%s/%s/%s", a.Wallet, a.Chain, a.Asset)
	}
	return fmt.Sprintf("%s/%s/%s/%s", a.TenantID, a.Wallet, a.Chain, a.Asset)
}

// Posting moves Delta base units into (positive) or out of (negative) one
// bucket of one account.
type Posting struct {
	Account Account
	Bucket  Bucket
	Delta   Amount
	// Shards is how many balance items the account is spread over (0 or 1:
	// one). A storage hint taken from the wallet: high-volume accounts take
	// credits on many items so no single item limits their write rate.
	Shards int
}

// Entry is one immutable journal entry: postings that sum to zero per asset.
type Entry struct {
	Postings []Posting
}

// Check verifies the double-entry rule: every asset's postings sum to zero,
// and no posting is zero or mixes chains.
func (e Entry) Check() error {
	if len(e.Postings) < 2 {
		return fmt.Errorf("stablegate: entry needs at least two postings")
	}
	sums := map[Asset]int64{}
	chain := e.Postings[0].Account.Chain
	for _, p := range e.Postings {
		if p.Delta == 0 {
			return fmt.Errorf("stablegate: zero posting on %s", p.Account)
		}
		if p.Account.Chain != chain {
			return fmt.Errorf("stablegate: entry mixes chains")
		}
		sums[p.Account.Asset] += int64(p.Delta)
	}
	for a, s := range sums {
		if s != 0 {
			return fmt.Errorf("stablegate: %s postings sum to %d, not zero", a, s)
		}
	}
	return nil
}

// TransferType says what a transfer is.
type TransferType string

// Transfer types.
const (
	TransferInternal   TransferType = "internal"
	TransferDeposit    TransferType = "deposit"
	TransferWithdrawal TransferType = "withdrawal"
	// TransferFloat records platform funds added to a hot wallet (under
	// PlatformTenant, never a customer's).
	TransferFloat TransferType = "float"
)

// PlatformTenant owns the platform's own records (float entries). Its name
// is not a valid tenant claim, so no token can act for it.
const PlatformTenant = "~platform"

// TransferState is a transfer's place in its state machine.
type TransferState string

// Transfer states. Internal transfers are posted at once.
const (
	StatePosted TransferState = "posted"
)

// Transfer is the record of one movement of money, stored with its journal
// entry and the fingerprint of the request that created it.
type Transfer struct {
	ID         string
	TenantID   string
	Type       TransferType
	State      TransferState
	FromWallet string
	ToWallet   string
	Chain      Chain
	Asset      Asset
	Amount     Amount
	// Fee is what a withdrawal holds for the network fee (the quote).
	Fee Amount
	// NetworkFee is the fee actually paid, known once confirmed; the hold
	// is posted with it and the rest of Fee returned.
	NetworkFee Amount
	Memo       string
	Metadata   map[string]string
	// ExpiresAt is when an unsigned withdrawal's hold lapses.
	ExpiresAt time.Time
	// ToAddress is a withdrawal's destination on its chain.
	ToAddress string
	// TxHash is a withdrawal's chain transaction once broadcast.
	TxHash string
	// Events are the recorded state changes, oldest first.
	Events      []Event
	Entry       Entry
	RequestHash string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// RequestedBy is the subject of the token that asked for a withdrawal;
	// that subject's approval never counts.
	RequestedBy string
	// RequiredApprovals is what the policy asked for; Approvals are the
	// decisions given, and ApprovalDeadline when the wait ends.
	RequiredApprovals int
	Approvals         []Approval
	ApprovalDeadline  time.Time
	// QuoteID is the fee quote a withdrawal's fee came from; a quote is
	// honoured for one withdrawal.
	QuoteID string
	// NonceHeld: the payout holds a nonce of the hot address (Ethereum). From
	// then on it is committed to its chain: a transaction will use the nonce,
	// so the payout can no longer be cancelled or expire unsigned.
	NonceHeld bool
	// Waiting says why a payout that could move on waits (the hot wallet's
	// float cannot cover it, say); nil when it is not held up.
	Waiting *Reason
	// BatchID names the payout batch a withdrawal is a row of ("" for a
	// single payout).
	BatchID string
}

// Reason is a named cause shown on a record: a code from the API's error
// codes and a message safe to show.
type Reason struct {
	Code    string
	Message string
	Since   time.Time
}

// ChargedFee is the network fee a withdrawal was charged: what the chain
// took, up to the fee held, once the hold is posted; before that, zero.
func (t Transfer) ChargedFee() Amount {
	if t.State != StatePosted || t.Type != TransferWithdrawal {
		return 0
	}
	return min(t.NetworkFee, t.Fee)
}

// FeeShown is a transfer's fee as the API and statements show it: for a
// posted withdrawal what it was charged, before that the most it may cost
// (the fee held).
func (t Transfer) FeeShown() Amount {
	if t.Type == TransferWithdrawal && t.State == StatePosted {
		return t.ChargedFee()
	}
	return t.Fee
}

// NetworkFeeKnown reports whether a transfer's network fee is known: a
// chain payout once posted (even when nothing was burnt), or any fee
// recorded at confirmation.
func (t Transfer) NetworkFeeKnown() bool {
	return t.NetworkFee != 0 || (t.State == StatePosted && t.ToAddress != "")
}

// Named rejections of the money core.
var (
	// ErrInsufficientFunds: the source's available balance is below the amount.
	ErrInsufficientFunds = &Error{Kind: KindRefused, Code: "insufficient_funds", Message: "the source wallet's available balance is below the amount", Param: "amount"}
	// ErrFundsHeld: the balance would suffice but part of it is held by payouts in flight.
	ErrFundsHeld = &Error{Kind: KindRefused, Code: "funds_held", Message: "part of the balance is held by payouts in flight; the available balance is below the amount", Param: "amount"}
	// ErrWalletFrozen: the wallet is frozen; nothing moves out of or into it.
	ErrWalletFrozen = &Error{Kind: KindRefused, Code: "wallet_frozen", Message: "the wallet is frozen"}
	// ErrSameWallet: source and destination are the same wallet.
	ErrSameWallet = &Error{Kind: KindInvalid, Code: "same_wallet", Message: "source and destination must be different wallets", Param: "to_wallet_id"}
	// ErrAmountNotPositive: the amount is zero or negative.
	ErrAmountNotPositive = &Error{Kind: KindInvalid, Code: "amount_not_positive", Message: "amount must be greater than zero", Param: "amount"}
	// ErrWalletNotFound: a wallet named in the body does not exist for this tenant.
	ErrWalletNotFound = &Error{Kind: KindNotFound, Code: "wallet_not_found", Message: "no such wallet"}
	// ErrUnsupportedChain: the chain is not one Stablegate supports.
	ErrUnsupportedChain = &Error{Kind: KindInvalid, Code: "unsupported_chain", Message: "chain must be ethereum or tron", Param: "chain"}
)

// LedgerStore applies journal entries atomically.
type LedgerStore interface {
	// ApplyTransfer writes t and applies t.Entry's postings in one atomic
	// step. Debits of wallet accounts are guarded so no bucket goes below
	// zero. If a transfer with the same id exists it returns ErrTransferExists.
	ApplyTransfer(ctx context.Context, t Transfer) error
	// Transfer reads one transfer of the tenant or returns ErrNotFound.
	Transfer(ctx context.Context, tenantID, id string) (Transfer, error)
	// AccountBalance reads an account's balance, all its shards summed
	// (shards as in Posting.Shards).
	AccountBalance(ctx context.Context, a Account, shards int) (Balance, error)
}

// ErrTransferExists: a transfer with this id (this idempotency key) exists.
var ErrTransferExists = &Error{Kind: KindConflict, Code: "transfer_exists", Message: "a transfer with this idempotency key exists"}

// Withdrawal states. A withdrawal is created with its hold placed and moves
// through the pipeline one recorded transition at a time:
//
//	pending -> awaiting_approval -> approved   (the policy asked for M approvals and got them)
//	pending -> approved -> awaiting_signer -> signed -> broadcast -> confirmed -> posted
//	pending | awaiting_approval -> rejected  (policy, risk or an approver refused; hold voided)
//	pending | approved | awaiting_signer -> cancelled   (hold voided)
//	signed | broadcast -> failed             (the chain refused it; hold voided)
//	pending | awaiting_approval | approved | awaiting_signer -> expired   (left too long; hold voided)
//
// posted, rejected, cancelled, failed and expired are final: the hold has been
// posted (with the real network fee) or voided, exactly once.
const (
	StatePending TransferState = "pending"
	// StateAwaitingApproval: the policy asked for approvals not yet given.
	StateAwaitingApproval TransferState = "awaiting_approval"
	StateApproved         TransferState = "approved"
	StateRejected         TransferState = "rejected"
	StateAwaitingSigner   TransferState = "awaiting_signer"
	StateSigned           TransferState = "signed"
	StateBroadcast        TransferState = "broadcast"
	StateConfirmed        TransferState = "confirmed"
	StateCancelled        TransferState = "cancelled"
	StateFailed           TransferState = "failed"
	// StateExpired: the hold was left unsigned past its expiry and voided.
	StateExpired TransferState = "expired"
	// StateReversed: a deposit whose block left the chain; its pending
	// credit was taken back.
	StateReversed TransferState = "reversed"
	// StateQuarantined: a confirmed deposit whose sender is on a sanctions
	// list or the tenant's blocklist (or could not be screened): its amount
	// is held in the platform's quarantine (SysQuarantine), never in the
	// wallet's balance, until an officer releases it; it is never sent
	// back by itself.
	StateQuarantined TransferState = "quarantined"
)

// Deposits: seen on chain they are credited as pending; after the chain's
// confirmations they are posted (pending -> available); if their block
// leaves the chain first they are reversed. A deposit whose sender
// screening hit is quarantined at its confirmations instead of posted, and
// posted later only by an officer's release.
var depositTransitions = map[TransferState][]TransferState{
	StatePending:     {StatePosted, StateReversed, StateQuarantined},
	StateQuarantined: {StatePosted},
}

// CanMoveDeposit reports whether a deposit may go from one state to another.
func CanMoveDeposit(from, to TransferState) bool {
	for _, s := range depositTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// transitions lists the allowed moves of a withdrawal.
var transitions = map[TransferState][]TransferState{
	StatePending:          {StateApproved, StateAwaitingApproval, StateRejected, StateCancelled, StateExpired},
	StateAwaitingApproval: {StateApproved, StateRejected, StateCancelled, StateExpired},
	// Rejected from approved or awaiting_signer: the destination was
	// screened again right before signing and is now listed (nothing
	// signed, no nonce taken).
	StateApproved:       {StateAwaitingSigner, StateSigned, StateCancelled, StateExpired, StateRejected},
	StateAwaitingSigner: {StateSigned, StateCancelled, StateExpired, StateRejected},
	StateSigned:         {StateBroadcast, StateFailed},
	StateBroadcast:      {StateConfirmed, StateFailed},
	StateConfirmed:      {StatePosted},
}

// CanMove reports whether a withdrawal may go from one state to another.
func CanMove(from, to TransferState) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Final reports whether no transition leaves s.
func (s TransferState) Final() bool {
	return s == StatePosted || s == StateRejected || s == StateCancelled || s == StateFailed || s == StateExpired || s == StateReversed
}

// Event is one recorded state change.
type Event struct {
	State TransferState
	At    time.Time
	Note  string
}

// Withdrawal refusals.
var (
	// ErrNotCancellable: the withdrawal has been signed or has ended.
	ErrNotCancellable = &Error{Kind: KindRefused, Code: "withdrawal_not_cancellable", Message: "the withdrawal is being signed, has been signed or has ended, and can no longer be cancelled"}
	// ErrStateChanged: another step moved the withdrawal first; re-read it.
	ErrStateChanged = &Error{Kind: KindConflict, Code: "state_changed", Message: "the withdrawal changed state; read it again"}
)
