// Package ledger holds the rules of the money core: every movement is one
// journal entry whose postings sum to zero, applied atomically with its
// balance changes and recorded once per idempotency key.
package ledger

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Operations, as named in idempotency keys.
const (
	OpTransfer = "transfers.create"
	OpCredit   = "ledger.credit"
)

// Store is what the ledger needs from storage, Wallets the wallets it
// reads (the domain owns both ports).
type (
	Store   = sg.TransferLedger
	Wallets = sg.WalletReader
)

// Service moves money between accounts.
type Service struct {
	Store   Store
	Wallets Wallets
	Now     func() time.Time
	// Limits, if set, holds each internal transfer's source wallet to its
	// customer's tier (single, day and month, per chain and across chains)
	// before the transfer posts: a refusal is the tier's named code and
	// nothing posts (nil: no limits).
	Limits sg.TransferLimits
}

// Internal is an internal transfer request: wallet to wallet, same tenant,
// same chain and asset, no chain fee.
type Internal struct {
	From, To string
	Chain    sg.Chain
	Asset    sg.Asset
	Amount   sg.Amount
	Memo     string
	Metadata map[string]string
	// RequestedBy is the requesting token's subject, kept on the transfer
	// so the audit chain names who moved the money.
	RequestedBy string
}

// Result is a transfer and whether it is a replay of an earlier request.
type Result struct {
	Transfer sg.Transfer
	Replayed bool
}

// Transfer moves Amount from one wallet's available balance to another's,
// once per idempotency key. The common path is two round trips: one read of
// both wallets with the freezes that may cover them, and one transaction.
// The record's own condition tells a retry from a first attempt, so no read
// of the key comes first; only when something is refused or already exists
// is the key's record consulted (a retry of a transfer posted before a
// freeze answers as it did).
//
// A freeze in force over either wallet (its own, the tenant's or the
// platform's) refuses the transfer with ErrFrozen: nothing moves out of or
// into a frozen wallet. The freeze is read just before the transaction, as
// a payout's next step reads it: a transfer whose read came before a
// freeze was written may still post after it.
//
// A request whose rate-limit decision runs beside it (sg.AwaitAdmission)
// reads first and awaits its admission before its first write: refused,
// it has written nothing (no transfer, limit usage or reservation).
//
// When the limits are claimed in the transfer's own transaction
// (transferClaiming) the common path is still two round trips: the source
// wallet's limits (tier, usage, reservation) are read beside the wallets,
// for the wallet as its own subject; a wallet whose subject is its
// customer has them read again for the customer.
func (s *Service) Transfer(ctx context.Context, tenant, key, reqHash string, in Internal) (Result, error) {
	if err := s.checkInternal(ctx, in); err != nil {
		return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, err)
	}
	var (
		early  *claimed
		ws     map[string]sg.Wallet
		frozen map[string]sg.Freeze
		err    error
	)
	if claimer, _, ok := s.claiming(); ok {
		early, ws, frozen, err = s.readClaiming(ctx, claimer, tenant, key, in)
	} else {
		ws, frozen, err = s.Wallets.WalletsUnderFreeze(ctx, tenant, in.From, in.To)
	}
	if err != nil {
		return Result{}, err
	}
	from, err := usable(ws, in.From, "from_wallet_id")
	if err != nil {
		return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, err)
	}
	to, err := usable(ws, in.To, "to_wallet_id")
	if err != nil {
		return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, err)
	}
	for _, w := range []struct{ id, param string }{{from.ID, "from_wallet_id"}, {to.ID, "to_wallet_id"}} {
		if f, ok := frozen[w.id]; ok {
			return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, walletFrozenBy(f, w.param))
		}
	}
	now := s.Now().UTC().Truncate(time.Microsecond) // as stored
	// The limits are spent under the request's key, so every retry of it
	// maps to the one reservation: a retry of a posted transfer spends
	// nothing again, and is answered as it was even at the limit.
	spent := "transfer:" + sg.KeyHash(tenant, OpTransfer, key)
	if claimer, store, ok := s.claiming(); ok {
		return s.transferClaiming(ctx, claimer, store, early, tenant, key, reqHash, spent, in, from, to)
	}
	// Everything before this point read; from here on the path writes,
	// so a request still being rate-limited waits for its admission.
	if err := sg.AwaitAdmission(ctx); err != nil {
		return Result{}, err
	}
	if s.Limits != nil {
		err := s.Limits.Reserve(ctx, tenant, sg.LimitSubject(from), spent, in.Chain, in.Amount, sg.LimitOp{Kind: sg.OpTransfer}, now)
		if sg.KindOf(err) == sg.KindRefused {
			// Funds the wallet does not have are the first answer, as
			// without limits (read only on this refusal's path).
			src := sg.WalletAccount(tenant, from.ID, in.Chain, in.Asset)
			if b, berr := s.Store.AccountBalance(ctx, src, from.Shards()); berr == nil && b.Available < in.Amount {
				err = s.whyShort(ctx, src, from.Shards(), in.Amount)
			}
			return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, err)
		}
		if err != nil {
			return Result{}, err
		}
	}
	src := sg.WalletAccount(tenant, from.ID, in.Chain, in.Asset)
	t := internalTransfer(tenant, key, reqHash, in, from, to, now)
	err = s.Store.ApplyTransfer(ctx, t)
	switch {
	case errors.Is(err, sg.ErrTransferExists):
		// A concurrent or earlier attempt with this key won: answer as it
		// did (the reservation under the key is its own: kept).
		r, rerr := s.replayOr(ctx, tenant, OpTransfer, key, reqHash, sg.ErrIdempotencyInProgress)
		if rerr == nil {
			rerr = s.settleLimits(ctx, tenant, from, spent, true)
		}
		return r, rerr
	case errors.Is(err, sg.ErrInsufficientFunds):
		if rerr := s.settleLimits(ctx, tenant, from, spent, false); rerr != nil {
			return Result{}, rerr
		}
		return Result{}, s.whyShort(ctx, src, from.Shards(), in.Amount)
	case err != nil:
		// A refusal posted nothing: give the limits back. A fault may
		// have posted: the reservation stays counted (a retry maps to it).
		if k := sg.KindOf(err); k != sg.KindInternal && k != sg.KindUnavailable {
			if rerr := s.settleLimits(ctx, tenant, from, spent, false); rerr != nil {
				return Result{}, rerr
			}
		}
		return Result{}, err
	}
	// Posted: the reservation is kept. Should this write fail, it stays
	// reserved, which counts as used all the same.
	_ = s.settleLimits(ctx, tenant, from, spent, true)
	return Result{Transfer: t}, nil
}

// internalTransfer is the posted record of an internal transfer.
func internalTransfer(tenant, key, reqHash string, in Internal, from, to sg.Wallet, now time.Time) sg.Transfer {
	return sg.Transfer{
		ID: sg.NewKeyedID("txn", now, tenant, OpTransfer, key), TenantID: tenant, Type: sg.TransferInternal, State: sg.StatePosted,
		FromWallet: from.ID, ToWallet: to.ID, Chain: in.Chain, Asset: in.Asset, Amount: in.Amount, Memo: in.Memo, Metadata: in.Metadata,
		RequestHash: reqHash, CreatedAt: now, UpdatedAt: now, RequestedBy: in.RequestedBy,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.WalletAccount(tenant, from.ID, in.Chain, in.Asset), Bucket: sg.Available, Delta: -in.Amount, Shards: from.Shards()},
			{Account: sg.WalletAccount(tenant, to.ID, in.Chain, in.Asset), Bucket: sg.Available, Delta: in.Amount, Shards: to.Shards()},
		}},
	}
}

// claiming returns the limits and the store when both take an internal
// transfer's limit claim in the transfer's own transaction.
func (s *Service) claiming() (sg.LimitClaimer, sg.ClaimingLedger, bool) {
	claimer, ok := s.Limits.(sg.LimitClaimer)
	if !ok {
		return nil, nil, false
	}
	store, ok := s.Store.(sg.ClaimingLedger)
	return claimer, store, ok
}

// claimed is a claim read ahead, beside the wallets: the source wallet
// taken as its own subject (a wallet with no customer), at the transfer's
// time.
type claimed struct {
	subject string
	at      time.Time
	done    chan claimResult
}

type claimResult struct {
	claim *sg.LimitClaim
	err   error
}

// readClaiming reads the wallets under freeze and, beside them, the
// source wallet's claim as its own subject: in one call when the
// wallets' store keeps the limits too (sg.WalletsAndLimits) and the limits
// can claim from what it read (sg.SnapshotClaimer), else side by side
// (claimEarly). Either way the reads cost one round trip.
func (s *Service) readClaiming(ctx context.Context, claimer sg.LimitClaimer, tenant, key string, in Internal) (*claimed, map[string]sg.Wallet, map[string]sg.Freeze, error) {
	both, ok := s.Wallets.(sg.WalletsAndLimits)
	sc, ok2 := claimer.(sg.SnapshotClaimer)
	if !ok || !ok2 {
		early := s.claimEarly(ctx, claimer, tenant, key, in)
		ws, frozen, err := s.Wallets.WalletsUnderFreeze(ctx, tenant, in.From, in.To)
		return early, ws, frozen, err
	}
	e := &claimed{subject: in.From, at: s.Now().UTC().Truncate(time.Microsecond), done: make(chan claimResult, 1)}
	spent := "transfer:" + sg.KeyHash(tenant, OpTransfer, key)
	ws, frozen, snap, err := both.WalletsUnderFreezeAndLimits(ctx, tenant, e.subject, spent, in.From, in.To)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := sc.ClaimFrom(ctx, snap, tenant, e.subject, spent, in.Chain, in.Amount, sg.LimitOp{Kind: sg.OpTransfer}, e.at)
	e.done <- claimResult{c, err}
	return e, ws, frozen, nil
}

// claimEarly starts the source wallet's claim (as its own subject) now,
// so its reads overlap the wallets' read. Its answer is used only if the
// wallet turns out to be its own subject and usable; it writes nothing.
func (s *Service) claimEarly(ctx context.Context, claimer sg.LimitClaimer, tenant, key string, in Internal) *claimed {
	e := &claimed{subject: in.From, at: s.Now().UTC().Truncate(time.Microsecond), done: make(chan claimResult, 1)}
	spent := "transfer:" + sg.KeyHash(tenant, OpTransfer, key)
	go func() {
		c, err := claimer.Claim(ctx, tenant, e.subject, spent, in.Chain, in.Amount, sg.LimitOp{Kind: sg.OpTransfer}, e.at)
		e.done <- claimResult{c, err}
	}()
	return e
}

// claimAttempts bounds the re-reads when concurrent transfers of one
// subject move its limit usage on; each round at least one of them posts.
const claimAttempts = 64

// transferClaiming is the rest of Transfer when the limits and the store
// take the claim in the transfer's own transaction (sg.LimitClaimer,
// sg.ClaimingLedger): the tier, usage and reservation read side by side,
// then one transaction posts the transfer and takes the limits, or does
// neither. Nothing is reserved before the transfer posts, so a refusal has
// nothing to give back. The answers are Transfer's: a refusal by the tier
// (after funds the wallet does not have), a retry answered as the first
// attempt, held funds told from missing ones.
func (s *Service) transferClaiming(ctx context.Context, claimer sg.LimitClaimer, store sg.ClaimingLedger, early *claimed, tenant, key, reqHash, spent string,
	in Internal, from, to sg.Wallet) (Result, error) {
	src := sg.WalletAccount(tenant, from.ID, in.Chain, in.Asset)
	now := early.at
	t := internalTransfer(tenant, key, reqHash, in, from, to, now)
	for attempt := range claimAttempts {
		var c *sg.LimitClaim
		var err error
		if subject := sg.LimitSubject(from); attempt == 0 && subject == early.subject {
			r := <-early.done
			c, err = r.claim, r.err
		} else {
			c, err = claimer.Claim(ctx, tenant, subject, spent, in.Chain, in.Amount, sg.LimitOp{Kind: sg.OpTransfer}, now)
		}
		if sg.KindOf(err) == sg.KindRefused {
			if b, berr := s.Store.AccountBalance(ctx, src, from.Shards()); berr == nil && b.Available < in.Amount {
				err = s.whyShort(ctx, src, from.Shards(), in.Amount)
			}
			return s.replayOr(ctx, tenant, OpTransfer, key, reqHash, err)
		}
		if err != nil {
			return Result{}, err
		}
		// The first write: the request's admission first (sg.AwaitAdmission).
		if err := sg.AwaitAdmission(ctx); err != nil {
			return Result{}, err
		}
		if c == nil {
			// The key already holds its reservation (an earlier attempt's):
			// the transfer alone, and the reservation kept as before.
			err = s.Store.ApplyTransfer(ctx, t)
		} else {
			err = store.ApplyTransferClaiming(ctx, t, *c)
		}
		switch {
		case errors.Is(err, sg.ErrLimitsChanged):
			continue
		case errors.Is(err, sg.ErrTransferExists):
			r, rerr := s.replayOr(ctx, tenant, OpTransfer, key, reqHash, sg.ErrIdempotencyInProgress)
			if rerr == nil && c == nil {
				rerr = s.settleLimits(ctx, tenant, from, spent, true)
			}
			return r, rerr
		case errors.Is(err, sg.ErrInsufficientFunds):
			if c == nil { // the earlier attempt's reservation goes back, as Transfer gives it
				if rerr := s.settleLimits(ctx, tenant, from, spent, false); rerr != nil {
					return Result{}, rerr
				}
			}
			return Result{}, s.whyShort(ctx, src, from.Shards(), in.Amount)
		case err != nil:
			if k := sg.KindOf(err); c == nil && k != sg.KindInternal && k != sg.KindUnavailable {
				if rerr := s.settleLimits(ctx, tenant, from, spent, false); rerr != nil {
					return Result{}, rerr
				}
			}
			return Result{}, err
		}
		if c == nil {
			_ = s.settleLimits(ctx, tenant, from, spent, true)
		}
		return Result{Transfer: t}, nil
	}
	return Result{}, sg.Unavailable("ledger.Transfer", errors.New("the limit counters kept moving"))
}

// settleLimits keeps (posted) or gives back (refused) what a transfer
// reserved of its source wallet's limits.
func (s *Service) settleLimits(ctx context.Context, tenant string, from sg.Wallet, id string, posted bool) error {
	switch {
	case s.Limits == nil:
		return nil
	case posted:
		return s.Limits.Commit(ctx, tenant, sg.LimitSubject(from), id)
	}
	return s.Limits.Release(ctx, tenant, sg.LimitSubject(from), id)
}

func (s *Service) checkInternal(_ context.Context, in Internal) error {
	switch {
	case in.Amount <= 0:
		return sg.ErrAmountNotPositive
	case !in.Chain.Valid():
		return sg.ErrUnsupportedChain
	case in.From == in.To:
		return sg.ErrSameWallet
	}
	return nil
}

// usable returns the wallet if it exists and is not frozen.
func usable(ws map[string]sg.Wallet, id, param string) (sg.Wallet, error) {
	w, ok := ws[id]
	if !ok {
		return sg.Wallet{}, sg.ErrWalletNotFound.WithParam(param)
	}
	if w.Frozen {
		return sg.Wallet{}, sg.ErrWalletFrozen.WithParam(param)
	}
	return w, nil
}

// walletFrozenBy is the refusal of money moving out of or into a wallet
// that freeze f covers.
func walletFrozenBy(f sg.Freeze, param string) error {
	return sg.ErrFrozen.WithParam(param).WithMessage("the wallet is frozen (%s freeze %s): nothing moves out of or into it until enough approvers lift the freeze", f.Scope, f.ID)
}

// replayOr answers with the key's recorded transfer if there is one (a
// retry of a request that already succeeded is never refused), else with
// refusal.
func (s *Service) replayOr(ctx context.Context, tenant, op, key, reqHash string, refusal error) (Result, error) {
	if r, ok, err := s.replay(ctx, tenant, op, key, reqHash); ok || err != nil {
		return r, err
	}
	return Result{}, refusal
}

// whyShort tells funds held by payouts in flight from plain insufficiency.
func (s *Service) whyShort(ctx context.Context, a sg.Account, shards int, amount sg.Amount) error {
	b, err := s.Store.AccountBalance(ctx, a, shards)
	if err == nil && b.Available < amount && b.Available+b.Held >= amount {
		return sg.ErrFundsHeld
	}
	return sg.ErrInsufficientFunds
}

func (s *Service) replay(ctx context.Context, tenant, op, key, reqHash string) (Result, bool, error) {
	t, err := s.Store.TransferByKey(ctx, tenant, sg.KeyHash(tenant, op, key))
	if errors.Is(err, sg.ErrNotFound) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	if t.RequestHash != reqHash {
		return Result{}, false, sg.ErrIdempotencyKeyReused
	}
	return Result{Transfer: t, Replayed: true}, true, nil
}

// Credit is money arriving from outside into a wallet (a deposit): the
// platform's inbound account pays the wallet. Ref identifies the arrival
// (for a chain deposit: chain, transaction hash and log index) and makes the
// credit happen once.
type Credit struct {
	Wallet string
	Chain  sg.Chain
	Asset  sg.Asset
	Amount sg.Amount
	Bucket sg.Bucket
	Ref    string
}

// CreditWallet applies a credit with no chain behind it (the dev faucet and
// benchmarks), once per Ref. It is drawn from the dev_faucet account, so
// reconciliation tells it from chain deposits (which go through Deposits).
func (s *Service) CreditWallet(ctx context.Context, tenant string, c Credit) (Result, error) {
	hash := c.Ref
	if r, ok, err := s.replay(ctx, tenant, OpCredit, c.Ref, hash); ok || err != nil {
		return r, err
	}
	if c.Amount <= 0 {
		return Result{}, sg.ErrAmountNotPositive
	}
	ws, err := s.Wallets.WalletsByID(ctx, tenant, c.Wallet)
	if err != nil {
		return Result{}, err
	}
	w, err := usable(ws, c.Wallet, "wallet_id")
	if err != nil {
		return Result{}, err
	}
	if c.Bucket == "" {
		c.Bucket = sg.Available
	}
	now := s.Now().UTC().Truncate(time.Microsecond) // as stored
	t := sg.Transfer{
		ID: sg.NewKeyedID("txn", now, tenant, OpCredit, c.Ref), TenantID: tenant, Type: sg.TransferDeposit, State: sg.StatePosted,
		ToWallet: w.ID, Chain: c.Chain, Asset: c.Asset, Amount: c.Amount, RequestHash: hash, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysDevFaucet, c.Chain, c.Asset), Bucket: sg.Available, Delta: -c.Amount},
			{Account: sg.WalletAccount(tenant, w.ID, c.Chain, c.Asset), Bucket: c.Bucket, Delta: c.Amount, Shards: w.Shards()},
		}},
	}
	if err := s.Store.ApplyTransfer(ctx, t); errors.Is(err, sg.ErrTransferExists) {
		r, _, err := s.replay(ctx, tenant, OpCredit, c.Ref, hash)
		return r, err
	} else if err != nil {
		return Result{}, err
	}
	return Result{Transfer: t}, nil
}

// OpFloat names float entries in idempotency keys.
const OpFloat = "platform.float"

// RecordFloat records amount of the platform's own tokens put into the hot
// wallet on chain c (an operator's top-up), once per ref (say, the funding
// transaction's hash), so reconciliation expects them on chain.
func (s *Service) RecordFloat(ctx context.Context, c sg.Chain, amount sg.Amount, ref string) (Result, error) {
	if r, ok, err := s.replay(ctx, sg.PlatformTenant, OpFloat, ref, ref); ok || err != nil {
		return r, err
	}
	if amount <= 0 {
		return Result{}, sg.ErrAmountNotPositive
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	t := sg.Transfer{
		ID: sg.NewKeyedID("txn", now, sg.PlatformTenant, OpFloat, ref), TenantID: sg.PlatformTenant, Type: sg.TransferFloat, State: sg.StatePosted,
		Chain: c, Asset: sg.USDT, Amount: amount, RequestHash: ref, CreatedAt: now, UpdatedAt: now, Memo: ref,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysFloat, c, sg.USDT), Bucket: sg.Available, Delta: -amount},
			{Account: sg.SystemAccount(sg.SysHotWallet, c, sg.USDT), Bucket: sg.Available, Delta: amount},
		}},
	}
	if err := s.Store.ApplyTransfer(ctx, t); errors.Is(err, sg.ErrTransferExists) {
		r, _, err := s.replay(ctx, sg.PlatformTenant, OpFloat, ref, ref)
		return r, err
	} else if err != nil {
		return Result{}, err
	}
	return Result{Transfer: t}, nil
}
