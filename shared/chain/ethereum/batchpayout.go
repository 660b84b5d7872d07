package ethereum

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BatchPayout pays a payout batch's members in one transaction of the hot
// wallet through its Multisend contract (infra/contracts/Multisend.sol):
// the contract pulls the batch total with one transferFrom (the hot wallet
// approved it once, for good: the one funding step) and pays each
// recipient with its own token.transfer, so a recipient the token refuses
// fails alone and its amount is back with the hot wallet in the same
// transaction. The batch's Ethereum transaction is a hot-wallet job named
// by its leg (sg.LegJob): signed once and kept, broadcast again
// harmlessly, replaced with higher fees when stuck, followed to the
// confirmation depth.
type BatchPayout struct {
	Hot       *HotWallet
	Token     common.Address
	Multisend common.Address
	// FeeInAsset converts a network fee in wei to the asset's base units.
	FeeInAsset func(wei *big.Int) sg.Amount
	// Layout, if set, lists the recipients' balance slots in the
	// transaction's access list (100 gas less per recipient).
	Layout *TokenLayout
}

var _ sg.BatchSender = (*BatchPayout)(nil)

// approveJob names the hot wallet's one approval of the Multisend: one per
// hot address (settle: after a hot-key rotation the new address approves
// for itself; the old address's kept approval is not its).
func (p *BatchPayout) approveJob(from common.Address) string {
	return "msapprove:" + p.Multisend.Hex() + ":" + p.Token.Hex() + ":" + from.Hex()
}

func payouts(members []sg.BatchRow) ([]multisend.Payout, error) {
	out := make([]multisend.Payout, len(members))
	for i, m := range members {
		to, err := address.Parse(sg.Ethereum, m.ToAddress)
		if err != nil {
			return nil, sg.Internal("ethereum.batch", err)
		}
		out[i] = multisend.Payout{To: common.Address(to), Amount: m.Amount}
	}
	return out, nil
}

// funded makes sure the Multisend may pull total from the hot wallet: if
// its allowance is short, the hot wallet approves it once (for good) and
// the batch waits (payout_batch_assembling) until that approval is
// confirmed.
func (p *BatchPayout) funded(ctx context.Context, total sg.Amount) error {
	c, ok := p.Hot.Node.(Caller)
	if !ok {
		return sg.Internal("ethereum.batch", errors.New("the node cannot answer calls"))
	}
	from, err := From(ctx, p.Hot.Signer)
	if err != nil {
		return err
	}
	out, err := c.CallContract(ctx, ethereum.CallMsg{To: &p.Token, Data: erc20.Allowance(address.Account(from), address.Account(p.Multisend))}, nil)
	if err != nil || len(out) < 32 {
		return sg.Unavailable("ethereum.batch", fmt.Errorf("allowance: %v", err))
	}
	if new(big.Int).SetBytes(out[:32]).Cmp(big.NewInt(int64(total))) >= 0 {
		return nil
	}
	job := p.approveJob(from)
	if _, err := p.Hot.Send(ctx, job, p.Token, erc20.Approve(address.Account(p.Multisend), erc20.Unlimited)); err != nil {
		return err
	}
	if err := p.Hot.Broadcast(ctx, job); err != nil {
		return err
	}
	m, err := p.Hot.Track(ctx, job)
	switch {
	case err != nil:
		return err
	case m.Failed:
		return sg.Internal("ethereum.batch", fmt.Errorf("the Multisend's approval %s reverted", m.Hash))
	case !m.Confirmed:
		return sg.ErrBatchAssembling.WithMessage("the hot wallet's approval of the Multisend contract waits for its confirmations")
	}
	return nil
}

// SignBatch signs the batch's transaction once (a second call returns the
// kept transaction's hash), after the one funding approval.
func (p *BatchPayout) SignBatch(ctx context.Context, leg sg.BatchLeg, members []sg.BatchRow) (string, error) {
	if kept, err := p.Hot.Store.SignedTx(ctx, leg.Job); err == nil {
		return kept.Hash, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	batch, err := payouts(members)
	if err != nil {
		return "", err
	}
	total, err := multisend.Total(batch)
	if err != nil {
		return "", sg.Internal("ethereum.SignBatch", err)
	}
	if err := p.funded(ctx, total); err != nil {
		return "", err
	}
	data, err := multisend.Pack(p.Token, true, batch)
	if err != nil {
		return "", sg.Internal("ethereum.SignBatch", err)
	}
	var al types.AccessList
	if p.Layout != nil {
		al = multisend.AccessList(p.Token, p.Layout.Balances, batch)
	}
	hash, err := p.Hot.SendWith(ctx, leg.Job, p.Multisend, data, al)
	if w := sg.PayoutWait(err); w != nil && w.Code == sg.ErrPayoutWouldRevert.Code {
		if c, ok := p.Hot.Node.(Caller); ok {
			if from, ferr := From(ctx, p.Hot.Signer); ferr == nil {
				if bal, berr := TokenBalance(ctx, c, p.Token, from); berr == nil && bal.Cmp(big.NewInt(int64(total))) < 0 {
					return "", sg.ErrHotWalletShort.Because("ethereum.SignBatch", err)
				}
			}
		}
	}
	return hash, err
}

// BroadcastBatch sends the kept transaction.
func (p *BatchPayout) BroadcastBatch(ctx context.Context, leg sg.BatchLeg) error {
	return p.Hot.Broadcast(ctx, leg.Job)
}

// BatchOutcome follows the batch's transaction (whichever version was
// mined) to the confirmation depth and reads each member's result from the
// contract's events, with its share of the network fee.
func (p *BatchPayout) BatchOutcome(ctx context.Context, leg sg.BatchLeg, members []sg.BatchRow) (sg.BatchOutcome, error) {
	m, err := p.Hot.Track(ctx, leg.Job)
	switch {
	case err != nil:
		return sg.BatchOutcome{}, err
	case m.Failed:
		return sg.BatchOutcome{Failed: true, TxHash: m.Hash, FeeWei: m.FeeWei}, nil
	case !m.Confirmed:
		return sg.BatchOutcome{}, nil
	}
	r, err := p.Hot.Node.TransactionReceipt(ctx, common.HexToHash(m.Hash))
	if err != nil {
		return sg.BatchOutcome{}, sg.Unavailable("ethereum.BatchOutcome", err)
	}
	batch, err := payouts(members)
	if err != nil {
		return sg.BatchOutcome{}, err
	}
	res, err := multisend.ParseResults(r, p.Multisend, batch)
	if err != nil {
		return sg.BatchOutcome{}, sg.Internal("ethereum.BatchOutcome", err)
	}
	o := sg.BatchOutcome{Confirmed: true, TxHash: m.Hash, FeeWei: m.FeeWei, Paid: make([]bool, len(res)), Fees: make([]sg.Amount, len(res))}
	for i, share := range multisend.FeeShares(m.FeeWei, len(res)) {
		o.Paid[i] = res[i].Paid
		o.Fees[i] = p.FeeInAsset(share)
	}
	return o, nil
}
