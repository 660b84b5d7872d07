package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpPayoutBatch names batch creation in idempotency keys.
const OpPayoutBatch = "payout-batches.create"

// BatchClaims mark a batch row as committed to its batch's transaction:
// a claim on the batch's own slot sequence, taken only while the row is
// approved (or awaiting a signer), which marks it as holding a nonce in the
// same write (sg.NonceGuard). From then on the row cannot be cancelled or
// expire unsigned, and a freeze no longer stops it: the batch transaction
// will pay it. The hot wallet's nonce store implements it.
type BatchClaims interface {
	AllocateNonce(ctx context.Context, chain sg.Chain, addr, id string, start uint64, terms sg.NonceClaim, guard *sg.NonceGuard) (sg.NonceClaim, error)
}

// Batches runs payout batches: each row an ordinary withdrawal of the
// pipeline W (the same holds, freezes, destination checks, policy and
// approvals as a single payout), the approved rows of a chain with a
// Sender paid in one transaction, the others paid one by one.
type Batches struct {
	W      *Withdrawals
	Store  sg.PayoutBatches
	Claims BatchClaims
	// Senders pay a built batch in one transaction, per chain; rows on a
	// chain without one are paid as single payouts.
	Senders map[sg.Chain]sg.BatchSender
	// Track, if set, hands a broadcast member to the tracker, which
	// follows it to its end; the batch then rests at broadcast (nil: Run
	// reports ErrBatchWaiting and is run again).
	Track func(ctx context.Context, c sg.Chain, tenant, id string) error
}

// BatchPayoutIn is one row of a batch request. Code, if set, is a refusal
// the caller found parsing the row (a malformed address, say): the row is
// recorded refused and nothing is created for it.
type BatchPayoutIn struct {
	Key       string
	Chain     sg.Chain
	ToAddress string
	Amount    sg.Amount
	Memo      string
	Metadata  map[string]string
	// Hash is the row's own request hash (its idempotency key's).
	Hash                 string
	Code, Message, Param string
}

// BatchIn is a batch request: payouts from one wallet.
type BatchIn struct {
	Wallet      string
	Asset       sg.Asset
	Payouts     []BatchPayoutIn
	RequestedBy string
}

// BatchID is the batch's id for an idempotency key: the same key always
// names the same batch.
func BatchID(tenant, key string) string { return "pb_" + sg.KeyHash(tenant, OpPayoutBatch, key) }

// RowKey is a row's idempotency key: its own, or the batch key and its
// index.
func RowKey(batchKey string, i int, own string) string {
	if own != "" {
		return own
	}
	return batchKey + "#" + strconv.Itoa(i)
}

// Create records the batch, creates one withdrawal per row (each with its
// own idempotency key, so a retry after a crash creates none twice) and
// queues the batch's worker. A row refused at creation (funds, a frozen
// wallet, the platform's own address...) is recorded with its named code;
// the others go on. A replay answers the batch as recorded; the same key
// with another body is idempotency_key_reused.
func (bs *Batches) Create(ctx context.Context, tenant, key, reqHash string, in BatchIn) (sg.PayoutBatch, bool, error) {
	switch {
	case len(in.Payouts) == 0:
		return sg.PayoutBatch{}, false, sg.ErrBatchEmpty
	case len(in.Payouts) > sg.MaxBatchRows:
		return sg.PayoutBatch{}, false, sg.ErrBatchTooLarge
	}
	id := BatchID(tenant, key)
	now := bs.W.Now().UTC().Truncate(time.Microsecond)
	b, err := bs.Store.PayoutBatch(ctx, tenant, id)
	replayed := err == nil
	switch {
	case err == nil && b.RequestHash != reqHash:
		return sg.PayoutBatch{}, false, sg.ErrIdempotencyKeyReused
	case errors.Is(err, sg.ErrNotFound):
		b = sg.PayoutBatch{ID: id, TenantID: tenant, Wallet: in.Wallet, RequestHash: reqHash, State: sg.BatchOpen,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		for i, p := range in.Payouts {
			b.Rows = append(b.Rows, sg.BatchRow{Index: i, Key: RowKey(key, i, p.Key), Chain: p.Chain, ToAddress: p.ToAddress,
				Amount: p.Amount, Memo: p.Memo, Code: p.Code, Message: p.Message, Param: p.Param})
		}
		// The record comes first: a crash after it leaves rows a retry
		// of the request finishes (replaying those already created).
		if err := bs.Store.CreateBatch(ctx, b); errors.Is(err, sg.ErrBatchExists) {
			return bs.Create(ctx, tenant, key, reqHash, in)
		} else if err != nil {
			return sg.PayoutBatch{}, false, err
		}
	case err != nil:
		return sg.PayoutBatch{}, false, err
	}
	changed := false
	for i, row := range b.Rows {
		if row.TransferID != "" || row.Code != "" {
			continue
		}
		p := in.Payouts[i]
		r, err := bs.W.Create(ctx, tenant, row.Key, p.Hash, Withdraw{Wallet: in.Wallet, Chain: p.Chain, Asset: in.Asset,
			ToAddress: p.ToAddress, Amount: p.Amount, Memo: p.Memo, Metadata: p.Metadata, RequestedBy: in.RequestedBy, Batch: id})
		var refused *sg.Error
		switch {
		case err == nil && r.Transfer.BatchID != id:
			// The row's key names a withdrawal of something else.
			b.Rows[i].Code, b.Rows[i].Message, b.Rows[i].Param = sg.ErrIdempotencyKeyReused.Code, "this row's idempotency key was used by another payout", "idempotency_key"
		case err == nil:
			b.Rows[i].TransferID = r.Transfer.ID
		case errors.As(err, &refused) && refused.Kind != sg.KindUnavailable && refused.Kind != sg.KindInternal:
			b.Rows[i].Code, b.Rows[i].Message, b.Rows[i].Param = refused.Code, refused.Message, refused.Param
		default:
			return sg.PayoutBatch{}, false, err // a retry of the request finishes it
		}
		changed = true
	}
	if changed {
		b.Version++
		b.UpdatedAt = now
		if err := bs.Store.UpdateBatch(ctx, b); errors.Is(err, sg.ErrStateChanged) {
			// A concurrent attempt of the same request wrote the rows: read its answer.
			return bs.Create(ctx, tenant, key, reqHash, in)
		} else if err != nil {
			return sg.PayoutBatch{}, false, err
		}
	}
	// A message that fails to go now is sent by the first row that asks
	// for its batch (BatchRouter.Sign) or by a retry of the request.
	_ = bs.Enqueue(ctx, tenant, id)
	return b, replayed && !changed, nil
}

// Enqueue queues a batch for its worker (the withdrawals queue; the
// message names the batch). A second message is harmless.
func (bs *Batches) Enqueue(ctx context.Context, tenant, id string) error {
	msg, _ := json.Marshal(Message{Tenant: tenant, ID: id, Batch: true})
	return bs.W.Queue.Send(ctx, tenant+"."+id, tenant+"."+id+"."+sg.NewID("q", bs.W.Now())[2:], string(msg))
}

// Batch reads a batch with its rows' withdrawals as they stand now
// (another tenant's batch is not found).
func (bs *Batches) Batch(ctx context.Context, tenant, id string) (sg.PayoutBatch, map[string]sg.Transfer, error) {
	b, err := bs.Store.PayoutBatch(ctx, tenant, id)
	if err != nil {
		return sg.PayoutBatch{}, nil, err
	}
	ts := map[string]sg.Transfer{}
	for _, r := range b.Rows {
		if r.TransferID == "" {
			continue
		}
		t, err := bs.W.Store.Transfer(ctx, tenant, r.TransferID)
		if err != nil {
			return sg.PayoutBatch{}, nil, err
		}
		ts[r.TransferID] = t
	}
	return b, ts, nil
}

// ErrBatchWaiting: the batch waits (for its rows' creation to finish, for
// its chain); its worker comes back to it later.
var ErrBatchWaiting = errors.New("ledger: the batch waits")

// batchSlots is the claim sequence's address for a batch's members.
func batchSlots(id string) string { return "batch:" + id }

// Run takes a batch one step further, and on while it can: decide the rows
// (the pipeline's own steps), fix the legs and their members (built), then
// per leg sign its one transaction (signed), send it (broadcast), and
// follow each member to its end through the pipeline (confirmed, posted; a
// recipient the token refused fails and its hold is voided). Each step is
// a conditional write of the batch record or a guarded transition of a
// row, so a crash at any point of any leg is resumed by running again, and
// nothing is applied twice. A leg that must wait (its chain's funding
// approval, say) does not hold the others back. It returns ErrBatchWaiting
// (or ErrCannotSendYet) when the batch must be looked at again later.
func (bs *Batches) Run(ctx context.Context, tenant, id string) (sg.PayoutBatch, error) {
	for steps := 0; steps < 24; steps++ {
		b, err := bs.Store.PayoutBatch(ctx, tenant, id)
		if err != nil || b.State == sg.BatchDone {
			return b, err
		}
		wrote, err := bs.step(ctx, b)
		switch {
		case errors.Is(err, sg.ErrStateChanged):
			continue
		case err != nil:
			return b, err
		case !wrote:
			return b, nil // every leg rests: its members are tracked
		}
	}
	return sg.PayoutBatch{}, sg.Internal("ledger.Batches.Run", fmt.Errorf("%s did not settle", id))
}

// update writes b with leg i (if i >= 0) at step to, the batch at its least
// advanced leg's step.
func (bs *Batches) update(ctx context.Context, b sg.PayoutBatch, i int, to sg.PayoutBatchState) error {
	legs := append([]sg.BatchLeg(nil), b.Legs...)
	if i >= 0 {
		legs[i].State = to
	}
	b.Legs = legs
	b.State, b.Version, b.UpdatedAt = b.LegState(), b.Version+1, bs.W.Now().UTC().Truncate(time.Microsecond)
	return bs.Store.UpdateBatch(ctx, b)
}

// waits reports whether err only says a leg must be looked at later.
func waits(err error) bool {
	return errors.Is(err, ErrBatchWaiting) || errors.Is(err, ErrCannotSendYet)
}

// step writes one step of the batch (wrote), or, with nothing to write,
// follows the broadcast legs' members. A leg that waits lets the next leg
// take its step; the first wait is returned when no leg wrote.
func (bs *Batches) step(ctx context.Context, b sg.PayoutBatch) (bool, error) {
	if b.State == sg.BatchOpen {
		return true, bs.build(ctx, b)
	}
	var wait error
	for i := range b.Legs {
		wrote, err := bs.legStep(ctx, b, i)
		if wrote || (err != nil && !waits(err)) {
			return wrote, err
		}
		if err != nil && wait == nil {
			wait = err
		}
	}
	return false, wait
}

// legStep takes leg i one step: sign, send, or follow its members (marking
// the leg done once every member has ended).
func (bs *Batches) legStep(ctx context.Context, b sg.PayoutBatch, i int) (bool, error) {
	leg := b.Legs[i]
	s := bs.Senders[leg.Chain]
	if s == nil && leg.State != sg.BatchDone {
		return false, fmt.Errorf("%w: no batch sender for %s", ErrCannotSendYet, leg.Chain)
	}
	switch leg.State {
	case sg.BatchBuilt:
		hash, err := s.SignBatch(ctx, leg, b.MemberRows(leg))
		if sg.PayoutWait(err) != nil {
			return false, fmt.Errorf("%w: %w", ErrCannotSendYet, err)
		}
		if err != nil {
			return false, err
		}
		b.Legs = append([]sg.BatchLeg(nil), b.Legs...)
		b.Legs[i].TxHash = hash
		return true, bs.update(ctx, b, i, sg.BatchSigned)
	case sg.BatchSigned:
		if err := s.BroadcastBatch(ctx, leg); err != nil {
			return false, err
		}
		return true, bs.update(ctx, b, i, sg.BatchBroadcast)
	case sg.BatchBroadcast:
		// Each member goes on through the pipeline: signed (the leg's
		// hash), broadcast, then its own result from the leg's receipt.
		open := 0
		for _, id := range leg.Members {
			t, waiting, err := bs.W.Advance(ctx, b.TenantID, id)
			if err != nil {
				return false, err
			}
			if t.State.Final() {
				continue
			}
			open++
			if waiting && bs.Track != nil {
				if err := bs.Track(ctx, leg.Chain, b.TenantID, id); err != nil {
					return false, err
				}
				open--
			}
		}
		if open > 0 {
			return false, ErrBatchWaiting
		}
		if !bs.allFinal(ctx, b.TenantID, leg) {
			return false, nil // the tracker follows the members to their end
		}
		return true, bs.update(ctx, b, i, sg.BatchDone)
	}
	return false, nil
}

// allFinal reports whether every member of leg has ended.
func (bs *Batches) allFinal(ctx context.Context, tenant string, leg sg.BatchLeg) bool {
	for _, id := range leg.Members {
		t, err := bs.W.Store.Transfer(ctx, tenant, id)
		if err != nil || !t.State.Final() {
			return false
		}
	}
	return true
}

// build decides the rows and fixes the legs: every row is advanced
// through the pipeline's policy step; the approved rows of each chain with
// a Sender are claimed for the batch (ending their freedom to be
// cancelled) and become the members of that chain's leg; the others are
// handed to the withdrawal worker as single payouts. The legs are fixed in
// one conditional write: a crash before it leaves only claims, which the
// next build takes again (a claim of the same row is the same claim).
func (bs *Batches) build(ctx context.Context, b sg.PayoutBatch) error {
	for _, r := range b.Rows {
		if r.TransferID == "" && r.Code == "" {
			// Still being created (or its request stopped): a retry of
			// the request finishes it; the rows' holds expire if none comes.
			if bs.W.Now().Sub(b.CreatedAt) < bs.W.holdTTL() {
				return ErrBatchWaiting
			}
		}
	}
	// The rows' own steps ask the router for the batch: no reminder to
	// build it is sent from here (this is its build).
	ctx = context.WithValue(ctx, buildingKey{}, b.ID)
	var legs []sg.BatchLeg
	legOf := map[sg.Chain]int{}
	var single []string
	for _, r := range b.Rows {
		if r.TransferID == "" {
			continue
		}
		t, _, err := bs.W.Advance(ctx, b.TenantID, r.TransferID)
		if err != nil && !errors.Is(err, ErrCannotSendYet) {
			return err
		}
		if bs.Senders[t.Chain] == nil {
			single = append(single, t.ID)
			continue
		}
		if t.State != sg.StateApproved && t.State != sg.StateAwaitingSigner {
			if !t.State.Final() {
				single = append(single, t.ID) // awaiting approvals, parked by a freeze: paid on its own later
			}
			continue
		}
		guard := &sg.NonceGuard{Tenant: b.TenantID, TransferID: t.ID, States: []sg.TransferState{sg.StateApproved, sg.StateAwaitingSigner}}
		_, err = bs.Claims.AllocateNonce(ctx, t.Chain, batchSlots(b.ID), t.ID, 0, sg.NonceClaim{}, guard)
		if errors.Is(err, sg.ErrStateChanged) {
			single = append(single, t.ID)
			continue
		}
		if err != nil {
			return err
		}
		i, ok := legOf[t.Chain]
		if !ok {
			i = len(legs)
			legOf[t.Chain] = i
			legs = append(legs, sg.BatchLeg{Chain: t.Chain, Job: sg.LegJob(b.ID, t.Chain), State: sg.BatchBuilt})
		}
		legs[i].Members = append(legs[i].Members, t.ID)
	}
	b.Legs = legs
	if err := bs.update(ctx, b, -1, ""); err != nil {
		return err
	}
	// The rows left out go on as single payouts (a lost message is sent
	// again by the sweep of stalled withdrawals).
	for _, id := range single {
		_ = bs.W.Enqueue(ctx, b.TenantID, id)
	}
	return nil
}

// buildingKey marks a context as the build of the batch it names.
type buildingKey struct{}

// BatchRouter is the payout of a chain whose batch rows are paid by their
// batch's transaction: a member of a built batch is signed, sent and
// followed as the batch; a row of a batch still open waits for it
// (payout_batch_assembling); anything else is Single's.
type BatchRouter struct {
	Single  sg.Payout
	Batches *Batches
	Sender  sg.BatchSender
}

var _ sg.Payout = (*BatchRouter)(nil)

// batchOf returns t's batch, the leg paying t and t's index among the
// leg's members (-1: no leg pays it).
func (r *BatchRouter) batchOf(ctx context.Context, t sg.Transfer) (sg.PayoutBatch, sg.BatchLeg, int, error) {
	if t.BatchID == "" {
		return sg.PayoutBatch{}, sg.BatchLeg{}, -1, nil
	}
	b, err := r.Batches.Store.PayoutBatch(ctx, t.TenantID, t.BatchID)
	if err != nil {
		return b, sg.BatchLeg{}, -1, err
	}
	leg, i, ok := b.Leg(t.ID)
	if !ok || leg.Chain != t.Chain {
		return b, sg.BatchLeg{}, -1, nil
	}
	return b, leg, i, nil
}

// Sign returns the leg's transaction hash for a member once it is signed.
func (r *BatchRouter) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	b, leg, i, err := r.batchOf(ctx, t)
	switch {
	case err != nil:
		return "", err
	case t.BatchID != "" && b.State == sg.BatchOpen:
		// Its worker builds it: one reminder per deduplication window
		// (a row may ask again and again while it waits), none from the
		// build itself.
		if ctx.Value(buildingKey{}) != b.ID {
			msg, _ := json.Marshal(Message{Tenant: t.TenantID, ID: b.ID, Batch: true})
			_ = r.Batches.W.Queue.Send(ctx, t.TenantID+"."+b.ID, t.TenantID+"."+b.ID+".assembling", string(msg))
		}
		return "", sg.ErrBatchAssembling
	case i < 0:
		if r.Single == nil {
			return "", sg.ErrBatchAssembling
		}
		return r.Single.Sign(ctx, t)
	case leg.TxHash == "":
		return "", sg.ErrBatchAssembling
	}
	return leg.TxHash, nil
}

// Broadcast sends the leg's transaction (a node that has it already is a
// success).
func (r *BatchRouter) Broadcast(ctx context.Context, t sg.Transfer) error {
	_, leg, i, err := r.batchOf(ctx, t)
	if err != nil {
		return err
	}
	if i < 0 {
		return r.Single.Broadcast(ctx, t)
	}
	return r.Sender.BroadcastBatch(ctx, leg)
}

// Receipt is the member's own result in its leg's receipt: confirmed with
// its share of the network fee, or failed (the transaction reverted, or
// the token refused this recipient: its amount went back to the hot wallet
// in the same transaction, and the pipeline voids its hold).
func (r *BatchRouter) Receipt(ctx context.Context, t sg.Transfer) (sg.Receipt, error) {
	b, leg, i, err := r.batchOf(ctx, t)
	if err != nil {
		return sg.Receipt{}, err
	}
	if i < 0 {
		return r.Single.Receipt(ctx, t)
	}
	o, err := r.Sender.BatchOutcome(ctx, leg, b.MemberRows(leg))
	switch {
	case err != nil:
		return sg.Receipt{}, err
	case o.Failed:
		return sg.Receipt{Failed: true, TxHash: o.TxHash, Reason: "batch transaction reverted"}, nil
	case !o.Confirmed:
		return sg.Receipt{}, nil
	case i >= len(o.Paid) || i >= len(o.Fees):
		return sg.Receipt{}, sg.Internal("ledger.BatchRouter", fmt.Errorf("batch %s leg %s outcome has %d results, member %d", b.ID, leg.Chain, len(o.Paid), i))
	case !o.Paid[i]:
		return sg.Receipt{Failed: true, TxHash: o.TxHash, Reason: sg.ErrRecipientRefused.Code + ": " + sg.ErrRecipientRefused.Message}, nil
	}
	return sg.Receipt{Confirmed: true, Fee: o.Fees[i], TxHash: o.TxHash}, nil
}
