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
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpColdPrepare names cold bundle preparation in idempotency keys.
const OpColdPrepare = "cold-payouts.create"

// ColdStore keeps cold payouts (dynamo.Store).
type ColdStore interface {
	PutColdBundle(ctx context.Context, r dynamo.ColdRecord) error
	ColdBundle(ctx context.Context, tenant, id string, byKey bool) (dynamo.ColdRecord, error)
	MoveCold(ctx context.Context, r dynamo.ColdRecord, from, to, txHash string) error
	TrackCold(ctx context.Context, c sg.Chain, tenant, id string) error
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (dynamo.SignedTx, error)
}

// Cold prepares payouts from the cold address for the offline signer,
// takes them back signed, and follows them on chain. Its key is never
// online: Follow is a hot wallet without a signer that never replaces.
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

// Cold payout refusals.
var (
	ErrColdCannotPay = &sg.Error{Kind: sg.KindRefused, Code: "cold_cannot_pay",
		Message: "the cold address cannot make this transfer now (its USDT or ETH balance is short)", Param: "amount"}
	ErrColdBundleUsed = &sg.Error{Kind: sg.KindConflict, Code: "cold_bundle_used",
		Message: "this bundle has already been signed and imported; a bundle is used once"}
	ErrColdBundleExpired = &sg.Error{Kind: sg.KindRefused, Code: "cold_bundle_expired",
		Message: "the bundle expired before its signature came back; prepare a new one"}
	ErrColdBundleMismatch = &sg.Error{Kind: sg.KindRefused, Code: "cold_bundle_mismatch",
		Message: "the signed bundle is not the one prepared (a field differs)"}
)

// Prepare makes the unsigned bundle of a transfer of amount to to. The same
// idempotency key answers with the first bundle.
func (c *Cold) Prepare(ctx context.Context, tenant, by, key, reqHash string, to address.Account, amount sg.Amount, purpose string) (dynamo.ColdRecord, bool, error) {
	now := c.Now().UTC().Truncate(time.Microsecond)
	id := sg.NewKeyedID("cb", now, tenant, OpColdPrepare, key)
	kp, _ := sg.KeyPart("cb", id)
	replay := func() (dynamo.ColdRecord, bool, error) {
		r, err := c.Store.ColdBundle(ctx, tenant, kp, true)
		if err != nil {
			return dynamo.ColdRecord{}, false, err
		}
		if r.RequestHash != reqHash {
			return dynamo.ColdRecord{}, false, sg.ErrIdempotencyKeyReused
		}
		return r, true, nil
	}
	if r, ok, err := replay(); err == nil || !errors.Is(err, sg.ErrNotFound) {
		return r, ok, err
	}
	data := erc20.Transfer(to, big.NewInt(int64(amount)))
	nonce, err := c.Node.PendingNonceAt(ctx, c.Address)
	if err != nil {
		return dynamo.ColdRecord{}, false, sg.Unavailable("ethereum.Cold", err)
	}
	gas, err := c.Node.EstimateGas(ctx, ethereum.CallMsg{From: c.Address, To: &c.Token, Data: data})
	if err != nil {
		return dynamo.ColdRecord{}, false, ErrColdCannotPay
	}
	tip, err := c.Node.SuggestGasTipCap(ctx)
	if err != nil {
		return dynamo.ColdRecord{}, false, sg.Unavailable("ethereum.Cold", err)
	}
	head, err := c.Node.HeaderByNumber(ctx, nil)
	if err != nil {
		return dynamo.ColdRecord{}, false, sg.Unavailable("ethereum.Cold", err)
	}
	b := coldbundle.Bundle{Format: coldbundle.FormatUnsigned, ID: id, Chain: string(sg.Ethereum), ChainID: c.ChainID.Uint64(),
		From: c.Address.Hex(), Nonce: nonce, Gas: ethfee.GasLimit(gas),
		MaxFeePerGas: ethfee.MaxFeePerGas(head.BaseFee, tip).String(), MaxPriorityFeePerGas: tip.String(),
		Token: c.Token.Hex(), Calldata: "0x" + common.Bytes2Hex(data),
		Summary:   coldbundle.Summary{Amount: amount.String(), Asset: string(sg.USDT), To: to.EIP55(), Purpose: purpose},
		ExpiresAt: now.Add(c.TTL).Truncate(time.Second)}
	b.Digest = b.ComputeDigest().Hex()
	r := dynamo.ColdRecord{ID: id, Tenant: tenant, Chain: string(sg.Ethereum), State: dynamo.ColdPrepared, Bundle: coldbundle.Marshal(b),
		RequestHash: reqHash, RequestedBy: by, CreatedAt: now, ExpiresAt: b.ExpiresAt, Amount: amount, To: to.EIP55()}
	err = c.Store.PutColdBundle(ctx, r)
	if errors.Is(err, sg.ErrTransferExists) {
		return replay()
	}
	return r, false, err
}

// Get reads a cold payout.
func (c *Cold) Get(ctx context.Context, tenant, id string) (dynamo.ColdRecord, error) {
	return c.Store.ColdBundle(ctx, tenant, id, false)
}

// Import takes a signed bundle back: it must be exactly the prepared
// bundle, signed by the cold address, before its expiry and only once.
// Then it is broadcast and followed like any payout (if the broadcast
// fails, the tracker sends it).
func (c *Cold) Import(ctx context.Context, tenant, id string, file []byte) (dynamo.ColdRecord, error) {
	r, err := c.Store.ColdBundle(ctx, tenant, id, false)
	if err != nil {
		return r, err
	}
	s, err := coldbundle.ParseSigned(file)
	if err != nil {
		return r, err
	}
	if !bytes.Equal(coldbundle.Marshal(s.Bundle), r.Bundle) {
		return r, ErrColdBundleMismatch
	}
	if s.Bundle.From != c.Address.Hex() {
		return r, ErrColdBundleMismatch.WithMessage("the bundle pays from %s, not the deployment's cold address", s.Bundle.From)
	}
	switch {
	case r.State != dynamo.ColdPrepared:
		return r, ErrColdBundleUsed
	case !c.Now().Before(r.ExpiresAt):
		return r, ErrColdBundleExpired
	}
	tx, err := s.SignedTx()
	if err != nil {
		return r, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return r, sg.Internal("ethereum.Cold", err)
	}
	if _, err := c.Store.SaveSignedTx(ctx, id, raw, tx.Hash().Hex(), c.Now()); err != nil {
		return r, err
	}
	if err := c.Store.MoveCold(ctx, r, dynamo.ColdPrepared, dynamo.ColdSigned, tx.Hash().Hex()); errors.Is(err, sg.ErrStateChanged) {
		if now, _ := c.Store.ColdBundle(ctx, tenant, id, false); now.State == dynamo.ColdPrepared {
			return r, ErrColdBundleExpired
		}
		return r, ErrColdBundleUsed
	} else if err != nil {
		return r, err
	}
	r.State, r.TxHash = dynamo.ColdSigned, tx.Hash().Hex()
	if err := c.Store.TrackCold(ctx, sg.Ethereum, tenant, id); err != nil {
		return r, err
	}
	if _, err := c.Advance(ctx, tenant, id); err != nil {
		return r, nil // signed and tracked: the tracker retries the broadcast
	}
	return c.Store.ColdBundle(ctx, tenant, id, false)
}

// Cancel withdraws a bundle not yet imported, so its nonce (and the
// chain's one open bundle) is free for the next. A signature made for it
// offline is then refused: the bundle is no longer prepared.
func (c *Cold) Cancel(ctx context.Context, tenant, id string) (dynamo.ColdRecord, error) {
	r, err := c.Store.ColdBundle(ctx, tenant, id, false)
	if err != nil {
		return r, err
	}
	if r.State == dynamo.ColdCancelled {
		return r, nil
	}
	if r.State != dynamo.ColdPrepared {
		return r, ErrColdBundleUsed.WithMessage("the bundle has been signed and imported; it can no longer be cancelled")
	}
	if err := c.Store.MoveCold(ctx, r, dynamo.ColdPrepared, dynamo.ColdCancelled, ""); errors.Is(err, sg.ErrStateChanged) {
		return c.Cancel(ctx, tenant, id)
	} else if err != nil {
		return r, err
	}
	r.State = dynamo.ColdCancelled
	return r, nil
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
		case dynamo.ColdSigned:
			if err := c.Follow.Broadcast(ctx, id); err != nil {
				return false, err
			}
			if err := c.Store.MoveCold(ctx, r, dynamo.ColdSigned, dynamo.ColdSent, ""); err != nil && !errors.Is(err, sg.ErrStateChanged) {
				return false, err
			}
		case dynamo.ColdSent:
			m, err := c.Follow.Track(ctx, id)
			switch {
			case err != nil:
				return false, err
			case m.Failed:
				return true, c.Store.MoveCold(ctx, r, dynamo.ColdSent, dynamo.ColdFailed, m.Hash)
			case !m.Confirmed:
				return false, nil
			}
			if common.HexToAddress(r.To) == c.Hot && c.Float != nil {
				if err := c.Float(ctx, r.Amount, "cold-"+id); err != nil {
					return false, err
				}
			}
			err = c.Store.MoveCold(ctx, r, dynamo.ColdSent, dynamo.ColdDone, m.Hash)
			return err == nil, err
		default:
			return true, nil
		}
	}
	return false, nil
}
