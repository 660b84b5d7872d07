package tron

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TxStore keeps signed transactions (the dynamo adapter implements it).
type TxStore interface {
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	SignedTx(ctx context.Context, id string) (sg.SignedTx, error)
}

// Payout pays withdrawals out of the hot wallet on Tron: a TRC20 transfer
// (TriggerSmartContract) built and identified by our own code, signed in
// KMS and followed by a Sender under the payout's id until its block is
// solidified, when the hold is posted with the TRX burnt as the fee.
type Payout struct {
	Send  *Sender
	Token address.Account
	// FeeInAsset converts a fee in sun to the asset's base units.
	FeeInAsset func(sun int64) sg.Amount
}

var _ sg.Payout = (*Payout)(nil)

// build is the transfer of t from the hot address.
func (p *Payout) build(t sg.Transfer) Build {
	return func(ctx context.Context, h Header) (Tx, error) {
		to, err := address.Parse(sg.Tron, t.ToAddress)
		if err != nil {
			return Tx{}, sg.Internal("tron.Sign", err)
		}
		owner, err := p.Send.Signer.Address(ctx)
		if err != nil {
			return Tx{}, err
		}
		if t.Amount <= 0 {
			return Tx{}, sg.Internal("tron.Sign", errors.New("amount must be positive"))
		}
		return Call(owner, p.Token, erc20.Transfer(to, big.NewInt(int64(t.Amount))), h), nil
	}
}

// Sign builds and signs the payout's transaction once. A payout the hot
// account's USDT cannot cover is not signed (it would burn its fee and
// fail on chain): it waits, and says so.
func (p *Payout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	if _, err := p.Send.Store.SignedTx(ctx, t.ID); errors.Is(err, sg.ErrNotFound) {
		owner, err := p.Send.Signer.Address(ctx)
		if err != nil {
			return "", err
		}
		bal, err := p.Send.Grid.TRC20Balance(ctx, owner.Tron(), p.Token.Tron())
		if err != nil {
			return "", err
		}
		if bal.Cmp(big.NewInt(int64(t.Amount))) < 0 {
			return "", sg.ErrHotWalletShort.Because("tron.Sign", fmt.Errorf("hot account holds %s base units, payout %d", bal, t.Amount))
		}
	}
	return p.Send.Sign(ctx, t.ID, p.build(t))
}

// Broadcast sends the kept transaction.
func (p *Payout) Broadcast(ctx context.Context, t sg.Transfer) error {
	return p.Send.Broadcast(ctx, t.ID)
}

// Receipt follows the payout until its block is solidified, with the TRX
// it burnt as the fee.
func (p *Payout) Receipt(ctx context.Context, t sg.Transfer) (sg.Receipt, error) {
	st, err := p.Send.Follow(ctx, t.ID, p.build(t))
	switch {
	case err != nil || !st.Found:
		return sg.Receipt{}, err
	case !st.Success:
		return sg.Receipt{Failed: true, TxHash: st.TxID}, nil
	case !st.Solid:
		return sg.Receipt{}, nil
	}
	return sg.Receipt{Confirmed: true, TxHash: st.TxID, Fee: p.FeeInAsset(st.Fee)}, nil
}
