package ethereum

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/ethfee"
	"github.com/stablegate/stablegate/shared/coldbundle"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ColdStore keeps cold payouts (the domain's port; the dynamo adapter
// implements it).
type ColdStore = sg.ColdStore

// Cold is the Ethereum side of the platform's cold payouts (package
// coldapi keeps their records): it builds a payout's unsigned bundle,
// checks the signed one, and follows it on chain. Its key is never online:
// Follow is a hot wallet without a signer that never replaces.
type Cold struct {
	Node    Node
	Store   ColdStore
	Follow  *HotWallet
	ChainID *big.Int
	Token   common.Address
	Address common.Address
	// TTL is how long a bundle may take to cross the air gap and back.
	TTL time.Duration
	// Hot and Float: a cold payout to the hot wallet refills it, and is
	// recorded as platform float once confirmed.
	Hot   common.Address
	Float func(ctx context.Context, amount sg.Amount, ref string) error
	Now   func() time.Time
}

// burnAddress is the common burn address (0x…dEaD).
var burnAddress = common.Address{18: 0xde, 19: 0xad} // no parse at package init

// Bundle builds the unsigned bundle of r's transfer (r.ID and r.Amount) to
// to from the cold address: the nonce is the cold address's next, the fee
// cap twice the base fee plus the tip so it stays valid while the bundle
// is away. ErrColdCannotPay if the node cannot estimate it (the cold
// address is short of USDT or of ETH); sg.ErrDestinationDenied for a
// destination where the tokens are lost.
func (c *Cold) Bundle(ctx context.Context, r sg.ColdRecord, to address.Account, purpose string) (sg.ColdRecord, error) {
	switch common.Address(to) {
	case c.Address:
		return r, address.ErrInvalid.WithParam("to_address").WithMessage("the cold address cannot pay itself")
	case c.Token, common.Address{}, burnAddress: // tokens sent there are lost
		return r, sg.ErrDestinationDenied
	}
	data := erc20.Transfer(to, big.NewInt(int64(r.Amount)))
	nonce, err := c.Node.PendingNonceAt(ctx, c.Address)
	if err != nil {
		return r, sg.Unavailable("ethereum.Cold", err)
	}
	gas, err := c.Node.EstimateGas(ctx, ethereum.CallMsg{From: c.Address, To: &c.Token, Data: data})
	if err != nil {
		return r, sg.ErrColdCannotPay
	}
	tip, err := c.Node.SuggestGasTipCap(ctx)
	if err != nil {
		return r, sg.Unavailable("ethereum.Cold", err)
	}
	head, err := c.Node.HeaderByNumber(ctx, nil)
	if err != nil {
		return r, sg.Unavailable("ethereum.Cold", err)
	}
	b := coldbundle.Bundle{Format: coldbundle.FormatUnsigned, ID: r.ID, Chain: string(sg.Ethereum), ChainID: c.ChainID.Uint64(),
		From: c.Address.Hex(), Nonce: nonce, Gas: ethfee.GasLimit(gas),
		MaxFeePerGas: ethfee.MaxFeePerGas(head.BaseFee, tip).String(), MaxPriorityFeePerGas: tip.String(),
		Token: c.Token.Hex(), Calldata: "0x" + common.Bytes2Hex(data),
		Summary:   coldbundle.Summary{Amount: r.Amount.String(), Asset: string(sg.USDT), To: to.EIP55(), Purpose: purpose},
		ExpiresAt: r.CreatedAt.Add(c.TTL).Truncate(time.Second)}
	b.Digest = b.ComputeDigest().Hex()
	r.Chain, r.Bundle, r.ExpiresAt, r.To = string(sg.Ethereum), coldbundle.Marshal(b), b.ExpiresAt, to.EIP55()
	return r, nil
}

// Signed checks a signed bundle file against r: exactly the bundle
// prepared, from the deployment's cold address, its signature that
// address's. It returns the transaction to broadcast and its hash.
func (c *Cold) Signed(r sg.ColdRecord, file []byte) ([]byte, string, error) {
	s, err := coldbundle.ParseSigned(file)
	if err != nil {
		return nil, "", err
	}
	if !bytes.Equal(coldbundle.Marshal(s.Bundle), r.Bundle) {
		return nil, "", sg.ErrColdBundleMismatch
	}
	if s.Bundle.From != c.Address.Hex() {
		return nil, "", sg.ErrColdBundleMismatch.WithMessage("the bundle pays from %s, not the deployment's cold address", s.Bundle.From)
	}
	tx, err := s.SignedTx()
	if err != nil {
		return nil, "", err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, "", sg.Internal("ethereum.Cold", err)
	}
	return raw, tx.Hash().Hex(), nil
}

// Advance moves a signed cold payout on: broadcast, then confirmed or
// failed on chain. It reports whether the payout has ended.
func (c *Cold) Advance(ctx context.Context, tenant, id string) (bool, error) {
	for range 3 {
		r, err := c.Store.ColdBundle(ctx, tenant, id, false)
		if err != nil {
			return false, err
		}
		switch r.State {
		case sg.ColdSigned:
			if err := c.Follow.Broadcast(ctx, id); err != nil {
				return false, err
			}
			if err := c.Store.MoveCold(ctx, r, sg.ColdSigned, sg.ColdSent, ""); err != nil && !errors.Is(err, sg.ErrStateChanged) {
				return false, err
			}
		case sg.ColdSent:
			m, err := c.Follow.Track(ctx, id)
			switch {
			case err != nil:
				return false, err
			case m.Failed:
				return true, c.Store.MoveCold(ctx, r, sg.ColdSent, sg.ColdFailed, m.Hash)
			case !m.Confirmed:
				return false, nil
			}
			if common.HexToAddress(r.To) == c.Hot && c.Float != nil {
				if err := c.Float(ctx, r.Amount, "cold-"+id); err != nil {
					return false, err
				}
			}
			err = c.Store.MoveCold(ctx, r, sg.ColdSent, sg.ColdDone, m.Hash)
			return err == nil, err
		default:
			return true, nil
		}
	}
	return false, nil
}
