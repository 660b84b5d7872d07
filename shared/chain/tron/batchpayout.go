package tron

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BatchPayout pays a payout batch's members in one Tron transaction of the
// hot key through the Multisend contract (infra/contracts/Multisend.sol,
// deployed on Tron): a TriggerSmartContract call of pay(token, total,
// items), built and identified by our own code and signed in KMS by the
// Sender, like a single payout. The contract pulls the batch total with one
// transferFrom (the hot account approved it once, for good: the one
// funding step) and pays each recipient with its own token transfer, so a
// recipient the token refuses fails alone (a Failed event) and its amount
// is back with the hot account in the same transaction. The transaction is
// kept under its leg's job (sg.LegJob): signed once, sent again harmlessly, signed anew
// on a fresh reference block only once its version has expired untaken
// (Tron has no nonces: an expired version can never be taken), and followed
// until its block is solidified, when its events give each member its
// result and the TRX it burnt is shared out as the members' network fee.
type BatchPayout struct {
	Send      *Sender
	Token     address.Account
	Multisend address.Account
	// FeeInAsset converts a fee in sun to the asset's base units.
	FeeInAsset func(sun int64) sg.Amount
	// FeeLimitPerPayout is the TRX (sun) the batch may burn per member,
	// on top of one more for the pull (0: 30 TRX; a USDT transfer to a new
	// holder burns about 13 TRX at mainnet's prices with no staked energy).
	// The whole limit is capped at MaxFeeLimit.
	FeeLimitPerPayout int64
}

// MaxFeeLimit is the most a transaction's fee limit may be (mainnet's
// getMaxFeeLimit: 15,000 TRX).
const MaxFeeLimit = 15_000_000_000

var _ sg.BatchSender = (*BatchPayout)(nil)

// feeLimit is the batch's fee limit for n members.
func (p *BatchPayout) feeLimit(n int) int64 {
	per := p.FeeLimitPerPayout
	if per <= 0 {
		per = 30_000_000
	}
	return min(per*int64(n+1), MaxFeeLimit)
}

// approveJob names the hot account's one approval of the Multisend: one
// per hot address (after a hot-key rotation the new address approves once
// for itself).
func (p *BatchPayout) approveJob(from address.Account) string {
	return "msapprove:tron:" + p.Multisend.Tron() + ":" + p.Token.Tron() + ":" + from.Tron()
}

func batchOf(members []sg.BatchRow) ([]MultisendPayout, error) {
	out := make([]MultisendPayout, len(members))
	for i, m := range members {
		to, err := address.Parse(sg.Tron, m.ToAddress)
		if err != nil {
			return nil, sg.Internal("tron.batch", err)
		}
		out[i] = MultisendPayout{To: to, Amount: m.Amount}
	}
	return out, nil
}

// build is the batch's pay call from the hot account, its fee limit sized
// to the batch.
func (p *BatchPayout) build(members []sg.BatchRow) Build {
	return func(ctx context.Context, h Header) (Tx, error) {
		batch, err := batchOf(members)
		if err != nil {
			return Tx{}, err
		}
		data, err := PackMultisend(p.Token, true, batch)
		if err != nil {
			return Tx{}, sg.Internal("tron.SignBatch", err)
		}
		owner, err := p.Send.Signer.Address(ctx)
		if err != nil {
			return Tx{}, err
		}
		h.FeeLimit = p.feeLimit(len(batch))
		return Call(owner, p.Multisend, data, h), nil
	}
}

// funded makes sure the Multisend may pull total from the hot account: if
// its allowance is short, the hot account approves it once (for good) and
// the batch waits (payout_batch_assembling) until that approval's block is
// solidified.
func (p *BatchPayout) funded(ctx context.Context, from address.Account, total sg.Amount) error {
	_, out, err := p.Send.Grid.Constant(ctx, from.Tron(), p.Token.Tron(), "allowance(address,address)", erc20.Allowance(from, p.Multisend))
	if err != nil || len(out) < 32 {
		return sg.Unavailable("tron.batch", fmt.Errorf("allowance: %v", err))
	}
	if new(big.Int).SetBytes(out[:32]).Cmp(big.NewInt(int64(total))) >= 0 {
		return nil
	}
	job := p.approveJob(from)
	approve := func(ctx context.Context, h Header) (Tx, error) {
		return Call(from, p.Token, erc20.Approve(p.Multisend, erc20.Unlimited), h), nil
	}
	if _, err := p.Send.Send(ctx, job, approve); err != nil {
		return err
	}
	st, err := p.Send.Follow(ctx, job, approve)
	switch {
	case err != nil:
		return err
	case st.Found && !st.Success:
		return sg.Internal("tron.batch", fmt.Errorf("the Multisend's approval %s failed: %s", st.TxID, st.Result))
	case !st.Solid:
		return sg.ErrBatchAssembling.WithMessage("the hot wallet's approval of the Multisend contract waits for its block to be solidified")
	}
	return nil
}

// SignBatch signs the batch's transaction once (a second call returns the
// kept transaction's id), after the one funding approval. A batch the hot
// account's USDT cannot cover is not signed (it would burn its fee and
// revert): it waits, and says so.
func (p *BatchPayout) SignBatch(ctx context.Context, leg sg.BatchLeg, members []sg.BatchRow) (string, error) {
	if kept, err := p.Send.Store.SignedTx(ctx, leg.Job); err == nil {
		return kept.Hash, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	batch, err := batchOf(members)
	if err != nil {
		return "", err
	}
	total, err := MultisendTotal(batch)
	if err != nil {
		return "", sg.Internal("tron.SignBatch", err)
	}
	from, err := p.Send.Signer.Address(ctx)
	if err != nil {
		return "", err
	}
	bal, err := p.Send.Grid.TRC20Balance(ctx, from.Tron(), p.Token.Tron())
	if err != nil {
		return "", sg.Unavailable("tron.SignBatch", err)
	}
	if bal.Cmp(big.NewInt(int64(total))) < 0 {
		return "", sg.ErrHotWalletShort.Because("tron.SignBatch", fmt.Errorf("hot account holds %s base units, batch %d", bal, total))
	}
	if err := p.funded(ctx, from, total); err != nil {
		return "", err
	}
	return p.Send.Sign(ctx, leg.Job, p.build(members))
}

// BroadcastBatch sends the kept transaction (one the node has is a success).
func (p *BatchPayout) BroadcastBatch(ctx context.Context, leg sg.BatchLeg) error {
	return p.Send.Broadcast(ctx, leg.Job)
}

// BatchOutcome follows the batch's transaction (whichever version was
// taken) until its block is solidified and reads each member's result
// from the contract's events, with its share of the TRX burnt.
func (p *BatchPayout) BatchOutcome(ctx context.Context, leg sg.BatchLeg, members []sg.BatchRow) (sg.BatchOutcome, error) {
	st, err := p.Send.Follow(ctx, leg.Job, p.build(members))
	switch {
	case err != nil || !st.Found:
		return sg.BatchOutcome{}, err
	case !st.Success:
		// Reverted or out of energy: no token moved; the TRX burnt is lost.
		return sg.BatchOutcome{Failed: true, TxHash: st.TxID, FeeWei: big.NewInt(st.Fee)}, nil
	case !st.Solid:
		return sg.BatchOutcome{}, nil
	}
	batch, err := batchOf(members)
	if err != nil {
		return sg.BatchOutcome{}, err
	}
	paid, err := MultisendResults(st.Logs, p.Multisend, batch)
	if err != nil {
		return sg.BatchOutcome{}, sg.Internal("tron.BatchOutcome", err)
	}
	o := sg.BatchOutcome{Confirmed: true, TxHash: st.TxID, FeeWei: big.NewInt(st.Fee), Paid: paid, Fees: make([]sg.Amount, len(paid))}
	for i, share := range FeeShares(st.Fee, len(paid)) {
		o.Fees[i] = p.FeeInAsset(share)
	}
	return o, nil
}
