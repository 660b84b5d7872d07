package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpWithdraw names withdrawal creation in idempotency keys.
const OpWithdraw = "withdrawals.create"

// Queue carries withdrawals to the worker.
type Queue interface {
	Send(ctx context.Context, group, dedupID, body string) error
}

// Policy is the policy and risk step: it approves a withdrawal, refuses it,
// or asks for approvals, and says why. Rules (limits, allowlists,
// approvals, screening) plug in here.
type Policy interface {
	Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error)
}

// AllowAll approves every withdrawal.
type AllowAll struct{}

// Evaluate approves.
func (AllowAll) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision{Outcome: sg.OutcomeApprove}, nil
}

// Freezes say whether a freeze stops a payout and keep the payouts it
// parked (sg.PayoutFreezes).
type Freezes = sg.PayoutFreezes

// Receipt and Payout are kept for callers outside the ledger; the domain
// owns them (every chain adapter implements sg.Payout).
type (
	Receipt = sg.Receipt
	Payout  = sg.Payout
)

// Mover applies recorded state changes (sg.Mover; the dynamo adapter
// implements it).
type Mover = sg.Mover

// Withdrawals runs the withdrawal pipeline.
type Withdrawals struct {
	*Service
	Mover  Mover
	Queue  Queue
	Policy Policy
	// Freezes stop payouts at their next step (nil: no freezes).
	Freezes Freezes
	// AwaitingApproval, if set, hears of each payout that starts waiting
	// for approvals (the tenant's approval webhook votes there). Its
	// failure is logged by the caller, never the payout's.
	AwaitingApproval func(ctx context.Context, t sg.Transfer) error
	// Payouts sign and send per chain; a chain without one waits in
	// awaiting_signer.
	Payouts map[sg.Chain]Payout
	// Fee is the network fee held with a payout on a chain when the
	// request names no quote (the deployment's flat fee).
	Fee func(sg.Chain) sg.Amount
	// Quotes reads the fee quotes a request may name (nil: none honoured).
	Quotes QuoteStore
	// HoldTTL is how long a withdrawal may wait unsigned before its hold
	// expires (0: DefaultHoldTTL).
	HoldTTL time.Duration
	// Destinations tells the deployment's own addresses, which payouts
	// refuse (nil: only the addresses where tokens are lost are refused).
	Destinations Destinations
	// Tokens are the token contracts of the deployment's networks, per
	// chain: a payout to its own token contract loses the tokens.
	Tokens map[sg.Chain][]string
	// Waits shows why a payout waits on its record (nil: not shown).
	Waits Waits
	// Settler, if set, hears of each payout that moved its money
	// (confirmed, posted) or ended without (rejected, cancelled, expired,
	// failed), right after the move is recorded, and again whenever a
	// payout is found ended (Advance, Cancel): the tier limits commit or
	// give back what the payout reserved. Its failure fails the step,
	// which is retried; the move itself stands.
	Settler sg.PayoutSettler
}

// Waits records why a payout waits (sg.WaitMarker).
type Waits = sg.WaitMarker

// DefaultHoldTTL is how long an unsigned withdrawal holds funds.
const DefaultHoldTTL = 72 * time.Hour

// Withdraw is a request to send Amount to ToAddress on Chain.
type Withdraw struct {
	Wallet    string
	Chain     sg.Chain
	Asset     sg.Asset
	ToAddress string
	Amount    sg.Amount
	Memo      string
	Metadata  map[string]string
	// QuoteID names a fee quote whose fee is held instead of the flat fee.
	QuoteID string
	// RequestedBy is the requesting token's subject.
	RequestedBy string
	// Batch names the payout batch the withdrawal is a row of: its worker
	// drives it (no message is queued for it here).
	Batch string
}

// Message is what the queue carries: enough to find the record.
type Message struct {
	Tenant string `json:"tenant"`
	ID     string `json:"id"`
	// Batch: ID names a payout batch (Batches.Run), not a withdrawal.
	Batch bool `json:"batch,omitempty"`
}

// Create places a hold of amount plus fee on the wallet, records the
// withdrawal as pending and queues it. The record is written first, so a
// refused request (funds, a used quote) costs no message; if the process
// dies before the message is sent, or the message is lost later, the
// scheduled sweep of stalled withdrawals (Redrive) queues it again. Nothing
// is ever lost, and a second message is harmless. Everything before the
// hold reads, so a request whose rate-limit decision runs beside it
// (sg.AwaitAdmission) awaits it just before the hold.
func (w *Withdrawals) Create(ctx context.Context, tenant, key, reqHash string, in Withdraw) (Result, error) {
	if in.Amount <= 0 {
		return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, sg.ErrAmountNotPositive)
	}
	ws, err := w.Wallets.WalletsByID(ctx, tenant, in.Wallet)
	if err != nil {
		return Result{}, err
	}
	src, err := usable(ws, in.Wallet, "wallet_id")
	if err != nil {
		return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, err)
	}
	if w.Freezes != nil {
		if f, frozen, err := w.Freezes.FreezeOn(ctx, tenant, in.Wallet); err != nil {
			return Result{}, err
		} else if frozen {
			return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, frozenError(f))
		}
	}
	if err := w.checkDestination(ctx, in.Chain, in.ToAddress); err != nil {
		return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, err)
	}
	fee := w.Fee(in.Chain)
	if in.QuoteID != "" {
		if w.Quotes == nil {
			return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, sg.ErrQuoteNotFound)
		}
		if fee, err = honour(ctx, w.Quotes, w.Now(), tenant, in.QuoteID, in); err != nil {
			return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, err)
		}
	}
	hold := in.Amount + fee
	now := w.Now().UTC().Truncate(time.Microsecond)
	acct := sg.WalletAccount(tenant, src.ID, in.Chain, in.Asset)
	t := sg.Transfer{
		ID: sg.NewKeyedID("txn", now, tenant, OpWithdraw, key), TenantID: tenant, Type: sg.TransferWithdrawal, State: sg.StatePending,
		FromWallet: src.ID, Chain: in.Chain, Asset: in.Asset, Amount: in.Amount, Fee: fee, ToAddress: in.ToAddress,
		Memo: in.Memo, Metadata: in.Metadata, RequestHash: reqHash, CreatedAt: now, UpdatedAt: now, RequestedBy: in.RequestedBy,
		ExpiresAt: now.Add(w.holdTTL()).Truncate(time.Second), QuoteID: in.QuoteID, BatchID: in.Batch,
		Events: []sg.Event{{State: sg.StatePending, At: now, Note: "hold placed"}},
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: acct, Bucket: sg.Available, Delta: -hold, Shards: src.Shards()},
			{Account: acct, Bucket: sg.Held, Delta: hold, Shards: src.Shards()},
		}},
	}
	// The first write: a request still being rate-limited waits for its
	// admission here (sg.AwaitAdmission); refused, it has only read.
	if err := sg.AwaitAdmission(ctx); err != nil {
		return Result{}, err
	}
	err = w.Store.ApplyTransfer(ctx, t)
	switch {
	case errors.Is(err, sg.ErrTransferExists):
		return w.replayOr(ctx, tenant, OpWithdraw, key, reqHash, sg.ErrIdempotencyInProgress)
	case errors.Is(err, sg.ErrInsufficientFunds):
		return Result{}, w.whyShort(ctx, acct, src.Shards(), hold)
	case err != nil: // a used quote (sg.ErrQuoteUsed) too
		return Result{}, err
	}
	// A message that fails to go now is sent by Redrive: the withdrawal
	// exists, so the request succeeded. A batch row is driven by its
	// batch's worker.
	if in.Batch == "" {
		_ = w.Enqueue(ctx, tenant, t.ID)
	}
	return Result{Transfer: t}, nil
}

// Enqueue sends a withdrawal to the worker. One message group per
// withdrawal: no payout waits behind another (nonces are allocated in the
// table, not by queue order). The deduplication id is fresh per attempt, so
// a client's retry after a lost answer is never swallowed; a second message
// is harmless, as every step is a guarded transition.
func (w *Withdrawals) Enqueue(ctx context.Context, tenant, id string) error {
	msg, _ := json.Marshal(Message{Tenant: tenant, ID: id})
	kp, _ := sg.KeyPart("txn", id)
	return w.Queue.Send(ctx, tenant+"."+kp, tenant+"."+kp+"."+sg.NewID("q", w.Now())[2:], string(msg))
}

func frozenError(f sg.Freeze) error {
	return sg.ErrFrozen.WithMessage("payouts are frozen (%s freeze %s); they resume when enough approvers lift it", f.Scope, f.ID)
}

// holdEntry returns the postings that release a withdrawal's hold: voided
// back to available, or posted out (amount to the outbound account, the fee
// charged to the fees account, any unused fee back to available).
func holdEntry(t sg.Transfer, post bool, realFee sg.Amount) sg.Entry {
	hold := t.Amount + t.Fee
	shards := 1
	if len(t.Entry.Postings) > 0 {
		shards = t.Entry.Postings[0].Shards
	}
	acct := sg.WalletAccount(t.TenantID, t.FromWallet, t.Chain, t.Asset)
	ps := []sg.Posting{{Account: acct, Bucket: sg.Held, Delta: -hold, Shards: shards}}
	if !post {
		return sg.Entry{Postings: append(ps, sg.Posting{Account: acct, Bucket: sg.Available, Delta: hold, Shards: shards})}
	}
	charged := min(realFee, t.Fee)
	ps = append(ps, sg.Posting{Account: sg.SystemAccount(sg.SysOutbound, t.Chain, t.Asset), Bucket: sg.Available, Delta: t.Amount})
	if charged > 0 {
		ps = append(ps, sg.Posting{Account: sg.SystemAccount(sg.SysFees, t.Chain, t.Asset), Bucket: sg.Available, Delta: charged})
	}
	if t.Fee-charged > 0 {
		ps = append(ps, sg.Posting{Account: acct, Bucket: sg.Available, Delta: t.Fee - charged, Shards: shards})
	}
	return sg.Entry{Postings: ps}
}

// move applies one transition of t, recorded with a note.
func (w *Withdrawals) move(ctx context.Context, t sg.Transfer, to sg.TransferState, note string, entry sg.Entry, fee *sg.Amount, txHash string) error {
	return w.moveWith(ctx, t, sg.Move{To: to, Event: sg.Event{Note: note}, Entry: entry, Fee: fee, TxHash: txHash})
}

// moveWith applies m (From and the event's state and time are filled in).
func (w *Withdrawals) moveWith(ctx context.Context, t sg.Transfer, m sg.Move) error {
	if !sg.CanMove(t.State, m.To) {
		return sg.Internal("ledger.move", fmt.Errorf("%s cannot move from %s to %s", t.ID, t.State, m.To))
	}
	m.From, m.Event.State, m.Event.At = t.State, m.To, w.Now().UTC()
	// The next deadline of the record: its hold's expiry, or the end of
	// its wait for approvals when that comes first.
	m.Due = t.ExpiresAt
	if m.Approvals != nil && (m.Due.IsZero() || m.Approvals.Deadline.Before(m.Due)) {
		m.Due = m.Approvals.Deadline
	}
	if m.Journal != nil {
		m.Journal.At = m.Event.At
	}
	if err := w.Mover.Transition(ctx, t.TenantID, t.ID, m); err != nil {
		return err
	}
	t.State = m.To
	return w.settle(ctx, t)
}

// settles reports whether a payout in state s has moved its money or ended
// without: what the Settler hears of.
func settles(s sg.TransferState) bool { return s == sg.StateConfirmed || s.Final() }

// settle tells the Settler of a payout that moved its money or ended
// (idempotent: called again on every payout found ended).
func (w *Withdrawals) settle(ctx context.Context, t sg.Transfer) error {
	if w.Settler == nil || t.Type != sg.TransferWithdrawal || !settles(t.State) {
		return nil
	}
	if err := w.Settler.Settle(ctx, t); err != nil {
		return fmt.Errorf("ledger.settle %s: %w", t.ID, err)
	}
	return nil
}

// decide moves t by a decision (the policy's or its approvers'), journaled
// in the same write.
func (w *Withdrawals) decide(ctx context.Context, t sg.Transfer, to sg.TransferState, actor, note string, wait *sg.ApprovalWait) error {
	m := sg.Move{To: to, Event: sg.Event{Note: note}, Approvals: wait,
		Journal: &sg.JournalEntry{Actor: actor, Action: "withdrawal." + string(to), Subject: t.ID, Detail: note}}
	if to == sg.StateRejected || to == sg.StateExpired {
		m.Entry = holdEntry(t, false, 0)
	}
	return w.moveWith(ctx, t, m)
}

// stopped reports whether a freeze stops t now. A stopped payout is parked,
// to be queued again when the freeze lifts; the freeze is read again after
// parking, so a lift that drained the list just before the park is not
// missed (one of the two always sees the other).
func (w *Withdrawals) stopped(ctx context.Context, t sg.Transfer) (bool, error) {
	if w.Freezes == nil {
		return false, nil
	}
	if _, frozen, err := w.Freezes.FreezeOn(ctx, t.TenantID, t.FromWallet); err != nil || !frozen {
		return false, err
	}
	if err := w.Freezes.Park(ctx, t.TenantID, t.ID, t.FromWallet); err != nil {
		return false, err
	}
	if _, frozen, err := w.Freezes.FreezeOn(ctx, t.TenantID, t.FromWallet); err != nil || frozen {
		return true, err
	}
	return false, w.Freezes.Unpark(ctx, t.TenantID, t.ID)
}

// Advance drives a withdrawal forward until it ends or must wait (for a
// signer, or for confirmations). Every step is one guarded transition, so
// running Advance again after a crash at any point continues where the
// record says, and no step is applied twice. It returns the withdrawal as
// it stands and whether it waits for the chain (the caller retries later).
func (w *Withdrawals) Advance(ctx context.Context, tenant, id string) (sg.Transfer, bool, error) {
	for steps := 0; steps < 20; steps++ {
		t, err := w.Store.Transfer(ctx, tenant, id)
		if err != nil {
			return sg.Transfer{}, false, err
		}
		if t.Type != sg.TransferWithdrawal {
			return t, false, nil
		}
		if t.State.Final() {
			if steps > 0 { // ended by this call's last step, which settled it
				return t, false, nil
			}
			// Found ended: its settlement may have been lost to a crash
			// right after the move (settling again changes nothing).
			return t, false, w.settle(ctx, t)
		}
		err = w.step(ctx, t)
		if errors.Is(err, errWait) {
			return t, true, nil
		}
		if errors.Is(err, errParked) || errors.Is(err, errFrozen) || errors.Is(err, errAwaitingApproval) {
			return t, false, nil
		}
		if errors.Is(err, ErrCannotSendYet) {
			return t, false, err
		}
		if err != nil && !errors.Is(err, sg.ErrStateChanged) {
			return t, false, err
		}
	}
	return sg.Transfer{}, false, sg.Internal("ledger.Advance", fmt.Errorf("%s did not settle", id))
}

var (
	errWait = errors.New("ledger: waiting for the chain")
	// ErrCannotSendYet: the payout's chain cannot take it now (the hot
	// wallet's float is short, or the token would revert); it holds no
	// nonce, shows why on its record, and is tried again later.
	ErrCannotSendYet    = errors.New("ledger: the payout cannot be sent yet")
	errParked           = errors.New("ledger: waiting for a signer")
	errFrozen           = errors.New("ledger: stopped by a freeze")
	errAwaitingApproval = errors.New("ledger: waiting for approvals")
)

func (w *Withdrawals) step(ctx context.Context, t sg.Transfer) error {
	switch t.State {
	case sg.StatePending, sg.StateApproved, sg.StateAwaitingSigner, sg.StateSigned:
		// A freeze stops every step until the payout is committed to its
		// chain. One holding a nonce of the hot address goes out: stopping
		// it would leave the nonce unused and every later payout of every
		// tenant would wait behind it.
		if committed(t) {
			break
		}
		if stop, err := w.stopped(ctx, t); err != nil {
			return err
		} else if stop {
			return errFrozen
		}
	}
	switch t.State {
	case sg.StatePending:
		if ws, err := w.Wallets.WalletsByID(ctx, t.TenantID, t.FromWallet); err != nil {
			return err
		} else if ws[t.FromWallet].Frozen {
			return w.decide(ctx, t, sg.StateRejected, "policy", "wallet frozen", nil)
		}
		// The destination is checked again here: the platform's own
		// addresses are known best where its keys are.
		var refused *sg.Error
		if err := w.checkDestination(ctx, t.Chain, t.ToAddress); errors.As(err, &refused) && sg.KindOf(err) == sg.KindRefused {
			return w.decide(ctx, t, sg.StateRejected, "policy", refused.Code+": "+refused.Message, nil)
		} else if err != nil {
			return err
		}
		if w.Policy == nil {
			return sg.Internal("ledger.step", errors.New("no policy step configured"))
		}
		d, err := w.Policy.Evaluate(ctx, t)
		if err != nil {
			return err
		}
		switch d.Outcome {
		case sg.OutcomeReject:
			return w.decide(ctx, t, sg.StateRejected, "policy", d.Reason(), nil)
		case sg.OutcomeNeedsApprovals:
			err := w.decide(ctx, t, sg.StateAwaitingApproval, "policy", d.Reason(),
				&sg.ApprovalWait{Required: d.Approvals, Deadline: w.Now().Add(d.Wait).Truncate(time.Second)})
			if err == nil && w.AwaitingApproval != nil {
				if now, rerr := w.Store.Transfer(ctx, t.TenantID, t.ID); rerr == nil {
					w.AwaitingApproval(ctx, now) //nolint:errcheck // a webhook that fails is no vote; people decide
				}
			}
			return err
		}
		return w.decide(ctx, t, sg.StateApproved, "policy", d.Reason(), nil)
	case sg.StateAwaitingApproval:
		return w.settleApprovals(ctx, t)
	case sg.StateApproved, sg.StateAwaitingSigner:
		payout := w.Payouts[t.Chain]
		if payout == nil {
			if t.State == sg.StateAwaitingSigner {
				return errParked
			}
			return w.move(ctx, t, sg.StateAwaitingSigner, "no signer configured", sg.Entry{}, nil, "")
		}
		hash, err := payout.Sign(ctx, t)
		if refused := screenedOut(err); refused != nil && !t.NonceHeld {
			// The destination was screened again right before signing
			// (a list published while the payout waited): nothing was
			// signed and no nonce taken, so the payout ends here.
			return w.decide(ctx, t, sg.StateRejected, "screening", "refused before signing: "+refused.Code+": "+refused.Message, nil)
		}
		if why := sg.PayoutWait(err); why != nil {
			// No nonce was taken: the payout waits, shows why, and may be
			// cancelled meanwhile.
			if w.Waits != nil && (t.Waiting == nil || t.Waiting.Code != why.Code) {
				r := &sg.Reason{Code: why.Code, Message: why.Message, Since: w.Now().UTC()}
				if err := w.Waits.MarkWaiting(ctx, t.TenantID, t.ID, t.State, r); err != nil && !errors.Is(err, sg.ErrStateChanged) {
					return err
				}
			}
			return ErrCannotSendYet
		}
		if err != nil {
			return err
		}
		return w.move(ctx, t, sg.StateSigned, "signed", sg.Entry{}, nil, hash)
	case sg.StateSigned:
		if err := w.Payouts[t.Chain].Broadcast(ctx, t); err != nil {
			return err
		}
		return w.move(ctx, t, sg.StateBroadcast, "broadcast", sg.Entry{}, nil, "")
	case sg.StateBroadcast:
		r, err := w.Payouts[t.Chain].Receipt(ctx, t)
		switch {
		case err != nil:
			return err
		case r.Failed:
			note := "reverted on chain"
			if r.Reason != "" {
				note = r.Reason
			}
			return w.move(ctx, t, sg.StateFailed, note, holdEntry(t, false, 0), nil, replacedHash(t, r))
		case !r.Confirmed:
			return errWait
		}
		fee := r.Fee
		return w.move(ctx, t, sg.StateConfirmed, "confirmed", sg.Entry{}, &fee, replacedHash(t, r))
	case sg.StateConfirmed:
		// The real fee was recorded at confirmation.
		return w.move(ctx, t, sg.StatePosted, "hold posted", holdEntry(t, true, t.NetworkFee), nil, "")
	}
	return fmt.Errorf("ledger: no step from %s", t.State)
}

// screenedOut is the screening refusal a payout adapter's Sign returned
// before signing (compliance.ScreenedPayout), or nil.
func screenedOut(err error) *sg.Error {
	var e *sg.Error
	if errors.As(err, &e) && (e.Code == sg.ErrDestinationSanctioned.Code || e.Code == sg.ErrDestinationBlocked.Code) {
		return e
	}
	return nil
}

// committed reports whether a payout is committed to its chain: it holds
// a nonce of the hot address (an Ethereum payout signed before nonces were
// marked holds one too). Nothing may void it before its chain decides.
func committed(t sg.Transfer) bool {
	return t.NonceHeld || (t.State == sg.StateSigned && t.Chain == sg.Ethereum)
}

// settleApprovals ends a payout's wait for approvals when it can: expired
// past its deadline, rejected by any approver's refusal, approved once the
// required number of approvals is in. Otherwise it keeps waiting.
func (w *Withdrawals) settleApprovals(ctx context.Context, t sg.Transfer) error {
	yes := 0
	for _, a := range t.Approvals {
		if !a.Approve {
			return w.decide(ctx, t, sg.StateRejected, a.Approver, "rejected by an approver", nil)
		}
		yes++
	}
	switch {
	case yes >= t.RequiredApprovals:
		return w.decide(ctx, t, sg.StateApproved, "approvals", fmt.Sprintf("approved by %d of %d required", yes, t.RequiredApprovals), nil)
	case !w.Now().Before(t.ApprovalDeadline):
		return w.decide(ctx, t, sg.StateExpired, "approvals", fmt.Sprintf("approvals expired with %d of %d", yes, t.RequiredApprovals), nil)
	}
	return errAwaitingApproval
}

// SettleApprovals is settleApprovals for the approvals API: after a
// decision is recorded it ends the wait if it can, and queues an approved
// payout for the worker. Called again it queues again (harmless), so a
// caller that lost the queue's answer can retry.
func (w *Withdrawals) SettleApprovals(ctx context.Context, tenant, id string) (sg.Transfer, error) {
	for attempt := 0; attempt < 5; attempt++ {
		t, err := w.Store.Transfer(ctx, tenant, id)
		if err != nil {
			return sg.Transfer{}, err
		}
		if t.State == sg.StateApproved {
			return t, w.Enqueue(ctx, tenant, id)
		}
		if t.State != sg.StateAwaitingApproval {
			return t, nil
		}
		err = w.settleApprovals(ctx, t)
		if errors.Is(err, errAwaitingApproval) {
			return t, nil
		}
		if err != nil && !errors.Is(err, sg.ErrStateChanged) {
			return t, err
		}
	}
	return sg.Transfer{}, sg.ErrStateChanged
}

// replacedHash is the hash to record when the mined transaction is not the
// one recorded at signing ("" keeps it).
func replacedHash(t sg.Transfer, r Receipt) string {
	if r.TxHash == t.TxHash {
		return ""
	}
	return r.TxHash
}

// Cancel ends a withdrawal that has not been signed and voids its hold.
func (w *Withdrawals) Cancel(ctx context.Context, tenant, id string) (sg.Transfer, error) {
	for attempt := 0; attempt < 5; attempt++ {
		t, err := w.Store.Transfer(ctx, tenant, id)
		if err != nil {
			return sg.Transfer{}, err
		}
		if t.Type != sg.TransferWithdrawal {
			return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
		}
		if t.State == sg.StateCancelled {
			// Cancelled before: settle again, in case the first
			// cancel's settlement was lost.
			return t, w.settle(ctx, t)
		}
		if !sg.CanMove(t.State, sg.StateCancelled) || t.NonceHeld {
			return t, sg.ErrNotCancellable
		}
		err = w.move(ctx, t, sg.StateCancelled, "cancelled by request", holdEntry(t, false, 0), nil, "")
		if errors.Is(err, sg.ErrStateChanged) {
			continue
		}
		if err != nil {
			return sg.Transfer{}, err
		}
		return w.Store.Transfer(ctx, tenant, id)
	}
	return sg.Transfer{}, sg.ErrStateChanged
}

func (w *Withdrawals) holdTTL() time.Duration {
	if w.HoldTTL > 0 {
		return w.HoldTTL
	}
	return DefaultHoldTTL
}

// Expire voids the hold of an unsigned withdrawal past its expiry, or of
// one past its approval deadline. A withdrawal that moved on meanwhile
// (signed, cancelled) is left as it is.
func (w *Withdrawals) Expire(ctx context.Context, t sg.Transfer) (bool, error) {
	if t.State == sg.StateAwaitingApproval && !w.Now().Before(t.ApprovalDeadline) {
		err := w.settleApprovals(ctx, t)
		if errors.Is(err, sg.ErrStateChanged) || errors.Is(err, errAwaitingApproval) {
			return false, nil
		}
		return err == nil, err
	}
	if !sg.CanMove(t.State, sg.StateExpired) || t.NonceHeld || w.Now().Before(t.ExpiresAt) {
		return false, nil
	}
	err := w.move(ctx, t, sg.StateExpired, "hold expired unsigned", holdEntry(t, false, 0), nil, "")
	if errors.Is(err, sg.ErrStateChanged) {
		return false, nil
	}
	return err == nil, err
}
