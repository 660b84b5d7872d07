package ethereum

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Payout pays withdrawals out of the hot wallet: an EIP-1559 call of the
// token's transfer, sent and tracked by the hot wallet (one nonce per
// payout, replaced with higher fees when stuck), posted at the
// confirmation depth with the fee actually paid.
type Payout struct {
	Hot   *HotWallet
	Token common.Address
	// FeeInAsset converts a network fee in wei to the asset's base units
	// (what the customer is charged, up to the quote).
	FeeInAsset func(wei *big.Int) sg.Amount
}

var _ sg.Payout = (*Payout)(nil)

// Sign builds and signs the payout's transaction (once; a second call
// returns the first transaction's hash).
func (p *Payout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	to, err := address.Parse(sg.Ethereum, t.ToAddress)
	if err != nil {
		return "", sg.Internal("ethereum.Sign", err)
	}
	guard := &sg.NonceGuard{Tenant: t.TenantID, TransferID: t.ID, States: []sg.TransferState{sg.StateApproved, sg.StateAwaitingSigner}}
	hash, err := p.Hot.SendGuarded(ctx, t.ID, guard, p.Token, erc20.Transfer(to, big.NewInt(int64(t.Amount))))
	if w := sg.PayoutWait(err); w != nil && w.Code == sg.ErrPayoutWouldRevert.Code {
		// The usual cause: the hot wallet holds fewer tokens than the payout.
		if c, ok := p.Hot.Node.(Caller); ok {
			if from, ferr := From(ctx, p.Hot.Signer); ferr == nil {
				if bal, berr := TokenBalance(ctx, c, p.Token, from); berr == nil && bal.Cmp(big.NewInt(int64(t.Amount))) < 0 {
					return "", sg.ErrHotWalletShort.Because("ethereum.Sign", err)
				}
			}
		}
	}
	return hash, err
}

// Broadcast sends the kept transaction.
func (p *Payout) Broadcast(ctx context.Context, t sg.Transfer) error {
	return p.Hot.Broadcast(ctx, t.ID)
}

// Receipt follows the transaction (whichever version was mined) to the
// confirmation depth.
func (p *Payout) Receipt(ctx context.Context, t sg.Transfer) (sg.Receipt, error) {
	m, err := p.Hot.Track(ctx, t.ID)
	switch {
	case err != nil:
		return sg.Receipt{}, err
	case m.Failed:
		return sg.Receipt{Failed: true, TxHash: m.Hash}, nil
	case !m.Confirmed:
		return sg.Receipt{}, nil
	}
	return sg.Receipt{Confirmed: true, TxHash: m.Hash, Fee: p.FeeInAsset(m.FeeWei)}, nil
}
